"""动态图：计算里照常使用 Python 的 if / while / for，梯度照样正确。

单独运行：python snippets/autograd/control_flow.py
"""

# --8<-- [start:define]
import torch


def grow(x):
    """把 x 反复翻倍，直到范数（向量的模长）不小于 100；再按总和的正负决定符号。"""
    y = x
    steps = 0
    while y.norm() < 100:        # 循环几次，取决于 x 的值
        y = y * 2
        steps += 1
    if y.sum() > 0:              # 走哪个分支，也取决于 x 的值
        out = y.sum()
    else:
        out = -y.sum()
    return out, steps
# --8<-- [end:define]

# --8<-- [start:run]
# 手算：x 翻倍 steps 次后，out = ±2**steps * (x1 + x2)，每个分量的梯度都是 ±2**steps
for values, by_hand in (([0.5, 1.0], 2.0**7), ([-30.0, -40.0], -(2.0**1))):
    x = torch.tensor(values, requires_grad=True)
    out, steps = grow(x)
    out.backward()
    print(steps, x.grad.tolist(), by_hand)   # 翻倍次数、autograd 的梯度、手算的梯度
# --8<-- [end:run]

# --8<-- [start:loop]
def power(x, n):
    """用 for 循环连乘 n 次：x ** n。"""
    result = torch.ones_like(x)
    for _ in range(n):
        result = result * x
    return result


x = torch.tensor(2.0, requires_grad=True)
for n in (1, 3, 5):
    x.grad = None                    # 每次都从空梯度开始
    power(x, n).backward()
    print(n, x.grad.item(), n * 2.0 ** (n - 1))   # 手算：n·x^(n-1)
# --8<-- [end:loop]
