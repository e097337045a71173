"""NumPy 准备横坐标，PyTorch 求值和求导，Matplotlib 画图并存成文件。

单独运行：python snippets/numpy/plot_sigmoid.py（会在当前目录写出 sigmoid.png）
"""

# --8<-- [start:compute]
import numpy as np
import torch

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

xs = np.linspace(-6, 6, 121)  # NumPy 准备横坐标：-6 到 6，步长 0.1（float64）
x = torch.tensor(xs, dtype=torch.float32, device=device, requires_grad=True)

y = torch.sigmoid(x)
y.sum().backward()  # 每个点互不相干，所以 x.grad 正好是每个点的导数

print(round(x.grad.max().item(), 4))  # sigmoid 的导数最大是 0.25（在 x = 0 处）
# --8<-- [end:compute]

# --8<-- [start:plot]
import matplotlib

matplotlib.use("Agg")  # 不开窗口，直接画进文件（服务器、测试里都能用）
import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(5, 3))
# Matplotlib 要的是 NumPy 数组：先 detach，再 cpu，再 numpy
ax.plot(xs, y.detach().cpu().numpy(), label="sigmoid(x)")
ax.plot(xs, x.grad.cpu().numpy(), label="sigmoid'(x)")
ax.set_xlabel("x")
ax.legend()
fig.savefig("sigmoid.png", dpi=100)
plt.close(fig)

# 读回刚写出的图片：5×3 英寸、每英寸 100 像素 → 高 300、宽 500，4 个通道（RGBA）
print(plt.imread("sigmoid.png").shape)
# --8<-- [end:plot]
