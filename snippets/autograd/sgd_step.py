"""梯度下降的一步：先按 θ ← θ − η∇J 手工更新，再用 torch.optim.SGD 做同样的一步，结果完全相同。

数据和学习率特意选成二进制下能精确表示的数（0.125 = 1/8），所以 CPU 和 GPU 上都没有舍入误差。
单独运行：python snippets/autograd/sgd_step.py
"""

# --8<-- [start:setup]
import torch

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

x = torch.tensor([1.0, 2.0]).to(device)   # 两个样本，来自 y = 2x + 1
y = torch.tensor([3.0, 5.0]).to(device)
lr = 0.125                                # 学习率 η


def mse(w, b):
    """模型 ŷ = w·x + b 的均方误差。"""
    return ((w * x + b - y) ** 2).mean()
# --8<-- [end:setup]

# --8<-- [start:by-hand]
# 参数直接在 device 上创建，这样它们仍是叶子节点
w = torch.tensor(0.0, device=device, requires_grad=True)
b = torch.tensor(0.0, device=device, requires_grad=True)

loss = mse(w, b)
loss.backward()
print(loss.item(), w.grad.item(), b.grad.item())

with torch.no_grad():          # 更新参数这一步本身不该被记进计算图
    w -= lr * w.grad           # θ ← θ − η∇J
    b -= lr * b.grad
print(w.item(), b.item(), mse(w, b).item())
# --8<-- [end:by-hand]

# --8<-- [start:optimizer]
w2 = torch.tensor(0.0, device=device, requires_grad=True)
b2 = torch.tensor(0.0, device=device, requires_grad=True)
optimizer = torch.optim.SGD([w2, b2], lr=lr)

optimizer.zero_grad()          # 清空旧梯度（这里本来就没有）
mse(w2, b2).backward()         # 算梯度
optimizer.step()               # 按 θ ← θ − η∇J 更新每个参数
print(w2.item(), b2.item())   # 和手工更新的结果相同
# --8<-- [end:optimizer]
