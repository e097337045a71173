"""把迁移学习离线实验的结果画成图：5 组图片上，三种做法各自的测试准确率。

单独运行：python snippets/transfer/plot_comparison.py（先把 few_labels.py 的实验跑一遍，
在当前目录写出 data/ 和 transfer-comparison.png）
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # 不开窗口，直接画进文件
# --8<-- [start:draw]
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402

HERE = Path(__file__).resolve().parent
COLORS = {"从头训练": "#9aa0a6", "微调全部": "#1a73e8", "冻结骨干": "#f29900"}  # 每种做法一种颜色


def use_chinese_font():
    # 图里的中文用本站的字体子集 cjk-subset.ttf；找不到时用系统里的中文字体
    for font_file in (HERE.parents[1] / "docs" / "notebooks" / "cjk-subset.ttf",  # 仓库里
                      HERE.parent / "notebooks" / "cjk-subset.ttf"):               # 压缩包里
        if font_file.is_file():
            font_manager.fontManager.addfont(str(font_file))
    installed = {font.name for font in font_manager.fontManager.ttflist}
    chinese = [name for name in ("Droid Sans Fallback", "Noto Sans CJK SC", "Microsoft YaHei",
                                 "PingFang SC", "WenQuanYi Micro Hei") if name in installed]
    plt.rcParams["font.family"] = ["DejaVu Sans", *chinese[:1]]


def draw_comparison(results, path):
    """results：{做法: [各组的测试准确率]}。每组一簇柱子，最后一簇是 5 组的平均。"""
    use_chinese_font()
    methods = list(results)
    groups = len(next(iter(results.values())))
    labels = [f"第 {i + 1} 组" for i in range(groups)] + ["平均"]
    width = 0.26
    fig, ax = plt.subplots(figsize=(7, 3.4))
    for k, method in enumerate(methods):
        accs = [100 * a for a in results[method]]
        values = accs + [sum(accs) / len(accs)]
        xs = [i + (k - 1) * width for i in range(len(values))]
        bars = ax.bar(xs, values, width, label=method, color=COLORS[method])
        ax.bar_label(bars, labels=[f"{v:.0f}" for v in values], fontsize=7, padding=1)
    ax.set_xticks(range(len(labels)), labels)
    ax.set_ylim(50, 90)
    ax.set_ylabel("测试准确率（%）")
    ax.set_title("每个数字只有 3 张图：三种做法在 5 组图片上的准确率")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(loc="upper left", ncols=3, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
# --8<-- [end:draw]


if __name__ == "__main__":
    import torch

    # 单线程训练：线程数会改变浮点数加法的顺序，单线程时每次都得到页面上的那些数，画出同一张图
    torch.set_num_threads(1)
    from few_labels import results  # 导入时把整个实验跑一遍（约半分钟）

    draw_comparison(results, "transfer-comparison.png")
