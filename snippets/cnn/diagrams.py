"""本章的三张示意图：卷积核怎样在图上滑动（填充、步幅），多个输入通道怎样相加，LeNet 风格的网络结构。

图里的数字和形状都由 PyTorch 现算：滑动窗口用的是本章手算的那张 5×5 小图和“右边减左边”的卷积核，
多通道用的是本章那个 3 通道的例子，网络结构是 models.py 里的 build_cnn。
单独运行：python snippets/cnn/diagrams.py（在当前目录写出 cnn-sliding-window.png、cnn-channels.png
和 cnn-lenet.png，几秒钟，不训练）
"""

import torch
import torch.nn.functional as F
from figures import save_png, use_chinese_font  # 同目录：图里的中文用子集字体 cjk-subset.ttf
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, Rectangle
from models import build_cnn

IMAGE = torch.tensor([[0., 0., 1., 1., 1.]] * 5)              # 左边暗、右边亮的 5×5 小图
KERNEL = torch.tensor([[-1., 0., 1.]] * 3)                    # 3×3：右边减左边


def grid(ax, left, top, values, colors=None, frame="#555555", text=True, size=9):
    """把一个二维表画成格子：左上角在 (left, top)，一格一个单位，往下是 y 减小。"""
    rows, cols = values.shape
    for i in range(rows):
        for j in range(cols):
            face = "white" if colors is None else colors[i][j]
            ax.add_patch(Rectangle((left + j, top - i - 1), 1, 1, facecolor=face,
                                   edgecolor=frame, linewidth=0.6))
            if text:
                value = values[i, j].item()
                ax.text(left + j + 0.5, top - i - 0.5, f"{value:g}", ha="center", va="center",
                        fontsize=size)


def frame(ax, left, top, height, width, color, style="-"):
    ax.add_patch(Rectangle((left, top - height), width, height, fill=False, edgecolor=color,
                           linewidth=2.2, linestyle=style))


def arrow(ax, start, end, text="", color="#333333"):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=12,
                                 color=color, linewidth=1.2))
    if text:
        ax.text((start[0] + end[0]) / 2 + 0.3, (start[1] + end[1]) / 2, text, fontsize=9,
                va="center")


