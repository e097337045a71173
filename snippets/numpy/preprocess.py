"""在 NumPy 里预处理数据，交给 PyTorch 模型，再把结果拿回 NumPy。

单独运行：python snippets/numpy/preprocess.py
"""

# --8<-- [start:preprocess]
import numpy as np
import torch
from torch import nn

rng = np.random.default_rng(0)
# 100 套房子的两列特征：面积（平方米）和房龄（年），量级差得很远
raw = np.column_stack([
    rng.uniform(40, 160, size=100),
    rng.uniform(0, 30, size=100),
])

# 标准化：每一列减去均值、除以标准差（NumPy 的 axis=0 表示“按列”）
mean = raw.mean(axis=0)
std = raw.std(axis=0)
scaled = (raw - mean) / std

print(raw.dtype, scaled.shape)
print("标准化前：均值", raw.mean(axis=0).round(1).tolist(),
      "标准差", raw.std(axis=0).round(1).tolist())
# 四舍五入到 4 位小数（+ 0.0 把 -0.0 显示成 0.0）
print("标准化后：均值", (scaled.mean(axis=0).round(4) + 0.0).tolist(),
      "标准差", scaled.std(axis=0).round(4).tolist())
# --8<-- [end:preprocess]

# --8<-- [start:to-model]
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

# float64 → float32，再放到设备上：模型的参数是 float32
x = torch.from_numpy(scaled).float().to(device)
print(x.dtype, tuple(x.shape))

torch.manual_seed(0)
model = nn.Linear(2, 1).to(device)
pred = model(x)                        # 形状 (100, 1)，还连着计算图

pred_np = pred.detach().cpu().numpy()  # 断开计算图 → 搬回 CPU → 转成数组
print(type(pred_np).__name__, pred_np.dtype, pred_np.shape)
# --8<-- [end:to-model]
