"""批量归一化的公式（手算，和 nn.BatchNorm2d 核对）、有无批量归一化的训练对比，以及残差块。

单独运行：python snippets/cnn/blocks.py（打印两个残差块的输出形状；训练对比见本章正文）
"""

import torch.nn.functional as F
from digits import accuracy, device  # 同目录：本章的评估函数和设备

# --8<-- [start:bn_by_hand]
import torch
from torch import nn


def batchnorm_by_hand(x, mean, var, gamma, beta, eps=1e-5):
    """按通道标准化 [N, C, H, W]：mean、var、gamma、beta 都是 [C]，变形成 [1, C, 1, 1] 再广播。"""
    shape = (1, -1, 1, 1)
    x_hat = (x - mean.view(shape)) / torch.sqrt(var.view(shape) + eps)
    return gamma.view(shape) * x_hat + beta.view(shape)
# --8<-- [end:bn_by_hand]


# --8<-- [start:bn_compare]
def build_cnn_with_bn() -> nn.Sequential:
    """build_cnn 的结构，只在两个卷积层后面各加一层 BatchNorm2d（不加 Dropout）。"""
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.BatchNorm2d(6), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, kernel_size=5), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10),
    )


def one_epoch_sgd(build, data, lr=0.1, seed=0):
    """同一个种子、同样的打乱顺序，用不带动量的 SGD 训练 1 轮（63 步）。"""
    x_train, y_train, x_test, y_test = data
    torch.manual_seed(seed)
    model = build().to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    order = torch.randperm(len(x_train), generator=torch.Generator().manual_seed(seed))
    losses = []
    model.train()
    for idx in order.split(64):
        loss = F.cross_entropy(model(x_train[idx].to(device)), y_train[idx].to(device))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    thirds = [sum(losses[i:i + 21]) / 21 for i in (0, 21, 42)]   # 前、中、后 21 步的平均损失
    return thirds, accuracy(model, x_test, y_test)
# --8<-- [end:bn_compare]


# --8<-- [start:residual]
class ResidualBlock(nn.Module):
    """ResNet18/34 的基本残差块：主路两层 3×3 卷积（各接 BatchNorm2d），加上捷径，再过 ReLU。"""

    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.shortcut = nn.Identity()                 # 形状不变：输入原样加回去
        if stride != 1 or in_channels != out_channels:  # 形状变了：用 1×1 卷积把输入变成同样的形状
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),
                nn.BatchNorm2d(out_channels),
            )

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))               # 主路 F(x)
        return F.relu(out + self.shortcut(x))         # F(x) + x，再过 ReLU
# --8<-- [end:residual]


if __name__ == "__main__":
    for block in (ResidualBlock(64, 64), ResidualBlock(64, 128, stride=2)):
        print(block(torch.zeros(1, 64, 56, 56)).shape)
