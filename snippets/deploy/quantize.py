"""量化：torch.ao.quantization 已弃用，换成 torchao 的 quantize_；比较量化前后的文件大小、准确率和 CPU 上的推理用时。

单独运行：python snippets/deploy/quantize.py（先运行同目录的 train.py 训练出模型，十几秒；打印对照表）
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from train import model, x_test, y_test  # noqa: E402  同目录：训练好的 CNN 和测试集

# --8<-- [start:deprecated]
import warnings

import torch

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
print(caught[0].category.__name__)
for line in str(caught[0].message).splitlines()[:4]:     # 前 4 行：弃用，以及换成什么
    print(line.strip())
# --8<-- [end:deprecated]

# --8<-- [start:torchao]
import copy
import io
import logging
import time

# 导入 torchao 时 PyTorch 会记一条与本章无关的日志（torchao 注册枚举类型的旧写法），这里把它关掉
logging.getLogger("torch.utils._pytree").setLevel(logging.ERROR)
from torchao.quantization import (  # noqa: E402
    Int8DynamicActivationInt8WeightConfig,
    Int8WeightOnlyConfig,
    quantize_,
)


def file_kb(model) -> float:
    """torch.save(state_dict) 写出的字节数（KB）。"""
    buffer = io.BytesIO()
    torch.save(model.state_dict(), buffer)
    return buffer.getbuffer().nbytes / 1000


def test_accuracy(model) -> float:
    with torch.no_grad():
        return (model(x_test).argmax(dim=1) == y_test).float().mean().item()


def latency_us(model, batch, repeat=200) -> float:
    """批量为 batch 的一次前向传播，测 repeat 次取最快的一次（微秒）。"""
    x = x_test[:batch]
    times = []
    with torch.no_grad():
        model(x)                                   # 热身
        for _ in range(repeat):
            start = time.perf_counter()
            model(x)
            times.append(time.perf_counter() - start)
    return min(times) * 1e6


variants = {"float32（原模型）": model}
for name, config in [("int8 权重", Int8WeightOnlyConfig()),
                     ("int8 权重 + int8 激活", Int8DynamicActivationInt8WeightConfig())]:
    variants[name] = copy.deepcopy(model)
    quantize_(variants[name], config)            # 原地替换：默认只量化 nn.Linear 的权重
quantized = {}
for name, m in variants.items():
    quantized[name] = file_kb(m), test_accuracy(m), latency_us(m, 1), latency_us(m, 256, 10)
    kb, acc, one, batch = quantized[name]
    print(f"{kb:6.1f} KB  准确率 {acc:.1%}  批量 1：{one:5.0f} 微秒  批量 256：{batch / 1000:5.1f} 毫秒  {name}")
# --8<-- [end:torchao]

# --8<-- [start:layers]
print(type(variants["int8 权重"][-1].weight).__name__)
print(type(variants["int8 权重"][0].weight).__name__)
# --8<-- [end:layers]
