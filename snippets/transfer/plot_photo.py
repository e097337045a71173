"""把 EfficientNet-Lite0 对一张真实照片的判断画成图：左边是照片，右边是概率最高的 5 个类别。

单独运行：python snippets/transfer/plot_photo.py（在当前目录写出 transfer-photo-top5.png）
"""

import matplotlib

matplotlib.use("Agg")  # 不开窗口，直接画进文件
# --8<-- [start:draw]
import sys
from pathlib import Path

import matplotlib.pyplot as plt

sys.path.insert(0, str(Path(__file__).resolve().parent))
from plot_comparison import use_chinese_font  # noqa: E402  # 图里的中文用本站的字体子集 cjk-subset.ttf


def draw_top5(photo, predictions, path):
    """photo：[3, 高, 宽] 的 uint8 张量；predictions：[(类别名, 概率), ...]。"""
    use_chinese_font()
    fig, (left, right) = plt.subplots(1, 2, figsize=(7, 3.2), width_ratios=[1, 1.5])
    left.imshow(photo.permute(1, 2, 0).numpy())  # [3, 高, 宽] → [高, 宽, 3]
    left.set_axis_off()
    left.set_title("grace_hopper.jpg（Matplotlib 附带）", fontsize=9)
    names = [name for name, _ in predictions][::-1]  # 概率最高的画在最上面
    probs = [100 * p for _, p in predictions][::-1]
    bars = right.barh(names, probs, color="#1a73e8")
    right.bar_label(bars, labels=[f"{p:.1f}%" for p in probs], fontsize=8, padding=2)
    right.set_xlim(0, 35)
    right.set_xlabel("概率（%）")
    right.set_title("EfficientNet-Lite0 的前 5 个类别", fontsize=10)
    right.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
# --8<-- [end:draw]


if __name__ == "__main__":
    import torch
    from efficientnet_lite import load_lite0, make_preprocess, read_photo, top5

    torch.set_num_threads(1)  # 和页面一样单线程：概率的最后几位不随线程数变，图也就每次相同
    photo = read_photo()
    draw_top5(photo, top5(load_lite0(), photo, make_preprocess()), "transfer-photo-top5.png")
