"""画出 CNN 第一层的卷积核，以及一张数字经过两层卷积后的特征图。

这些函数返回 matplotlib 的 Figure，不经过 pyplot：在测试、服务器和 Notebook 里都一样用。
单独运行：python snippets/cnn/figures.py（在当前目录写出 data/ 和两张 PNG 图，模型训练 1 轮）
"""

# --8<-- [start:figures]
import torch
from matplotlib.figure import Figure


def plot_filters(model) -> Figure:
    """第一个卷积层的卷积核，每个 5×5 画成一个小图：红色是正权重，蓝色是负权重。"""
    kernels = model[0].weight.detach().cpu()[:, 0].numpy()  # [6, 1, 5, 5] → [6, 5, 5]
    limit = abs(kernels).max()
    fig = Figure(figsize=(7.5, 1.6), layout="constrained")
    axes = fig.subplots(1, len(kernels))
    for index, (ax, kernel) in enumerate(zip(axes, kernels)):
        ax.imshow(kernel, cmap="bwr", vmin=-limit, vmax=limit)
        ax.set_title(f"kernel {index}", fontsize=9)
        ax.axis("off")
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
    first, second = feature_maps(model, image)
    fig = Figure(figsize=(8, 4.2), layout="constrained")
    top, middle, bottom = fig.subfigures(3, 1, height_ratios=[1, 1, 1.6])
    top.subplots(1, 1).imshow(image[0].cpu().numpy(), cmap="gray_r")  # Matplotlib 要 NumPy 数组
    top.axes[0].set_title("input", fontsize=9)
    for row, maps, name in ((middle, first, "conv1"), (bottom, second, "conv2")):
        axes = row.subplots(2 if len(maps) > 8 else 1, min(len(maps), 8), squeeze=False).flat
        for index, (ax, fmap) in enumerate(zip(axes, maps)):
            ax.imshow(fmap.numpy(), cmap="viridis")
            ax.set_title(f"{name}[{index}]", fontsize=7)
    for ax in fig.get_axes():
        ax.axis("off")
    return fig
# --8<-- [end:figures]


if __name__ == "__main__":
    from matplotlib.image import imread

    from digits import load_digits, train_and_test  # 同目录
    from models import build_cnn

    digits = load_digits()
    model, _ = train_and_test(build_cnn, digits, epochs=1)
    plot_filters(model).savefig("cnn-filters.png", dpi=100)
    plot_feature_maps(model, digits[2][0].to(next(model.parameters()).device)).savefig(
        "cnn-feature-maps.png", dpi=100)
    print(imread("cnn-filters.png").shape, imread("cnn-feature-maps.png").shape)
