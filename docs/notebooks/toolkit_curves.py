# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Notebook：学习率与早停的曲线
#
# 这一页是一个 Jupyter Notebook，配合[训练工具箱](../../toolkit/)一章：那一章里的两组图，这里用同样的程序重新算一遍、画出来。网站每次构建时都会把它从头到尾运行一遍，下面的每一张图都是那次运行画出来的，没有手工改动。下载下来以后，可以改改学习率调度器的参数、早停的 `patience`，看看曲线怎样变。
#
# 它画两组图：
#
# 1. 四种学习率调度（`StepLR`、`CosineAnnealingLR`、`OneCycleLR`、预热 + 余弦）在 30 步里的学习率；
# 2. 早停那一节的训练：训练损失、验证损失和验证准确率，标出验证损失最低的一轮和早停停下的一轮。
#
# 数字来自和那一章完全相同的程序：`snippets/toolkit/schedules.py` 和 `snippets/toolkit/early_stopping.py`，这里直接导入它们。
#
# **下载**：[toolkit_curves.ipynb](../toolkit_curves.ipynb)（构建网站时由这一页的源文件 `docs/notebooks/toolkit_curves.py` 转换而来）。在自己的电脑上运行时，请在仓库根目录打开它。

# %%
import os
import sys
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib import font_manager

# 在仓库根目录运行时（网站构建就是这样）从 snippets/ 导入这两章的程序
for folder in ("snippets/toolkit", "snippets/transfer", "snippets/training"):
    sys.path.insert(0, str(Path(folder).resolve()))

# 图里的中文：用本站的字体子集（只含这些图用到的字）；找不到时用系统里的中文字体
for font_file in (Path("cjk-subset.ttf"), Path("docs/notebooks/cjk-subset.ttf")):
    if font_file.is_file():
        font_manager.fontManager.addfont(str(font_file.resolve()))
installed = {font.name for font in font_manager.fontManager.ttflist}
chinese = [name for name in ("Droid Sans Fallback", "Noto Sans CJK SC", "Microsoft YaHei",
                             "PingFang SC", "WenQuanYi Micro Hei") if name in installed]
plt.rcParams["font.family"] = ["DejaVu Sans", *chinese[:1]]  # 西文用 DejaVu Sans，中文用找到的第一个

os.chdir(tempfile.mkdtemp(prefix="toolkit-curves-"))  # 数据写进临时目录，不落进仓库

import schedules  # noqa: E402  导入时会运行它，打印和那一章相同的几行

# %% [markdown]
# <h2 id="schedules">学习率调度</h2>
#
# 初始学习率都是 0.1，共 30 步。`CosineAnnealingLR` 第 $t$ 步的学习率是
#
# $$\eta_t = \eta_{\min} + \tfrac{1}{2}(\eta_0 - \eta_{\min})\left(1 + \cos\frac{t\pi}{T_{\max}}\right)$$
#
# 这里 $\eta_{\min} = 0$、$T_{\max} = 30$。`OneCycleLR` 先升后降，最高点在约 30% 处；预热 + 余弦在前 5 步从 0.01 线性升到 0.1，再沿余弦曲线降到 0。

# %%
fig, axes = plt.subplots(2, 2, figsize=(9, 5.5), sharex=True, sharey=True)
for ax, (name, lrs) in zip(axes.flat, schedules.traces.items()):
    ax.plot(range(len(lrs)), lrs, marker=".")
    ax.set_title(name)
    ax.grid(alpha=0.3)
for ax in axes[1]:
    ax.set_xlabel("第几步")
for ax in axes[:, 0]:
    ax.set_ylabel("学习率")
fig.tight_layout()
plt.show()

# 图下面的文字说到的几个数
step, cosine, one_cycle, warmup = schedules.traces.values()
print(f"余弦第 15 步：{cosine[15]:.3f}；OneCycleLR 最高点：第 {one_cycle.index(max(one_cycle))} 步；"
      f"预热从 {warmup[0]:.2f} 升到 {max(warmup):.2f}")

# %% [markdown]
# `StepLR` 每 10 步乘以 0.1，是一级一级的台阶；`CosineAnnealingLR` 开始和结束时变得慢，中间变得快，第 15 步正好是 0.05；`OneCycleLR` 从 0.004 升到第 8 步的 0.1，再降到几乎为 0；预热 + 余弦的前 5 步是一条斜线。
#
# <h2 id="early-stopping">过拟合与早停</h2>
#
# 300 张训练图（其中 20% 的标签被换成了随机数字）、一个有 67 万个参数的多层感知机，训练 30 轮，每轮在 1,000 张验证图上评估。导入 `early_stopping` 会把那一章的两次训练都跑一遍（约几秒）。

# %%
import early_stopping as es  # noqa: E402

train_loss = [h[0] for h in es.history]
val_loss = [h[1] for h in es.history]
val_acc = [100 * h[2] for h in es.history]
epochs = range(1, len(es.history) + 1)
best, stopped = es.stopper.best_epoch, es.epoch

fig, axes = plt.subplots(1, 2, figsize=(9, 3.4))
axes[0].plot(epochs, train_loss, label="训练损失")
axes[0].plot(epochs, val_loss, label="验证损失")
axes[0].set(xlabel="轮数", ylabel="交叉熵损失", title="损失")
axes[1].plot(epochs, val_acc, color="tab:green")
axes[1].set(xlabel="轮数", ylabel="准确率（%）", title="验证准确率")
for ax in axes:
    ax.axvline(best, color="gray", linestyle="--", label=f"验证损失最低（第 {best} 轮）")
    ax.axvline(stopped, color="tab:red", linestyle=":", label=f"早停（第 {stopped} 轮）")
    ax.grid(alpha=0.3)
axes[0].legend()
fig.tight_layout()
plt.show()

print(f"验证损失最低：第 {best} 轮（{min(val_loss):.3f}）；早停在第 {stopped} 轮；"
      f"第 30 轮的验证损失 {val_loss[-1]:.3f}")

# %% [markdown]
# 左图：训练损失一路降到几乎为 0（模型连标错的那些图也背下来了），验证损失却在灰色虚线那一轮降到最低，之后回升。右图：验证准确率也在那一轮最高，之后先掉下去，再在比最高点低几个百分点的位置徘徊，始终没有回到最高点。早停在红色点线那一轮停下（验证损失连续 5 轮没有创新低），换回灰色虚线那一轮的参数。
