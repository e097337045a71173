"""把四种学习率调度在 30 步里的学习率画成图。

单独运行：python snippets/toolkit/plot_schedules.py（在当前目录写出 lr-schedules.png）
"""

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # 不开窗口，直接画进文件
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402

HERE = Path(__file__).resolve().parent
# 每一小格的标题：预热那一种写明它由哪两个学习率调度器接成
TITLES = {"预热 + 余弦": "预热 + 余弦（LinearLR + CosineAnnealingLR）"}


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


def draw(traces, path):
    """traces：{调度的名字: 每一步的学习率}，四种调度各画一小格。"""
    use_chinese_font()
    fig, axes = plt.subplots(2, 2, figsize=(8, 4.6), sharex=True, sharey=True)
    for ax, (name, lrs) in zip(axes.flat, traces.items()):
        ax.plot(range(len(lrs)), lrs, marker=".", color="#1a73e8")
        ax.set_title(TITLES.get(name, name), fontsize=11)
        ax.grid(alpha=0.3)
    for ax in axes[1]:
        ax.set_xlabel("第几步")
    for ax in axes[:, 0]:
        ax.set_ylabel("学习率")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    from schedules import traces  # 导入时算出四种调度的学习率（不到一秒）

    draw(traces, "lr-schedules.png")
