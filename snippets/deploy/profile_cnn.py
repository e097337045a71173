"""torch.profiler：CNN 推理的用时花在哪些算子上；逐张推理 vs 整批推理。

单独运行：python snippets/deploy/profile_cnn.py（在当前目录写出 data/，打印两张算子表和实测的提速）
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cnn"))  # 卷积神经网络一章的程序
from digits import load_digits  # noqa: E402
from models import build_cnn  # noqa: E402

x_test = load_digits()[2]
model = build_cnn().eval()  # 单独运行时用未训练的 CNN：剖析只看用时，权重训练没训练都一样

# --8<-- [start:profile]
import torch
from torch.profiler import ProfilerActivity, profile

torch.set_num_threads(1)                       # 本章的用时都在 1 个线程上测：受别的程序影响小
images = x_test[:256]


def one_by_one(model, images):
    """像一个最简单的服务那样：来一张图，算一张。"""
    with torch.no_grad():
        return torch.cat([model(image.unsqueeze(0)) for image in images])


def all_at_once(model, images):
    with torch.no_grad():
        return model(images)


NAMES = {                                      # 真正做计算的四种算子；其余的是调度、分配内存、转置之类
    "aten::mkldnn_convolution": "卷积",
    "aten::max_pool2d_with_indices": "最大池化",
    "aten::addmm": "线性层",
    "aten::clamp_min": "ReLU",
}


def operator_table(run, repeat=2):
    """剖析 run(model, images) repeat 次，按算子汇总“自身用时”（不含它调用的子算子）和调用次数，
    再除以 repeat：平均每处理一遍 256 张图的数字。"""
    run(model, images[:8])                     # 热身：第一次调用有一次性的开销
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        for _ in range(repeat):
            run(model, images)
    rows = {name: [0, 0.0] for name in [*NAMES.values(), "其余算子"]}
    for event in prof.key_averages():          # 每种算子一行，和 prof.key_averages().table() 相同
        row = rows[NAMES.get(event.key, "其余算子")]
        row[0] += event.count // repeat
        row[1] += event.self_cpu_time_total / 1000 / repeat   # 微秒 → 毫秒
    total = sum(ms for _, ms in rows.values())
    print(f"{run.__name__}：256 张图，总计 {total:.1f} 毫秒")
    for name, (calls, ms) in rows.items():
        print(f"  {calls:>6} 次 {ms:6.1f} 毫秒 {ms / total:6.1%}  {name}")
    return rows


tables = {run.__name__: operator_table(run) for run in (one_by_one, all_at_once)}
# --8<-- [end:profile]

# --8<-- [start:speedup]
import time


def best_ms(run, repeat=7):
    """不开剖析器，测 repeat 次取最快的一次（毫秒）。"""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run(model, images)
        times.append(time.perf_counter() - start)
    return min(times) * 1000


slow, fast = best_ms(one_by_one), best_ms(all_at_once)
same = (one_by_one(model, images) - all_at_once(model, images)).abs().max().item()
print(f"逐张 {slow:.1f} 毫秒，整批 {fast:.1f} 毫秒：快 {slow / fast:.1f} 倍；结果最多差 {same:.0e}")
# --8<-- [end:speedup]