def sliding_window() -> Figure:
    """三种走法：不填充、步幅 1；填充 1；步幅 2。红框是卷积核的一个位置，对应输出里的红格。"""
    batch, weight = IMAGE.view(1, 1, 5, 5), KERNEL.view(1, 1, 3, 3)
    fig = Figure(figsize=(7.5, 5.3))
    ax = fig.add_axes((0, 0, 1, 1))
    red, blue, pad = "#d62728", "#1f77b4", "#e8e8e8"
    panels = [
        ("不填充，步幅 1", 0, 1, [(0, 0, red), (0, 1, blue)]),
        ("padding=1：四周补一圈 0", 1, 1, [(0, 0, red)]),
        ("stride=2：每次挪 2 格", 0, 2, [(0, 0, red), (0, 2, blue)]),
    ]
    for index, (title, padding, stride, windows) in enumerate(panels):
        left = index * 8.5 + 0.5
        out = F.conv2d(batch, weight, padding=padding, stride=stride)[0, 0]
        padded = F.pad(IMAGE, (padding,) * 4)
        size = padded.shape[0]
        colors = [[pad if min(i, j) < padding or max(i, j) >= size - padding else "white"
                   for j in range(size)] for i in range(size)]
        ax.text(left + 3.5, 15.2, title, ha="center", fontsize=11)
        ax.text(left + 3.5, 14.3, f"输入 {size}×{size}" if padding else "输入 5×5", ha="center",
                fontsize=9, color="#555555")
        shift = (7 - size) / 2
        grid(ax, left + shift, 14, padded, colors)
        for i, j, color in windows:
            frame(ax, left + shift + j, 14 - i, 3, 3, color)
        arrow(ax, (left + 3.5, 6.7), (left + 3.5, 5.7), "卷积")
        n = out.shape[0]
        out_colors = [["white"] * n for _ in range(n)]
        for k, (i, j, color) in enumerate(windows):
            out_colors[i // stride][j // stride] = "#f6c6c6" if color == red else "#c6dbef"
        out_left = left + (7 - n) / 2
        grid(ax, out_left, 5.4, out, out_colors)
        ax.text(left + 3.5, 5.4 - n - 0.6, f"输出 {n}×{n}", ha="center", fontsize=9,
                color="#555555")
    ax.text(0.5, -1.7, "卷积核 3×3：每行 [-1, 0, 1]（右边减左边）；灰格是补的 0", fontsize=9)
    ax.set_xlim(0, 25.5)
    ax.set_ylim(-2.2, 15.9)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig


def channels() -> Figure:
    """3 个输入通道、1 个输出通道：每个输入通道用自己那片卷积核算一张图，三张图相加再加偏置。"""
    torch.manual_seed(0)                              # 和本章“多个通道”一节同样的层和输入
    conv = torch.nn.Conv2d(in_channels=3, out_channels=2, kernel_size=3)
    x = torch.randn(1, 3, 5, 5)
    w = conv.weight.detach()
    parts = [F.conv2d(x[:, c:c + 1], w[0:1, c:c + 1])[0, 0] for c in range(3)]
    out = conv(x).detach()[0, 0]
    fig = Figure(figsize=(7.5, 6.9))
    ax = fig.add_axes((0, 0, 1, 1))
    cmap = matplotlib_cmap("RdBu_r")

    def colors(values, limit):
        return [[cmap(0.5 + 0.5 * v.item() / limit) for v in row] for row in values]

    names = ["R", "G", "B"]
    middle = 18 - 6.3 - 2.5                          # 中间一行的高度中线
    for c in range(3):
        top = 18 - c * 6.3
        grid(ax, 0, top, x[0, c], colors(x[0, c], 3), text=False)
        ax.text(2.5, top + 0.35, f"输入通道 {c}（{names[c]}）", ha="center", fontsize=9)
        ax.text(6, top - 2.5, "∗", ha="center", va="center", fontsize=16)
        grid(ax, 7, top - 1, w[0, c], colors(w[0, c], 0.3), text=False)
        ax.text(8.5, top - 0.65, f"卷积核 [0, {c}]", ha="center", fontsize=9)
        ax.text(11, top - 2.5, "=", ha="center", va="center", fontsize=14)
        grid(ax, 12, top - 1, parts[c], colors(parts[c], 2), text=False)
        arrow(ax, (15.2, top - 2.5), (18.3, middle + (1 - c) * 0.8))
    ax.text(17.2, 15.0, "三张相加\n+ 偏置 b[0]", ha="center", fontsize=10)
    grid(ax, 18.5, middle + 1.5, out, colors(out, 2), text=False)
    ax.text(20, middle + 1.85, "输出通道 0", ha="center", fontsize=10)
    ax.text(20, middle - 2.3, "输出通道 1：另一组\n[3, 3, 3] 的卷积核\n和偏置 b[1]，同样算", ha="center",
            va="top", fontsize=9, color="#555555")
    ax.text(0, -1.4, f"权重 {tuple(w.shape)} = [输出通道, 输入通道, 高, 宽]；颜色：红正蓝负",
            fontsize=9)
    ax.set_xlim(-0.3, 22.5)
    ax.set_ylim(-2.0, 19.0)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig


def matplotlib_cmap(name):
    import matplotlib

    return matplotlib.colormaps[name]


def lenet() -> Figure:
    """build_cnn 的结构：每个特征图画成一摞方块（边长随高宽变），展平后的向量画成竖条。"""
    model = build_cnn()
    x = torch.zeros(1, 1, 28, 28)
    stages, steps = [tuple(x.shape[1:])], []
    for layer in model:
        x = layer(x)
        kind = type(layer).__name__
        if kind == "ReLU":
            steps[-1] += "\n+ ReLU"
            continue
        if kind == "Conv2d":
            k, p = layer.kernel_size[0], layer.padding[0]
            steps.append(f"卷积\n{k}×{k}" + (f"\n填充 {p}" if p else ""))
        else:
            steps.append({"MaxPool2d": "最大池化\n2×2", "Flatten": "展平", "Linear": "线性层"}[kind])
        stages.append(tuple(x.shape[1:]))
    fig = Figure(figsize=(7.5, 1.3))
    ax = fig.add_axes((0, 0, 1, 1))
    middle, gap, step = 4.0, 2.6, 0.22
    left, spans = 0.3, []
    for shape in stages:
        if len(shape) == 3:                        # 特征图：通道数决定摞几层（最多画 6 层）
            channels, height, _ = shape
            side, layers = 0.8 + 3.2 * height / 28, min(shape[0], 6)
            width = side + step * (layers - 1)
            bottom = middle - (side + step * (layers - 1)) / 2
            for k in range(layers):
                ax.add_patch(Rectangle((left + step * k, bottom + step * (layers - 1 - k)),
                                       side, side, facecolor="#c6dbef", edgecolor="#1f4e79",
                                       linewidth=0.8))
            text = "×".join(str(s) for s in shape)
        else:                                      # 向量：竖条的高度随长度变
            length, width = shape[0], 0.4
            height = 0.6 + 3.4 * length / 400
            ax.add_patch(Rectangle((left, middle - height / 2), width, height,
                                   facecolor="#fdd0a2", edgecolor="#a63603", linewidth=0.8))
            text = str(length)
        spans.append((left, left + width))
        ax.text(left + width / 2, 0.9, text, ha="center", fontsize=8)
        left += width + gap
    for index, label in enumerate(steps):
        start, end = spans[index][1] + 0.15, spans[index + 1][0] - 0.15
        arrow(ax, (start, middle + 0.9), (end, middle + 0.9))
        ax.text((start + end) / 2, middle + 0.55, label, ha="center", va="top", fontsize=7,
                linespacing=1.1)
    ax.text(0.3, 7.0, "build_cnn：输入 1×28×28 的一张图，输出 10 个类别的分数；"
            "方块下面是形状（通道×高×宽，或向量长度）", fontsize=8, color="#333333")
    ax.set_xlim(0, left - gap + 0.6)
    ax.set_ylim(0.3, 7.6)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig


if __name__ == "__main__":
    from matplotlib.image import imread

    use_chinese_font()
    for name, draw in (("cnn-sliding-window.png", sliding_window), ("cnn-channels.png", channels),
                       ("cnn-lenet.png", lenet)):
        save_png(draw(), name)
        print(name, imread(name).shape)
