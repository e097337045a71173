"""深度在运行时才决定的网络：正确写法（层在 __init__ 里建好、放进 nn.ModuleList）
与错误写法（在 forward 里新建 nn.Linear）的对比。

单独运行：python snippets/nn/dynamic.py
"""

# --8<-- [start:wrong]
import torch
from torch import nn


class WrongDynamicNet(nn.Module):
    """错误示范：隐藏层在 forward 里临时创建。"""

    def __init__(self, width=4):
        super().__init__()
        self.width = width
        self.head = nn.Linear(width, 1)       # 只有输出层被注册了

    def forward(self, x, depth):
        for _ in range(depth):
            layer = nn.Linear(self.width, self.width)   # 错：每次调用都新建一个随机层
            x = torch.relu(layer(x))
        return self.head(x)
# --8<-- [end:wrong]


# --8<-- [start:right]
class DynamicNet(nn.Module):
    """正确写法：最多 max_depth 个隐藏层，在 __init__ 里一次建好；每次调用选用前 depth 个。"""

    def __init__(self, width=4, max_depth=5):
        super().__init__()
        self.hidden = nn.ModuleList(nn.Linear(width, width) for _ in range(max_depth))
        self.head = nn.Linear(width, 1)

    def forward(self, x, depth):
        for layer in self.hidden[:depth]:     # 普通的 Python 切片和 for 循环
            x = torch.relu(layer(x))
        return self.head(x)
# --8<-- [end:right]


# --8<-- [start:train]
torch.manual_seed(0)
x = torch.randn(16, 4)
y = x.sum(dim=1, keepdim=True)            # 要学的目标：4 个特征之和


def fit(model, steps=200, depth=2):
    """用 SGD 训练几步，返回第一步和最后一步的损失。"""
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    losses = []
    for _ in range(steps):
        loss = nn.functional.mse_loss(model(x, depth), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses[0], losses[-1]


torch.manual_seed(1)
right_first, right_last = fit(DynamicNet())
torch.manual_seed(1)
wrong_first, wrong_last = fit(WrongDynamicNet())
print(f"正确写法：{right_first:.1f} → {right_last:.2f}")
print(f"错误写法：{wrong_first:.1f} → {wrong_last:.1f}")
# --8<-- [end:train]
