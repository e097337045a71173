"""把几种数据增强作用在真实的手写数字上，画成一张表：每行一个数字，每列一种变换。

函数返回 matplotlib 的 Figure，不经过 pyplot：在测试、服务器和 Notebook 里都一样用。
单独运行：python snippets/data/figures.py（在当前目录写出 data/、digits/ 和 augmentations.png）
"""

# --8<-- [start:augmentations]
import numpy as np
import torch
from matplotlib.figure import Figure
from torchvision.transforms import v2

AUGMENTATIONS = {
    "original": lambda image: image,
    "RandomRotation(15)": v2.RandomRotation(15),
    "translate 0.15": v2.RandomAffine(degrees=0, translate=(0.15, 0.15)),
    "scale 0.8-1.2": v2.RandomAffine(degrees=0, scale=(0.8, 1.2)),
    "RandomAffine (training)": v2.RandomAffine(degrees=10, translate=(0.1, 0.1), scale=(0.9, 1.1)),
    "ElasticTransform": v2.ElasticTransform(alpha=40.0, sigma=4.0),
    "flip (wrong here!)": v2.RandomHorizontalFlip(p=1.0),
}


def plot_augmentations(images, augmentations=AUGMENTATIONS, seed=0) -> Figure:
    """images：几张 PIL 灰度图。每种变换对每张图各做一次；固定种子，图每次都一样。"""
    torch.manual_seed(seed)
    fig = Figure(figsize=(1.25 * len(augmentations), 1.3 * len(images)), layout="constrained")
    axes = fig.subplots(len(images), len(augmentations), squeeze=False)
    for row, image in enumerate(images):
        for col, (name, augment) in enumerate(augmentations.items()):
            ax = axes[row, col]
            ax.imshow(np.asarray(augment(image)), cmap="gray_r", vmin=0, vmax=255)
            ax.axis("off")
            if row == 0:
                ax.set_title(name, fontsize=7)
    return fig
# --8<-- [end:augmentations]


if __name__ == "__main__":
    from matplotlib.image import imread

    from files import DigitCSV, export_digits  # 同目录

    export_digits()
    table = DigitCSV("digits/train.csv", root="digits")
    plot_augmentations([table[i][0] for i in range(4)]).savefig("augmentations.png", dpi=100)
    print(imread("augmentations.png").shape)
