"""画出 CNN 第一层的卷积核，以及一张数字经过两层卷积后的特征图。

这些函数返回 matplotlib 的 Figure，不经过 pyplot：在测试、服务器和 Notebook 里都一样用。
单独运行：python snippets/cnn/figures.py（在当前目录写出 cnn-filters.png：网站上那张卷积核的图，
用的是本站训练出的卷积核 TRAINED_KERNELS，不必再训练一遍）
"""

# --8<-- [start:figures]
from pathlib import Path

import matplotlib
import torch
from matplotlib import font_manager
from matplotlib.figure import Figure


# 程序所在的文件夹（粘贴进交互式 Python 时没有 __file__，就用当前文件夹）
HERE = Path(__file__).resolve().parent if "__file__" in globals() else Path.cwd()


def use_chinese_font() -> None:
    """图里有中文：先找本站附带的子集字体 cjk-subset.ttf，找不到就用系统里的中文字体。"""
    for font_file in (HERE / "cjk-subset.ttf",
                      HERE.parent / "notebooks" / "cjk-subset.ttf",          # 下载的压缩包里
                      HERE.parent.parent / "docs" / "notebooks" / "cjk-subset.ttf"):  # 仓库里
        if font_file.is_file():
            font_manager.fontManager.addfont(str(font_file))
    installed = {font.name for font in font_manager.fontManager.ttflist}
    chinese = [name for name in ("Droid Sans Fallback", "Noto Sans CJK SC", "Microsoft YaHei",
                                 "PingFang SC", "WenQuanYi Micro Hei") if name in installed]
    matplotlib.rcParams["font.family"] = ["DejaVu Sans", *chinese[:1]]  # 西文 DejaVu，中文找到的第一个


def plot_filters(weight) -> Figure:
    """第一个卷积层的卷积核 [6, 1, 5, 5]，每个 5×5 画成一个小图：红色是正权重，蓝色是负权重。"""
    use_chinese_font()
    kernels = weight.detach().cpu()[:, 0].numpy()           # [6, 1, 5, 5] → [6, 5, 5]
    limit = abs(kernels).max()
    fig = Figure(figsize=(7.5, 1.75), layout="constrained")
    axes = fig.subplots(1, len(kernels))
    for index, (ax, kernel) in enumerate(zip(axes, kernels)):
        shown = ax.imshow(kernel, cmap="bwr", vmin=-limit, vmax=limit)
        ax.set_title(f"卷积核 {index}", fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.colorbar(shown, ax=axes, shrink=0.9, label="权重")
    return fig


def feature_maps(model, image) -> list[torch.Tensor]:
    """一张图 [1, 28, 28] 依次经过各层；留下两个卷积层（ReLU 之后）的输出。"""
    maps, x = [], image.unsqueeze(0)
    model.eval()
    with torch.no_grad():
        for layer in model:
            x = layer(x)
            if isinstance(layer, torch.nn.ReLU) and x.dim() == 4:
                maps.append(x[0].cpu())
    return maps                                             # [6, 28, 28] 和 [16, 10, 10]


def plot_feature_maps(model, image) -> Figure:
    use_chinese_font()
    first, second = feature_maps(model, image)
    fig = Figure(figsize=(8, 4.2), layout="constrained")
    top, middle, bottom = fig.subfigures(3, 1, height_ratios=[1, 1, 1.6])
    top.subplots(1, 1).imshow(image[0].cpu().numpy(), cmap="gray_r")  # Matplotlib 要 NumPy 数组
    top.axes[0].set_title("输入", fontsize=9)
    for row, maps, name in ((middle, first, "第一层"), (bottom, second, "第二层")):
        axes = row.subplots(2 if len(maps) > 8 else 1, min(len(maps), 8), squeeze=False).flat
        for index, (ax, fmap) in enumerate(zip(axes, maps)):
            ax.imshow(fmap.numpy(), cmap="viridis")
            ax.set_title(f"{name} {index}", fontsize=7)
    for ax in fig.get_axes():
        ax.axis("off")
    return fig
# --8<-- [end:figures]


def save_png(figure: Figure, path: str, dpi: int = 150) -> None:
    """存成 128 色的调色板 PNG：图里只有几种颜色，文件只有原来的三分之一，手机上打开得快。"""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    image = Image.open(buffer).convert("RGB")
    image.quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


# 本站训练出的第一层卷积核（compare.py：种子 0，8 轮，CPU），乘以 100 取整：
# 网站上的图就是用它们画的，和你自己训练出的卷积核只差最后一两位。
TRAINED_KERNELS = [
    [[8, 18, -12, -17, -12], [15, 8, 17, -9, -3], [5, 7, -14, -17, -14],
     [11, 20, 23, -5, -4], [16, 26, 8, 27, 7]],
    [[5, 18, -22, -16, -6], [-10, 7, -20, -15, -20], [-20, -21, 10, -1, 0],
     [5, -14, -1, -26, -22], [-2, 23, 19, -10, -5]],
    [[13, 24, 12, 7, 19], [-11, 8, -10, -7, -1], [9, 10, -8, 14, 21],
     [-5, 4, 11, 23, 29], [-19, -3, 15, 25, 25]],
    [[24, 13, -8, 4, -21], [-7, 28, 22, -26, -10], [9, 8, -5, -4, -26],
     [16, 16, 11, -5, -31], [-2, 18, 6, -21, -18]],
    [[26, 22, -2, -7, -26], [4, -14, -6, 6, 6], [-4, 18, 3, 29, 25],
     [-20, -3, 6, 4, 8], [-3, -12, -25, -9, -33]],
    [[-11, -16, -22, -17, -17], [-2, 1, -17, 3, 23], [6, 8, 7, 15, 24],
     [29, 22, 29, 8, -9], [-4, 19, 4, -8, -12]],
]


if __name__ == "__main__":
    from matplotlib.image import imread

    weight = torch.tensor(TRAINED_KERNELS, dtype=torch.float32).unsqueeze(1) / 100  # [6, 1, 5, 5]
    save_png(plot_filters(weight), "cnn-filters.png")
    print("cnn-filters.png", imread("cnn-filters.png").shape)
