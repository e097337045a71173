"""一个图像批量（N×C×H×W）从整数像素到模型输入的完整处理。

单独运行：python snippets/tensors/image_batch.py
"""

# --8<-- [start:batch]
import torch

torch.manual_seed(0)
# 4 张 3 通道、8×8 的“图片”：像素是 0～255 的整数（uint8），和读图片文件得到的一样
pixels = torch.randint(0, 256, (4, 3, 8, 8), dtype=torch.uint8)
images = pixels.float() / 255            # 转成 float32，范围 [0, 1]
print(images.shape, images.dtype)
print(images.min().item(), images.max().item())   # 最小 0.0、最大 1.0
# --8<-- [end:batch]

# --8<-- [start:normalize]
mean = images.mean(dim=(0, 2, 3))        # 每个通道一个均值，形状 (3,)
std = images.std(dim=(0, 2, 3))
# (4, 3, 8, 8) 与 (1, 3, 1, 1) 广播：每个通道减去自己的均值、除以自己的标准差
normalized = (images - mean.view(1, 3, 1, 1)) / std.view(1, 3, 1, 1)
print(mean.shape, normalized.shape)
print([round(v, 4) + 0.0 for v in normalized.mean(dim=(0, 2, 3)).tolist()])  # + 0.0：-0.0 显示成 0.0
print(normalized.std(dim=(0, 2, 3)).round(decimals=4).tolist())
# --8<-- [end:normalize]

# --8<-- [start:reshape]
for_plot = images.permute(0, 2, 3, 1)    # NCHW → NHWC：Matplotlib 显示图片要的顺序
flat = normalized.flatten(start_dim=1)   # 每张图拉成一行，送进线性层
print(for_plot.shape, flat.shape)
# --8<-- [end:reshape]
