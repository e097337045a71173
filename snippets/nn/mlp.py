"""用 nn.Module 定义一个多层感知机（MLP），再用 nn.Sequential 写出同样结构的网络。

单独运行：python snippets/nn/mlp.py
"""

# --8<-- [start:define]
import torch
from torch import nn


class MLP(nn.Module):
    """784 → hidden → 10 的多层感知机，用来给 28×28 的灰度图分 10 类。"""

    def __init__(self, hidden=256):
        super().__init__()                    # 必须先调用：初始化 nn.Module 的内部结构
        self.flatten = nn.Flatten()           # (N, 1, 28, 28) → (N, 784)
        self.fc1 = nn.Linear(28 * 28, hidden)  # 输入层 → 隐藏层
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(hidden, 10)      # 隐藏层 → 输出层：10 个类别的原始得分

    def forward(self, x):
        x = self.flatten(x)
        x = self.relu(self.fc1(x))
        return self.fc2(x)                    # 不加 Softmax：交给损失函数处理
# --8<-- [end:define]


# --8<-- [start:use]
torch.manual_seed(0)
model = MLP(hidden=256)
print(model)

images = torch.rand(8, 1, 28, 28)    # 一个批量：8 张 28×28 的单通道“图片”
logits = model(images)               # 调用模型本身，而不是 model.forward(images)
print(images.shape, "→", logits.shape)
# --8<-- [end:use]


# --8<-- [start:sequential]
small = nn.Sequential(
    nn.Flatten(),
    nn.Linear(28 * 28, 128),
    nn.ReLU(),
    nn.Linear(128, 10),
)
print(small)
print(small(images).shape)
# --8<-- [end:sequential]
