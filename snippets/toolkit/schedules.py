"""学习率调度器：记下每一步的学习率。训练工具箱一章打印这些数，plot_schedules.py 把它们画成图。

单独运行：python snippets/toolkit/schedules.py
"""

# --8<-- [start:trace]
import torch
from torch.optim import lr_scheduler


def lr_trace(make_scheduler, steps, lr=0.1):
    """用一个假参数建优化器和学习率调度器，走 steps 步，返回每一步用到的学习率。"""
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr)
    scheduler = make_scheduler(optimizer)
    lrs = []
    for _ in range(steps):
        lrs.append(scheduler.get_last_lr()[0])   # 这一步用的学习率
        optimizer.step()                         # 先更新参数……
        if len(lrs) < steps:
            scheduler.step()                     # ……再让学习率调度器前进一步
    return lrs
# --8<-- [end:trace]


# --8<-- [start:three]
EPOCHS = 30
SCHEDULES = {
    # 每 10 轮乘以 0.1
    "StepLR": lambda opt: lr_scheduler.StepLR(opt, step_size=10, gamma=0.1),
    # 沿余弦曲线从 0.1 平滑降到 0，T_max 是降到底要走的步数
    "CosineAnnealingLR": lambda opt: lr_scheduler.CosineAnnealingLR(opt, T_max=EPOCHS),
    # 先升到 max_lr 再降到接近 0；total_steps 必须等于 step() 的总次数
    "OneCycleLR": lambda opt: lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=EPOCHS),
}
traces = {name: lr_trace(make, EPOCHS) for name, make in SCHEDULES.items()}
for name, lrs in traces.items():
    print(f"{name:18}", " ".join(f"{lr:.3f}" for lr in lrs[::5]))
# --8<-- [end:three]


# --8<-- [start:warmup]
WARMUP = 5


def warmup_cosine(opt):
    warmup = lr_scheduler.LinearLR(opt, start_factor=0.1, total_iters=WARMUP)   # 0.01 → 0.1
    cosine = lr_scheduler.CosineAnnealingLR(opt, T_max=EPOCHS - WARMUP)          # 0.1 → 0
    return lr_scheduler.SequentialLR(opt, [warmup, cosine], milestones=[WARMUP])


traces["预热 + 余弦"] = warmup = lr_trace(warmup_cosine, EPOCHS)
print("前 7 步：", [round(lr, 3) for lr in warmup[:7]])
# --8<-- [end:warmup]
