"""torch.compile：它捕获了什么计算图、第一次调用要编译多久、编译后快多少、什么时候不值得。

单独运行：python snippets/toolkit/compile_speed.py（第一次运行要编译，几秒到十几秒）
"""

# --8<-- [start:gelu]
import math

import torch


def gelu(x):
    """手写的 GELU（tanh 近似）：8 个逐元素运算，不编译时每个运算都要把整个张量读写一遍。"""
    return 0.5 * x * (1 + torch.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))
# --8<-- [end:gelu]


# --8<-- [start:backend]
graphs = []


def show_graph(gm, example_inputs):
    """一个自制的“后端”：记下 torch.compile 捕获到的计算图里的运算，然后照原样执行。"""
    graphs.append([node.target.__name__ for node in gm.graph.nodes if node.op == "call_function"])
    return gm.forward


torch.compile(gelu, backend=show_graph)(torch.randn(8))
print(graphs)
# --8<-- [end:backend]


# --8<-- [start:timing]
import time


def best_time(fn, x, repeat=5, number=20):
    """调用 fn(x) number 次算一轮，测 repeat 轮，返回最快一轮里平均每次的秒数。"""
    fn(x)                                      # 热身
    rounds = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn(x)
        rounds.append((time.perf_counter() - start) / number)
    return min(rounds)
# --8<-- [end:timing]


# --8<-- [start:measure]
import logging

# 装了 CUDA 工具包（有 nvcc）却没有可用 GPU 的机器上，编译时 PyTorch 会记一条无害的警告
# “No CUDA runtime is found”；本站的构建机就是这样，这里把它关掉
logging.getLogger("torch.utils.cpp_extension").setLevel(logging.ERROR)

threads = torch.get_num_threads()
torch.set_num_threads(1)                       # 单线程测量：受机器上其他程序的影响小得多
compiled = torch.compile(gelu, dynamic=True)   # dynamic=True：一次编译，不同长度的输入都能用

big, small = torch.randn(1_000_000), torch.randn(1_000)
start = time.perf_counter()
compiled(big)                                  # 第一次调用：捕获计算图、生成并编译 C++ 代码
first_call = time.perf_counter() - start
times = {}                                     # (不编译, 编译后) 每次调用的秒数
for name, x in [("100 万个元素", big), ("1,000 个元素", small)]:
    eager, fast = times[name] = best_time(gelu, x), best_time(compiled, x)
    print(f"{name}：不编译 {eager * 1e6:,.0f} 微秒，编译后 {fast * 1e6:,.0f} 微秒，"
          f"速度是不编译时的 {eager / fast:.1f} 倍")
builtin = best_time(lambda x: torch.nn.functional.gelu(x, approximate="tanh"), big)
print(f"100 万个元素，内置的 F.gelu：{builtin * 1e6:,.0f} 微秒")
print(f"第一次调用（含编译）：{first_call:.1f} 秒")
print(f"和不编译的结果最多差：{(compiled(big) - gelu(big)).abs().max().item():.0e}")  # 浮点误差
torch.set_num_threads(threads)
# --8<-- [end:measure]
