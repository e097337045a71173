"""首页：动态图（define-by-run）——计算里直接用 Python 的 if / while。

单独运行：python snippets/home/dynamic_graph.py
"""

# --8<-- [start:define]
import torch

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")


def grow(v):
    """把 v 反复翻倍，直到范数（向量的模长）超过 10；翻几次、要不要变号，都由数据决定。"""
    steps = 0
    while v.norm() <= 10:  # 普通的 while，条件来自张量的值
        v = v * 2
        steps += 1
        print(f"  第 {steps} 次翻倍：{v.tolist()}")  # 随手打印中间结果
    if v.sum() < 0:  # 普通的 if，走哪条分支也由数据决定
        v = -v
        print("  和为负数，变号")
    return v, steps
# --8<-- [end:define]

# --8<-- [start:run-a]
a = torch.tensor([1.0, 2.0], device=device, requires_grad=True)
print("输入 a：")
out_a, steps_a = grow(a)
out_a.sum().backward()  # 沿着这一次真正走过的路径求梯度
print("a 翻倍了", steps_a, "次，梯度 =", a.grad.tolist())
# --8<-- [end:run-a]

# --8<-- [start:run-b]
b = torch.tensor([-3.0, -1.0], device=device, requires_grad=True)
print("输入 b：")
out_b, steps_b = grow(b)
out_b.sum().backward()
print("b 翻倍了", steps_b, "次，梯度 =", b.grad.tolist())
# --8<-- [end:run-b]

# --8<-- [start:graphs]
# 两次调用记录下的计算图不一样：最后一步分别是乘法和取负
print(type(out_a.grad_fn).__name__, type(out_b.grad_fn).__name__)
# --8<-- [end:graphs]
