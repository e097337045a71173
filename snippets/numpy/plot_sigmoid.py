"""NumPy 准备横坐标，PyTorch 计算，Matplotlib 画图并存成文件。

单独运行：python snippets/numpy/plot_sigmoid.py（会在当前目录写出 sigmoid.png）
"""

# --8<-- [start:compute]
import numpy as np
import torch

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

xs = np.linspace(-6, 6, 121)  # NumPy 准备横坐标：-6 到 6，步长 0.1（float64）
x = torch.tensor(xs, dtype=torch.float32, device=device)

y = torch.sigmoid(x)          # sigmoid(x) = 1 / (1 + e^(-x))
slope = y * (1 - y)           # 它的导数正好是 sigmoid(x) · (1 − sigmoid(x))

print(round(y[60].item(), 4), round(slope.max().item(), 4))  # x = 0 处：函数值 0.5，导数最大 0.25
# --8<-- [end:compute]

# --8<-- [start:plot]
import matplotlib

matplotlib.use("Agg")  # 不开窗口，直接画进文件（服务器上也能用）
import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(5, 3))
# Matplotlib 要的是 CPU 上的 NumPy 数组：先 .cpu() 再 .numpy()
ax.plot(xs, y.cpu().numpy(), label=r"$\sigma(x)$")
ax.plot(xs, slope.cpu().numpy(), label=r"$\sigma'(x)$")
ax.set_xlabel(r"$x$")
ax.grid(alpha=0.3)
ax.legend()
fig.tight_layout()
fig.savefig("sigmoid.png", dpi=100)
plt.close(fig)
# --8<-- [end:plot]
