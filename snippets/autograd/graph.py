"""计算图：前向时记录运算，从 grad_fn / next_functions 读回这张图，再反向传播。

单独运行：python snippets/autograd/graph.py
"""

# --8<-- [start:build]
import torch

a = torch.tensor([1.0, 2.0], requires_grad=True)   # 叶子节点
b = torch.tensor([3.0, 4.0], requires_grad=True)   # 叶子节点
c = a * b            # MulBackward0
d = c + a            # AddBackward0：a 第二次被用到
L = d.sum()          # SumBackward0：得到一个标量
print(c)
print(d)
print(L)
# --8<-- [end:build]

# --8<-- [start:walk]
names = {id(a): "a", id(b): "b"}    # 给叶子节点起名，打印时好认


def show_graph(fn, depth=0):
    """从某个 grad_fn 出发，沿 next_functions 把反向图逐层打印出来。"""
    label = type(fn).__name__
    if hasattr(fn, "variable"):     # AccumulateGrad 节点记着它负责的叶子张量
        label += f" -> {names[id(fn.variable)]}.grad"
    print("    " * depth + label)
    for next_fn, _ in fn.next_functions:
        if next_fn is not None:     # 不需要梯度的输入在这里是 None
            show_graph(next_fn, depth + 1)


show_graph(L.grad_fn)
# --8<-- [end:walk]

# --8<-- [start:backward]
c.retain_grad()      # 中间结果的梯度默认不保留，这里留下来核对
d.retain_grad()
L.backward()
print("a.grad =", a.grad.tolist(), "  手算 b + 1 =", (b + 1).tolist())
print("b.grad =", b.grad.tolist(), "  手算 a =", a.tolist())
print("c.grad =", c.grad.tolist(), "  d.grad =", d.grad.tolist())
# --8<-- [end:backward]
