"""本章的两个卷积网络：LeNet 风格的 build_cnn，以及加了批量归一化和 Dropout 的 build_cnn_bn。

单独运行：python snippets/cnn/models.py（打印两个网络的参数量）
"""

# --8<-- [start:cnn]
from torch import nn


def build_cnn() -> nn.Sequential:
    """两层卷积提取特征，三个线性层做分类；输入 [N, 1, 28, 28]，输出 10 个类别的 logits。"""
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2),   # [N, 1, 28, 28] → [N, 6, 28, 28]
        nn.ReLU(),
        nn.MaxPool2d(2),                             # → [N, 6, 14, 14]
        nn.Conv2d(6, 16, kernel_size=5),             # → [N, 16, 10, 10]
        nn.ReLU(),
        nn.MaxPool2d(2),                             # → [N, 16, 5, 5]
        nn.Flatten(),                                # → [N, 400]
        nn.Linear(16 * 5 * 5, 120),
        nn.ReLU(),
        nn.Linear(120, 84),
        nn.ReLU(),
        nn.Linear(84, 10),                           # 10 个 logits：不加 Softmax
    )
# --8<-- [end:cnn]


# --8<-- [start:cnn_bn]
def build_cnn_bn() -> nn.Sequential:
    """同样的结构，每个卷积层后面加 BatchNorm2d，线性层之间加 Dropout。"""
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2),
        nn.BatchNorm2d(6),                           # 按通道标准化：6 个通道各有一组统计量
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(6, 16, kernel_size=5),
        nn.BatchNorm2d(16),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120),
        nn.ReLU(),
        nn.Dropout(p=0.5),                           # 训练时随机丢掉一半
        nn.Linear(120, 84),
        nn.ReLU(),
        nn.Linear(84, 10),
    )
# --8<-- [end:cnn_bn]


if __name__ == "__main__":
    for build in (build_cnn, build_cnn_bn):
        print(build.__name__, sum(p.numel() for p in build().parameters()))
