"""把几种数据增强作用在真实的手写数字上，画成一张表：每行一个数字，每列一种变换。

函数返回 matplotlib 的 Figure，不经过 pyplot：在测试、服务器和 Notebook 里都一样用。
单独运行：python snippets/data/figures.py（在当前目录写出 data/ 和 data-augmentations.png）
"""

# --8<-- [start:augmentations]
from pathlib import Path

import matplotlib
import numpy as np
import torch
from matplotlib import font_manager
from matplotlib.figure import Figure
from torchvision.transforms import v2


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


AUGMENTATIONS = {
    "原图": lambda image: image,
    "旋转 ±15°": v2.RandomRotation(15),
    "平移 15%": v2.RandomAffine(degrees=0, translate=(0.15, 0.15)),
    "缩放 0.8～1.2": v2.RandomAffine(degrees=0, scale=(0.8, 1.2)),
    "本章训练用的": v2.RandomAffine(degrees=10, translate=(0.1, 0.1), scale=(0.9, 1.1)),
    "水平翻转（不该用）": v2.RandomHorizontalFlip(p=1.0),
}


def plot_augmentations(images, augmentations=AUGMENTATIONS, seed=0) -> Figure:
    """images：几张 PIL 灰度图。每种变换对每张图各做一次；固定种子，图每次都一样。"""
    use_chinese_font()
    torch.manual_seed(seed)
    fig = Figure(figsize=(1.25 * len(augmentations), 1.3 * len(images)), layout="constrained")
    axes = fig.subplots(len(images), len(augmentations), squeeze=False)
    for row, image in enumerate(images):
        for col, (name, augment) in enumerate(augmentations.items()):
            ax = axes[row, col]
            ax.imshow(np.asarray(augment(image)), cmap="gray_r", vmin=0, vmax=255)
            ax.axis("off")
            if row == 0:
                ax.set_title(name, fontsize=9)
    return fig
# --8<-- [end:augmentations]


def save_png(figure: Figure, path: str, dpi: int = 150) -> None:
    """存成 128 色的调色板 PNG：图里只有几种颜色，文件只有原来的三分之一，手机上打开得快。"""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    image = Image.open(buffer).convert("RGB")
    image.quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


if __name__ == "__main__":
    import sys

    from matplotlib.image import imread
    from torchvision import datasets

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "training"))  # 训练模型一章的程序
    from mnist_sample import write_mnist_sample

    write_mnist_sample("data")                     # 和 export_digits 写出的 PNG 是同样的像素
    train = datasets.MNIST("data", train=True, download=True)
    save_png(plot_augmentations([train[i][0] for i in range(4)]), "data-augmentations.png")
    print("data-augmentations.png", imread("data-augmentations.png").shape)
