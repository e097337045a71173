"""卷积手算一遍，再和 nn.Conv2d 对照：一个通道、填充/步幅/空洞、输出尺寸公式、多个通道。

单独运行：python snippets/cnn/conv_basics.py
"""

# --8<-- [start:by_hand]
import torch
from torch import nn


def conv2d_by_hand(image: torch.Tensor, kernel: torch.Tensor) -> torch.Tensor:
    """一个通道、不填充、步幅 1：卷积核在图上滑动，每个位置“对应相乘再求和”。"""
    kh, kw = kernel.shape
    out_h, out_w = image.shape[0] - kh + 1, image.shape[1] - kw + 1
    out = torch.zeros(out_h, out_w)
    for i in range(out_h):
        for j in range(out_w):
            window = image[i:i + kh, j:j + kw]     # 卷积核此刻盖住的那一块
            out[i, j] = (window * kernel).sum()
    return out


image = torch.tensor([[0., 0., 1., 1., 1.],        # 5×5 的小图：左边暗（0），右边亮（1）
                      [0., 0., 1., 1., 1.],
                      [0., 0., 1., 1., 1.],
                      [0., 0., 1., 1., 1.],
                      [0., 0., 1., 1., 1.]])
kernel = torch.tensor([[-1., 0., 1.],              # 3×3 的卷积核：右边减左边
                       [-1., 0., 1.],
                       [-1., 0., 1.]])
print(conv2d_by_hand(image, kernel))
# --8<-- [end:by_hand]

# --8<-- [start:conv2d]
conv = nn.Conv2d(in_channels=1, out_channels=1, kernel_size=3, bias=False)
with torch.no_grad():                              # 手动设置参数，不要记进计算图
    conv.weight.copy_(kernel.view(1, 1, 3, 3))     # 权重形状：[输出通道, 输入通道, 高, 宽]

batch = image.view(1, 1, 5, 5)                     # Conv2d 要的是 [N, C, H, W]
out = conv(batch)
print(out.shape)
print(torch.equal(out[0, 0], conv2d_by_hand(image, kernel)))
# --8<-- [end:conv2d]

# --8<-- [start:output_size]
def conv_output_size(size: int, kernel: int, padding: int = 0, stride: int = 1,
                     dilation: int = 1) -> int:
    """卷积（和池化）输出的高或宽：⌊(size + 2p − d(k − 1) − 1) / s⌋ + 1。"""
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


cases = [  # (输入尺寸, 卷积核, 填充, 步幅, 空洞)
    (5, 3, 0, 1, 1),
    (5, 3, 1, 1, 1),
    (5, 3, 0, 2, 1),
    (5, 3, 0, 1, 2),
    (28, 5, 2, 1, 1),
    (28, 5, 0, 1, 1),
    (28, 5, 0, 2, 1),                              # ⌊23 / 2⌋ + 1 = 12：最后一列用不上
    (32, 3, 1, 2, 1),
    (224, 7, 3, 2, 1),
]
for size, k, p, s, d in cases:
    layer = nn.Conv2d(1, 1, kernel_size=k, padding=p, stride=s, dilation=d)
    actual = layer(torch.zeros(1, 1, size, size)).shape[-1]
    formula = conv_output_size(size, k, p, s, d)
    print(f"输入 {size:>3}，k={k} p={p} s={s} d={d} → 公式 {formula:>3}，Conv2d {actual:>3}")
# --8<-- [end:output_size]

# --8<-- [start:channels]
torch.manual_seed(0)
conv = nn.Conv2d(in_channels=3, out_channels=2, kernel_size=3)
x = torch.randn(1, 3, 5, 5)                        # 一张 3 通道（比如 RGB）的 5×5 图
out = conv(x)
print("权重", tuple(conv.weight.shape), "偏置", tuple(conv.bias.shape), "输出", tuple(out.shape))

# 输出通道 0 = 每个输入通道各用自己的 3×3 卷积核算一遍，三张结果相加，再加偏置
w, b = conv.weight.detach(), conv.bias.detach()
by_hand = sum(conv2d_by_hand(x[0, c], w[0, c]) for c in range(3)) + b[0]
print("和手算的最多差", (out[0, 0] - by_hand).abs().max().item())   # 只差在 float32 的最后一位
# --8<-- [end:channels]
