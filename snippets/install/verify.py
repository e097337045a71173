"""安装自检：打印版本与可用的加速硬件，再在选中的设备上做两次小计算。

运行方法：python verify.py
"""

import torch

print(f"PyTorch 版本: {torch.__version__}")
print(f"CUDA 可用: {torch.cuda.is_available()}")
if torch.cuda.is_available():  # 只有看得到 NVIDIA GPU 时才会打印这几行
    print(f"  wheel 自带的 CUDA 版本: {torch.version.cuda}")
    print(f"  GPU 数量: {torch.cuda.device_count()}")
    print(f"  0 号 GPU: {torch.cuda.get_device_name(0)}")
print(f"MPS 可用: {torch.backends.mps.is_available()}")  # Apple 芯片的 Mac 上才可能为 True

# 有 NVIDIA GPU 用 cuda，其次 Apple 芯片用 mps，都没有就用 cpu
if torch.cuda.is_available():
    device = torch.device("cuda")
elif torch.backends.mps.is_available():
    device = torch.device("mps")
else:
    device = torch.device("cpu")
print(f"选用设备: {device.type}")

# 直接在选中的设备上创建张量并计算；.tolist() 会把结果拷回 Python
x = torch.tensor([1.0, 2.0, 3.0], device=device)
y = x * 2 + 1
product = torch.ones(2, 3, device=device) @ torch.ones(3, 2, device=device)
print(f"x * 2 + 1 = {y.tolist()}")
print(f"ones(2, 3) @ ones(3, 2) = {product.tolist()}")
print(f"结果留在选用的设备上: {y.device.type == device.type == product.device.type}")
