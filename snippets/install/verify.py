"""安装自检：打印版本与可用的加速硬件，再在选中的设备上做两次小计算。

每一行都写成“表达式: 值”的样子，方便你在自己的 Python 里逐个对照。
运行方法：python verify.py
"""

import torch

print("torch.__version__:", torch.__version__)
print("torch.cuda.is_available():", torch.cuda.is_available())
if torch.cuda.is_available():  # 只有看得到 NVIDIA GPU 时才会多打印这三行
    print("  torch.version.cuda:", torch.version.cuda)
    print("  torch.cuda.device_count():", torch.cuda.device_count())
    print("  torch.cuda.get_device_name(0):", torch.cuda.get_device_name(0))
# Apple 芯片的 Mac 上才可能为 True
print("torch.backends.mps.is_available():", torch.backends.mps.is_available())

# 优先级：NVIDIA GPU（cuda）> Apple 芯片（mps）> cpu
if torch.cuda.is_available():
    device = torch.device("cuda")
elif torch.backends.mps.is_available():
    device = torch.device("mps")
else:
    device = torch.device("cpu")
print("选用设备:", device.type)

# 直接在选中的设备上创建张量并计算；.tolist() 会把结果拷回 Python
x = torch.tensor([1.0, 2.0, 3.0], device=device)
y = x * 2 + 1
product = torch.ones(2, 3, device=device) @ torch.ones(3, 2, device=device)
print("x * 2 + 1 =", y.tolist())
print("ones(2, 3) @ ones(3, 2) =", product.tolist())
