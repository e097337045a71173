"""GPU 比 CPU 快多少？在自己的机器上量一量。

测两样东西，CPU 上测，有 CUDA 时也在 GPU 上测：
  1. float32 矩阵乘法的速度（TFLOP/s，每秒万亿次浮点运算）；
  2. 一个 784→128→10 小型 MLP 的训练和推理吞吐（样本/秒），批量大小 64 和 512。

用法：
  python snippets/scaling/benchmark.py                  # 快速模式（--quick）：几秒，只验证程序能跑，数字不可信
  python snippets/scaling/benchmark.py --full --out result.json   # 正式测量，写出 JSON
  python snippets/scaling/benchmark.py --table result.json        # 把 JSON 结果排成 Markdown 表格
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from datetime import datetime, UTC
from pathlib import Path

import torch
from torch import nn


# --8<-- [start:timing]
def sync(device: torch.device) -> None:
    """等设备上排队的运算全部做完。CUDA 的运算是异步的：不等，计时只量到了“下单”。"""
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def timed(step, device: torch.device, warmup: int, min_seconds: float, chunk: int, rounds: int) -> float:
    """每次 step 要多少秒。先热身 warmup 次；再量 rounds 轮，每轮至少 min_seconds 秒，取最快的一轮。"""
    for _ in range(warmup):   # 热身：第一次调用要初始化 CUDA、选算法、分配显存，不算在内
        step()
    sync(device)
    best = float("inf")
    for _ in range(rounds):   # 机器同时在忙别的事时，慢的那几轮是干扰，最快的一轮最接近真实速度
        repeats, start = 0, time.perf_counter()
        while True:
            for _ in range(chunk):
                step()
            repeats += chunk
            sync(device)      # 停表之前先等 GPU 真正算完
            elapsed = time.perf_counter() - start
            if elapsed >= min_seconds:
                break
        best = min(best, elapsed / repeats)
    return best
# --8<-- [end:timing]


# --8<-- [start:matmul]
def matmul_tflops(device: torch.device, n: int, warmup: int, min_seconds: float, rounds: int) -> float:
    """n×n 的 float32 矩阵乘法，每秒多少万亿次浮点运算（一次乘法 2·n³ 次运算）。"""
    gen = torch.Generator().manual_seed(0)
    a = torch.randn(n, n, generator=gen).to(device)
    b = torch.randn(n, n, generator=gen).to(device)
    seconds = timed(lambda: a @ b, device, warmup, min_seconds, chunk=1, rounds=rounds)
    return 2 * n**3 / seconds / 1e12
# --8<-- [end:matmul]


# --8<-- [start:mlp]
def make_mlp() -> nn.Module:
    return nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))


def mlp_throughput(device: torch.device, batch_size: int, train: bool, warmup: int,
                   min_seconds: float, rounds: int, n_batches: int = 20) -> float:
    """样本/秒。数据事先放在 device 上，只量模型本身，不含读盘和 CPU→GPU 拷贝。"""
    torch.manual_seed(0)
    model = make_mlp().to(device)
    images = torch.randn(n_batches, batch_size, 784).to(device)
    labels = torch.randint(0, 10, (n_batches, batch_size)).to(device)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    position = 0

    def train_step():
        nonlocal position
        i = position % n_batches
        position += 1
        optimizer.zero_grad()
        loss_fn(model(images[i]), labels[i]).backward()
        optimizer.step()

    @torch.no_grad()
    def infer_step():
        nonlocal position
        i = position % n_batches
        position += 1
        model(images[i]).argmax(dim=1)

    model.train(train)
    step = train_step if train else infer_step
    seconds = timed(step, device, warmup, min_seconds, chunk=n_batches, rounds=rounds)
    return batch_size / seconds
# --8<-- [end:mlp]


BATCH_SIZES = (64, 512)


def cpu_model() -> str:
    """CPU 型号：Linux 上读 /proc/cpuinfo，其他系统用 platform.processor()。"""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def hardware() -> dict:
    info = {
        "cpu": cpu_model(),
        "cpu_cores": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "machine": platform.machine(),
        "system": platform.system(),
    }
    if torch.cuda.is_available():
        info["gpu"] = torch.cuda.get_device_name(0)
        info["cuda"] = torch.version.cuda
    return info


def measure(device: torch.device, quick: bool) -> dict:
    n = 256 if quick else 4096
    # 正式测量：热身 3 次，再测 15 轮、每轮至少 0.3 秒，取最快的一轮
    warmup, seconds, rounds = (1, 0.0, 1) if quick else (3, 0.3, 15)
    result = {"matmul_n": n, "rounds": rounds,
              "matmul_tflops": matmul_tflops(device, n, warmup, seconds, rounds)}
    for train in (True, False):
        for batch_size in BATCH_SIZES:
            key = f"{'train' if train else 'infer'}_b{batch_size}_samples_per_s"
            result[key] = mlp_throughput(device, batch_size, train, warmup, seconds, rounds,
                                         n_batches=2 if quick else 20)
    return result


def run(quick: bool) -> dict:
    devices = [torch.device("cpu")]
    if torch.cuda.is_available():
        devices.append(torch.device("cuda"))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None  # 测量前机器有多忙
    results = {device.type: measure(device, quick) for device in devices}
    return {
        "quick": quick,
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "torch": torch.__version__,
        "python": platform.python_version(),
        "float32_matmul_precision": torch.get_float32_matmul_precision(),  # "highest"：不用 TF32
        "hardware": hardware(),
        "method": "warm-up, then the fastest of several timed rounds; data already on the device",
        "load_average": {"before": round(load, 2) if load is not None else None,
                         "after": round(os.getloadavg()[0], 2) if load is not None else None},
        "results": results,
    }


ROWS = [
    ("matmul_tflops", "{n}×{n} float32 矩阵乘法", "TFLOP/s"),
    ("train_b64_samples_per_s", "MLP 训练，批量 64", "样本/秒"),
    ("train_b512_samples_per_s", "MLP 训练，批量 512", "样本/秒"),
    ("infer_b64_samples_per_s", "MLP 推理，批量 64", "样本/秒"),
    ("infer_b512_samples_per_s", "MLP 推理，批量 512", "样本/秒"),
]


def _number(value: float) -> str:
    """三位有效数字，千位加逗号：表格里不出现虚假的精度。"""
    if value >= 1000:
        return f"{float(f'{value:.3g}'):,.0f}"
    return f"{value:.3g}"


def markdown_table(record: dict) -> str:
    """一份 JSON 结果 → Markdown 表格：每行一个测量项，每列一种设备，有 GPU 时加一列倍数。"""
    hw, results = record["hardware"], record["results"]
    columns = [("cpu", f"CPU：{hw['cpu']}（{hw['cpu_cores']} 核）")]
    if "cuda" in results:
        columns.append(("cuda", f"GPU：{hw['gpu']}"))
    header = ["测量项"] + [title for _, title in columns]
    if "cuda" in results:
        header.append("GPU ÷ CPU")
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for key, label, unit in ROWS:
        cells = [label.format(n=results["cpu"]["matmul_n"])]
        cells += [f"{_number(results[device][key])} {unit}" for device, _ in columns]
        if "cuda" in results:
            cells.append(f"{results['cuda'][key] / results['cpu'][key]:.3g}×")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="快速检查（默认）：几秒，只证明程序能跑")
    mode.add_argument("--full", action="store_true", help="正式测量：CPU 上约一分钟，有 GPU 时再加约半分钟")
    parser.add_argument("--out", type=Path, help="把结果写进这个 JSON 文件")
    parser.add_argument("--table", type=Path, help="不测量，只把已有的 JSON 结果排成表格")
    args = parser.parse_args(argv)
    if args.table:
        print(markdown_table(json.loads(args.table.read_text(encoding="utf-8"))))
        return
    record = run(quick=not args.full)
    if record["quick"]:
        print("快速模式：只检查程序能运行，数字没有参考价值。正式测量请加 --full。")
    print(markdown_table(record))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"结果已写入 {args.out}")


if __name__ == "__main__":
    main()
