"""DataLoader 深入：工作进程和 persistent_workers（实测用时）、锁页内存、长度不一的样本、可复现的随机数。

单独运行：python snippets/data/loaders.py（在当前目录写出 data/ 和 digits/）
"""

from files import DigitCSV, export_digits, make_datasets  # 同目录
from torchvision.transforms import v2

export_digits()
train_set, val_set, test_set = make_datasets()

# --8<-- [start:pids]
import os

import torch
from torch.utils.data import DataLoader, Dataset


class WhoLoadsMe(Dataset):
    """8 个样本，每个样本就是读它的那个进程的编号（pid）。"""

    def __len__(self):
        return 8

    def __getitem__(self, index):
        return os.getpid()


def pids_per_epoch(**options) -> list[set[int]]:
    """同一个 DataLoader 走两轮，记下每一轮是哪些进程在读数据。"""
    loader = DataLoader(WhoLoadsMe(), batch_size=2, **options)
    return [set(torch.cat(list(loader)).tolist()) for epoch in range(2)]


main = os.getpid()
for name, options in [("num_workers=0", {}),
                      ("num_workers=2", dict(num_workers=2)),
                      ("再加 persistent_workers=True", dict(num_workers=2, persistent_workers=True))]:
    first, second = pids_per_epoch(**options)
    if first == {main}:
        who = "第一轮只有主进程读数据"
    else:
        who = f"第一轮由 {len(first)} 个工作进程读数据（都不是主进程）"
    if first == second:
        again = "第二轮还是同样的进程"
    elif first.isdisjoint(second):
        again = "第二轮换了新进程"
    else:
        again = "第二轮换了一部分进程"
    print(f"{name}：{who}，{again}")
# --8<-- [end:pids]

# --8<-- [start:timing]
import time


def seconds_per_epoch(dataset, epochs=2, **options) -> list[float]:
    """只读数据、不训练：每一轮把整个数据集过一遍要多久。"""
    loader = DataLoader(dataset, batch_size=64, shuffle=True, **options)
    times = []
    for epoch in range(epochs):
        start = time.perf_counter()
        for images, labels in loader:
            pass
        times.append(time.perf_counter() - start)
    return times


workers = min(2, os.cpu_count())                  # 工作进程不要多于 CPU 核数
settings = {
    "num_workers=0": {},
    f"num_workers={workers}": dict(num_workers=workers),
    f"num_workers={workers}，persistent": dict(num_workers=workers, persistent_workers=True),
}
timings = {name: seconds_per_epoch(train_set, **options) for name, options in settings.items()}
for name, times in timings.items():
    print(f"{name:<26}每轮 " + "、".join(f"{t:.2f}" for t in times) + " 秒")
# --8<-- [end:timing]

# --8<-- [start:contention]
from torch import nn
from torch.utils.data import Subset


def train_seconds(dataset, threads, workers) -> float:
    """主进程用 threads 个计算线程、workers 个工作进程读数据，把 dataset 训练一轮要几秒。"""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 16, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(16, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(32 * 7 * 7, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loader = DataLoader(dataset, batch_size=64, shuffle=True, num_workers=workers)
    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        start = time.perf_counter()
        for images, labels in loader:
            optimizer.zero_grad()
            nn.functional.cross_entropy(model(images), labels).backward()
            optimizer.step()
        return time.perf_counter() - start
    finally:
        torch.set_num_threads(before)              # 量完改回原来的线程数


part = Subset(train_set, range(640))               # 640 张带增强的图，10 个批量
for threads in (2, 1):
    print(f"{os.cpu_count()} 核的机器，{workers} 个工作进程，主进程 {threads} 个计算线程："
          f"训练一轮 {train_seconds(part, threads, workers):.1f} 秒")
# --8<-- [end:contention]

# --8<-- [start:pin]
loader = DataLoader(val_set, batch_size=64, pin_memory=torch.cuda.is_available())
images, labels = next(iter(loader))
# --8<-- [end:pin]

# --8<-- [start:collate]
from torch.nn.utils.rnn import pad_sequence


class InkPoints(Dataset):
    """每个数字变成笔画上的点：灰度大于 128 的像素的 (行, 列) 坐标。每张图的点数都不一样。"""

    def __init__(self, images):
        self.images = images                       # 给出 (uint8 [1, 28, 28], 标签) 的数据集

    def __len__(self):
        return len(self.images)

    def __getitem__(self, index):
        image, label = self.images[index]
        points = (image[0] > 128).nonzero().float()   # [点数, 2]
        return points, label


def pad_points(batch):
    """把一批长短不一的点列补齐成一个张量，再给出每个样本的真实长度和掩码。"""
    points, labels = zip(*batch)
    lengths = torch.tensor([len(p) for p in points])
    padded = pad_sequence(points, batch_first=True)             # [批量, 最长的点数, 2]，短的补 0
    mask = torch.arange(padded.shape[1]) < lengths[:, None]     # True：真实的点；False：补的
    return padded, lengths, mask, torch.tensor(labels)


ink = InkPoints(DigitCSV("digits/train.csv", root="digits", transform=v2.PILToTensor()))
loader = DataLoader(ink, batch_size=4, collate_fn=pad_points)
padded, lengths, mask, labels = next(iter(loader))
print(padded.shape, lengths.tolist(), mask.sum(dim=1).tolist(), labels.tolist())
# --8<-- [end:collate]

# --8<-- [start:seeding]
def first_batch(seed, num_workers):
    """带随机增强的训练集：按给定的种子打乱，取第一个批量。"""
    loader = DataLoader(train_set, batch_size=8, shuffle=True, num_workers=num_workers,
                        generator=torch.Generator().manual_seed(seed))
    return next(iter(loader))


a, b, c = first_batch(0, 2), first_batch(0, 2), first_batch(1, 2)
print(f"同一个种子：顺序相同 {torch.equal(a[1], b[1])}，增强后的图片也相同 {torch.equal(a[0], b[0])}")
print(f"换一个种子：顺序不同 {not torch.equal(a[1], c[1])}")
d = first_batch(0, 0)
print(f"同一个种子、不用工作进程：顺序相同 {torch.equal(a[1], d[1])}，"
      f"增强后的图片不同 {not torch.equal(a[0], d[0])}")
# --8<-- [end:seeding]

# --8<-- [start:rng_copy]
import numpy as np


class NoisyIndex(Dataset):
    """一个常见的错误：在 __init__ 里建好随机数生成器，每个工作进程都拿到它的一份**拷贝**。"""

    def __init__(self):
        self.rng = np.random.default_rng(0)

    def __len__(self):
        return 4

    def __getitem__(self, index):
        return int(self.rng.integers(1000))       # 比如：随机挑一种增强


def reseed(worker_id):
    """worker_init_fn：每个工作进程用 PyTorch 分给它的种子（每个进程各不相同）重建生成器。"""
    info = torch.utils.data.get_worker_info()
    info.dataset.rng = np.random.default_rng(info.seed)


same = DataLoader(NoisyIndex(), batch_size=2, num_workers=2)
fixed = DataLoader(NoisyIndex(), batch_size=2, num_workers=2, worker_init_fn=reseed,
                   generator=torch.Generator().manual_seed(0))
print("拷贝的生成器：", [batch.tolist() for batch in same])
print("重新播种后：  ", [batch.tolist() for batch in fixed])
# --8<-- [end:rng_copy]
