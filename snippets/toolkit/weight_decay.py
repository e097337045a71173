"""权重衰减：Adam 的 weight_decay（加在梯度上）和 AdamW（解耦，直接缩小参数），一步手算和一次实测。

页面上用到的函数都在这里，单独运行时只定义它们；怎样调用见“训练工具箱”一章。
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "transfer"))  # 迁移学习一章的程序
from digits import fit  # noqa: E402  迁移学习一章的训练函数

# --8<-- [start:one_step]
import torch


def one_step(optimizer_class, start, lr=0.1, weight_decay=0.1):
    """一个参数、损失恒为 0（数据给的梯度是 0），只看权重衰减让参数走了多远。"""
    p = torch.tensor([start], requires_grad=True)
    optimizer = optimizer_class([p], lr=lr, weight_decay=weight_decay)
    p.grad = torch.zeros(1)                               # 数据的梯度：0
    optimizer.step()
    return round(start - p.item(), 4)                     # 这一步往 0 走了多少
# --8<-- [end:one_step]


# --8<-- [start:measure]
from torch import nn


def weight_norm_after(make_optimizer, data, epochs=5, seed=0):
    """同一个种子的线性模型（784 → 10），训练 epochs 轮，返回权重的范数和测试准确率。"""
    x_train, y_train, x_test, y_test = data
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
    fit(model, x_train, y_train, make_optimizer(model.parameters()), epochs=epochs)
    model.eval()
    with torch.no_grad():
        acc = (model(x_test).argmax(dim=1) == y_test).float().mean().item()
    return torch.linalg.vector_norm(model[1].weight).item(), acc


optimizers = {
    "Adam，不衰减":              lambda params: torch.optim.Adam(params, lr=1e-3),
    "Adam(weight_decay=0.1)":   lambda params: torch.optim.Adam(params, lr=1e-3, weight_decay=0.1),
    "AdamW(weight_decay=0.1)":  lambda params: torch.optim.AdamW(params, lr=1e-3, weight_decay=0.1),
}
# --8<-- [end:measure]

