"""梯度累积：4 个 16 张的小批量攒一次更新，和一次用 64 张的大批量训练，结果只差在浮点数的最后几位。

单独运行：python snippets/toolkit/accumulate.py（在当前目录写出 data/）
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "transfer"))
from digits import load_digits  # noqa: E402

# --8<-- [start:accumulate]
import torch
from torch import nn
import torch.nn.functional as F

x_train, y_train, x_test, y_test = load_digits("data/mnist-sample")


def train(accumulation_steps, steps=30, batch_size=64):
    """训练 steps 次更新；每次更新看 batch_size 张图，分成 accumulation_steps 份依次反向传播。"""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    for step in range(steps):
        images = x_train[step * batch_size:(step + 1) * batch_size]
        labels = y_train[step * batch_size:(step + 1) * batch_size]
        optimizer.zero_grad()
        for xb, yb in zip(images.chunk(accumulation_steps), labels.chunk(accumulation_steps)):
            loss = F.cross_entropy(model(xb), yb) / accumulation_steps   # 除以份数
            loss.backward()                                              # 梯度累加在 .grad 里
        optimizer.step()                                                 # 攒够了才更新一次
    return model


one_big = train(accumulation_steps=1)      # 每次 64 张
four_small = train(accumulation_steps=4)   # 每次 4 × 16 张
diff = max((a - b).abs().max().item()
           for a, b in zip(one_big.parameters(), four_small.parameters()))
print(f"30 次更新后，参数的最大差别：{diff:.0e}")
# --8<-- [end:accumulate]
