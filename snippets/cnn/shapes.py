"""LeNet 风格的小卷积网络（models.py 里的 build_cnn）：每一层的输出形状、参数量和计算量。

单独运行：python snippets/cnn/shapes.py
"""

from models import build_cnn  # 同目录

# --8<-- [start:shapes]
import torch
from torch import nn

cnn = build_cnn()
x = torch.zeros(64, 1, 28, 28)                       # 一个批量：64 张 1 通道 28×28 的图
print(f"{'输入':<10}{list(x.shape)}")
for layer in cnn:
    x = layer(x)
    n_params = sum(p.numel() for p in layer.parameters())
    print(f"{type(layer).__name__:<12}{str(list(x.shape)):<18}参数 {n_params:,}")
print(f"合计参数 {sum(p.numel() for p in cnn.parameters()):,}")
# --8<-- [end:shapes]


# --8<-- [start:macs]
def multiply_adds(model: nn.Sequential, shape=(1, 1, 28, 28)) -> int:
    """处理一张图要做多少次乘加：卷积层每个输出元素做 (输入通道×k×k) 次，线性层做 in×out 次。"""
    x, total = torch.zeros(shape), 0
    for layer in model:
        x = layer(x)
        if isinstance(layer, nn.Conv2d):
            total += x[0].numel() * layer.in_channels * layer.kernel_size[0] * layer.kernel_size[1]
        elif isinstance(layer, nn.Linear):
            total += layer.in_features * layer.out_features
    return total


print(f"CNN 每张图 {multiply_adds(cnn):,} 次乘加")
# --8<-- [end:macs]
