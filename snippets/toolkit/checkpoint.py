"""检查点：把模型、优化器、学习率调度器、轮数和随机数状态一起存下来，中断后从断点接着训练，
结果和一口气训练完完全相同。

单独运行：python snippets/toolkit/checkpoint.py（在当前目录写出 data/ 和 checkpoint.pt）
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "transfer"))
from digits import load_digits  # noqa: E402

# --8<-- [start:setup]
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
x_train, y_train, x_test, y_test = load_digits("data/mnist-sample")
train_set = TensorDataset(x_train, y_train)


def build():
    """模型、优化器、学习率调度器。每次都从同一个种子建起，就像重新启动训练程序。"""
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Flatten(), nn.Linear(784, 128), nn.ReLU(),
        nn.Dropout(0.2),                   # Dropout 用到随机数：断点续训要恢复随机数状态
        nn.Linear(128, 10),
    ).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
    return model, optimizer, scheduler


def train_epoch(model, optimizer, scheduler, loader):
    """训练一轮，每轮结束调一次 scheduler.step()；返回这一轮的平均损失。"""
    model.train()
    total = 0.0
    for xb, yb in loader:                  # shuffle=True：每轮的顺序取决于当时的随机数状态
        xb, yb = xb.to(device), yb.to(device)
        loss = nn.functional.cross_entropy(model(xb), yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * len(yb)
    scheduler.step()
    return total / len(loader.dataset)
# --8<-- [end:setup]


# --8<-- [start:save]
def save_checkpoint(path, model, optimizer, scheduler, epoch):
    torch.save({
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),     # Adam 的滑动平均、已走的步数
        "scheduler": scheduler.state_dict(),     # 学习率调度器走到了哪一轮
        "epoch": epoch,                          # 已经训练完的轮数
        "rng_cpu": torch.get_rng_state(),        # 打乱顺序、CPU 上的 Dropout
        "rng_cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
    }, path)


def load_checkpoint(path, model, optimizer, scheduler):
    """把检查点恢复进新建的对象里，返回已经训练完的轮数。"""
    checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    model.load_state_dict(checkpoint["model"])          # 复制进模型所在的设备
    optimizer.load_state_dict(checkpoint["optimizer"])  # 状态自动搬到参数所在的设备
    scheduler.load_state_dict(checkpoint["scheduler"])
    torch.set_rng_state(checkpoint["rng_cpu"])
    if checkpoint["rng_cuda"]:
        torch.cuda.set_rng_state_all(checkpoint["rng_cuda"])
    return checkpoint["epoch"]
# --8<-- [end:save]


# --8<-- [start:straight]
model, optimizer, scheduler = build()
loader = DataLoader(train_set, batch_size=64, shuffle=True)
straight = [train_epoch(model, optimizer, scheduler, loader) for epoch in range(4)]
print("一口气训练 4 轮：", [round(v, 4) for v in straight])
# --8<-- [end:straight]


# --8<-- [start:interrupted]
model, optimizer, scheduler = build()
first_half = [train_epoch(model, optimizer, scheduler, loader) for epoch in range(2)]
save_checkpoint("checkpoint.pt", model, optimizer, scheduler, epoch=2)
del model, optimizer, scheduler          # 假装程序在这里被中断了

# 重新启动：新建全部对象（build() 又把种子设回了 0），再从检查点恢复
model, optimizer, scheduler = build()
start = load_checkpoint("checkpoint.pt", model, optimizer, scheduler)
second_half = [train_epoch(model, optimizer, scheduler, loader) for epoch in range(start, 4)]
resumed = first_half + second_half
print("中断后续训：    ", [round(v, 4) for v in resumed])
print("逐位相同：", resumed == straight)
# --8<-- [end:interrupted]
