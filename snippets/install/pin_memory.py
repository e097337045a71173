"""pin_memory=True：让 DataLoader 把批量放进锁页内存，拷到 GPU 更快。"""

# --8<-- [start:loader]
import torch
from torch.utils.data import DataLoader, TensorDataset

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

torch.manual_seed(0)
features = torch.randn(100, 8)  # 100 个样本、每个 8 个特征，先在 CPU 上生成
labels = torch.randint(0, 2, (100,))
dataset = TensorDataset(features, labels)

# 锁页内存只在往 CUDA 拷数据时有用；没有 GPU 时关掉它，免得收到警告
loader = DataLoader(dataset, batch_size=32, shuffle=True,
                    pin_memory=(device.type == "cuda"))

seen = 0
for xb, yb in loader:
    # non_blocking=True：源数据在锁页内存里时，拷贝可以和 GPU 上的计算同时进行
    xb = xb.to(device, non_blocking=True)
    yb = yb.to(device, non_blocking=True)
    seen += len(xb)
print("最后一批的形状:", tuple(xb.shape))
print("一共处理的样本:", seen)
print("数据在选用的设备上:", xb.device.type == device.type)
# --8<-- [end:loader]
