"""训练时内存都用在哪里：参数、梯度、优化器状态、为反向传播保存的激活值，逐字节数出来。

单独运行：python snippets/toolkit/memory.py
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "transfer"))
from digits import SmallCNN  # noqa: E402

# --8<-- [start:count]
import torch
import torch.nn.functional as F


def nbytes(tensors):
    return sum(t.numel() * t.element_size() for t in tensors)


def saved_activations(model, x, y):
    """前向传播一次，记下自动求导为反向传播保存的每个张量（参数本身除外）。"""
    params = {p.untyped_storage().data_ptr() for p in model.parameters()}
    saved = {}

    def pack(t):
        storage = t.untyped_storage()
        if storage.data_ptr() not in params:               # 权重是参数，已经算过了
            saved[storage.data_ptr()] = (tuple(t.shape), t.dtype, storage.nbytes())
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        loss = F.cross_entropy(model(x), y)
    return loss, list(saved.values())


torch.manual_seed(0)
model = SmallCNN()                                          # 在 CPU 上数
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
x, y = torch.randn(64, 1, 28, 28), torch.randint(0, 10, (64,))   # 批量大小 64

loss, activations = saved_activations(model, x, y)
loss.backward()
optimizer.step()
memory = {
    "参数": nbytes(model.parameters()),
    "梯度": nbytes(p.grad for p in model.parameters()),
    "Adam 状态": nbytes(v for state in optimizer.state.values() for v in state.values()),
    "激活值": sum(size for _, _, size in activations),
}
for name, size in memory.items():
    print(f"{size:>12,} 字节  {name}")
# --8<-- [end:count]
