"""大小不一的真实照片：读成张量，再用 Resize、CenterCrop、RandomResizedCrop 把它们变成同样大小。

照片来自已经装好的两个包：Matplotlib 附带的 grace_hopper.jpg（美国海军 1984 年的官方肖像，公有领域），
scikit-learn 附带的 china.jpg 和 flower.jpg（Flickr 上的照片，CC BY 2.0，见 sklearn/datasets/images/README.txt）。
单独运行：python snippets/data/photos.py（在当前目录写出 data-photos.png）
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent if "__file__" in globals() else Path.cwd()
sys.path.insert(0, str(HERE))
from figures import save_png, use_chinese_font  # noqa: E402  同目录：中文字体、存 PNG

# --8<-- [start:photos]
import sklearn
import torch
from matplotlib import cbook
from PIL import Image
from torchvision.transforms import v2


def read_photo(path):
    """PIL 解码，转成 RGB，再变成 uint8 [3, H, W] 的张量。"""
    with Image.open(path) as image:
        return v2.functional.pil_to_tensor(image.convert("RGB"))


SKLEARN_IMAGES = Path(sklearn.__file__).parent / "datasets" / "images"
PHOTOS = {
    "grace_hopper.jpg": Path(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)),
    "china.jpg": SKLEARN_IMAGES / "china.jpg",
    "flower.jpg": SKLEARN_IMAGES / "flower.jpg",
}
photos = {name: read_photo(path) for name, path in PHOTOS.items()}
for name, image in photos.items():
    print(f"{name:17} {list(image.shape)} {image.dtype}")
# --8<-- [end:photos]

# --8<-- [start:figure]
from matplotlib.figure import Figure

SIZE_STEPS = {
    "Resize(224)": v2.Resize(224),                                   # 短边缩到 224，长宽比不变
    "+ CenterCrop(224)": v2.Compose([v2.Resize(224), v2.CenterCrop(224)]),
    "RandomResizedCrop(224)": v2.RandomResizedCrop(224),             # 随机裁一块，再缩放到 224×224
    "另一次": v2.RandomResizedCrop(224),
}


def plot_sizes(images, steps=SIZE_STEPS, seed=0) -> Figure:
    """images：{名字: uint8 [3, H, W]}。每行一张照片：原图，以及每种变换的结果（标题里写着尺寸）。"""
    use_chinese_font()
    torch.manual_seed(seed)                                          # RandomResizedCrop 每次都一样
    heights = [image.shape[-2] for image in images.values()]
    fig = Figure(figsize=(1.6 * (len(steps) + 1), 0.3 * len(images) + sum(heights) / 400),
                 layout="constrained")
    axes = fig.subplots(len(images), len(steps) + 1, squeeze=False,
                        gridspec_kw={"height_ratios": heights})
    for row, (name, image) in enumerate(images.items()):
        results = [("原图", image)] + [(step, transform(image)) for step, transform in steps.items()]
        for ax, (title, result) in zip(axes[row], results):
            height, width = result.shape[-2:]
            ax.imshow(result.permute(1, 2, 0).numpy())               # [C, H, W] → [H, W, C]
            ax.set_xlim(-0.5, 639.5)                                 # 同一个比例尺：大小一眼看得出
            ax.set_ylim(image.shape[-2] - 0.5, -0.5)
            ax.axis("off")
            ax.set_title(f"{title}\n{height}×{width}" if row == 0 else f"{height}×{width}", fontsize=8)
    return fig
# --8<-- [end:figure]


if __name__ == "__main__":
    save_png(plot_sizes(photos), "data-photos.png", dpi=100)
    print("data-photos.png")
