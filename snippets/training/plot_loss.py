"""画出线性回归（电热水壶的水温）每一步的损失：左边普通纵轴，右边对数纵轴。

单独运行：python snippets/training/plot_loss.py
（先运行旁边的 linear_models.py，打印那里的结果；再在当前目录写出 training-loss-curve.png）
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from linear_models import losses  # noqa: E402  同目录的程序：训练线性回归，记下每一步的损失

# --8<-- [start:plot]
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # 不开窗口，直接画进文件
import matplotlib.pyplot as plt
from matplotlib import font_manager

# 中文标签要有中文字体：先找本站附带的子集字体 cjk-subset.ttf（仓库的 docs/notebooks/，
# 下载包的 notebooks/），找不到就用系统里装的中文字体
here = Path(__file__).resolve().parent
for font_file in (here.parents[1] / "docs" / "notebooks" / "cjk-subset.ttf",
                  here.parent / "notebooks" / "cjk-subset.ttf"):
    if font_file.is_file():
        font_manager.fontManager.addfont(str(font_file))
installed = {font.name for font in font_manager.fontManager.ttflist}
chinese = [name for name in ("Droid Sans Fallback", "Noto Sans CJK SC", "Microsoft YaHei",
                             "PingFang SC", "WenQuanYi Micro Hei") if name in installed]
plt.rcParams["font.family"] = ["DejaVu Sans", *chinese[:1]]

fig, axes = plt.subplots(1, 2, figsize=(8, 3))
axes[0].plot(range(1, 21), losses[:20], marker="o")    # 前 20 步，普通纵轴
axes[0].set(xlabel="步数", ylabel="均方误差", title="线性回归的损失：前 20 步")
axes[1].plot(range(1, len(losses) + 1), losses)          # 全部 300 步

axes[1].set_yscale("log")                       # 对数纵轴：看得清最后那段
axes[1].axhline(0.25, color="gray", linestyle="--", label="噪声的方差 0.25")
axes[1].set(xlabel="步数", title="训练 300 步，对数纵轴")
axes[1].legend()
fig.tight_layout()
fig.savefig("training-loss-curve.png", dpi=100)
plt.close(fig)
# --8<-- [end:plot]
