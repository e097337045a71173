"""张量与设备：选设备、在 CPU 上生成随机数据、搬到设备上计算、把结果取回 CPU。

单独运行：python snippets/tensors/device.py
"""

# --8<-- [start:pick]
import torch

# 有 NVIDIA GPU 就用 "cuda"，否则用 "cpu"
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
print(f"选用的设备：{device}")
# --8<-- [end:pick]

# --8<-- [start:move]
torch.manual_seed(0)
x = torch.rand(2, 3)            # 随机数据先在 CPU 上生成：任何机器上都是这组数
w = torch.rand(3, 2)
x, w = x.to(device), w.to(device)   # .to() 返回新张量，要接住它
y = x @ w                       # 计算发生在 device 上，结果也在 device 上
print(y.shape, y.dtype)
print(y.cpu())                  # .cpu() 取回 CPU 再打印
# --8<-- [end:move]

# --8<-- [start:create]
z = torch.zeros(2, 2, device=device)   # 直接在目标设备上创建，省一次拷贝
print(z.cpu().tolist())   # z 和上面的 y 在同一个设备上
# --8<-- [end:create]
