"""本章的示意图：数据管道。文件 → Dataset（读一张图，做 transform）→ DataLoader（打乱、分批）→ 批量。

图里的形状由 PyTorch 现算：本章的 eval_transform 作用在一张 28×28 的灰度图上，DataLoader 每批 64 个。
单独运行：python snippets/data/diagrams.py（在当前目录写出 data-pipeline.png，几秒钟）
"""

import torch
from figures import save_png, use_chinese_font  # 同目录：图里的中文用子集字体 cjk-subset.ttf
from files import eval_transform
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from PIL import Image
from torch.utils.data import DataLoader


def box(ax, x, y, width, height, title, lines, color):
    ax.add_patch(FancyBboxPatch((x, y), width, height, boxstyle="round,pad=0.02,rounding_size=0.15",
                                facecolor=color, edgecolor="#444444", linewidth=1))
    ax.text(x + width / 2, y + height - 0.3, title, ha="center", va="top", fontsize=10.5)
    ax.text(x + width / 2, y + height - 0.95, "\n".join(lines), ha="center", va="top", fontsize=8.5,
            linespacing=1.45)


def arrow(ax, start, end):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=14, color="#333333",
                                 linewidth=1.4))


def pipeline() -> Figure:
    sample = eval_transform(Image.new("L", (28, 28)))          # 一张 28×28 的灰度图
    batch, labels = next(iter(DataLoader([(sample, 3)] * 64, batch_size=64)))
    shape = "[" + ", ".join(str(s) for s in batch.shape) + "]"
    fig = Figure(figsize=(7.5, 1.5))
    ax = fig.add_axes((0, 0, 1, 1))
    width, height, gap = 3.6, 3.6, 0.55
    stages = [
        ("硬盘上的文件", ["train/3/0007.png", "train.csv", "一张图一个文件"], "#f2f2f2"),
        ("Dataset", ["__len__：有几个样本", "__getitem__(i)：", "读第 i 张图、做", "transform"],
         "#deebf7"),
        ("一个样本", ["图 " + "[" + ", ".join(str(s) for s in sample.shape) + "]", "float32",
                    "标签 3"], "#e5f5e0"),
        ("DataLoader", ["打乱顺序、取 64 个", "工作进程并行读", "collate_fn 拼起来"], "#fee6ce"),
        ("一个批量", ["图 " + shape, "标签 [" + str(len(labels)) + "]", "交给模型"], "#efedf5"),
    ]
    for index, (title, lines, color) in enumerate(stages):
        x = 0.2 + index * (width + gap)
        box(ax, x, 0.2, width, height, title, lines, color)
        if index:
            arrow(ax, (x - gap + 0.02, 0.2 + height / 2), (x - 0.02, 0.2 + height / 2))
    ax.set_xlim(0, 0.4 + 5 * width + 4 * gap)
    ax.set_ylim(0, height + 0.4)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig


if __name__ == "__main__":
    from matplotlib.image import imread

    torch.manual_seed(0)
    use_chinese_font()
    save_png(pipeline(), "data-pipeline.png")
    print("data-pipeline.png", imread("data-pipeline.png").shape)
