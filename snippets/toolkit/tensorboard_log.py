"""用 TensorBoard 的 SummaryWriter 记下每轮的损失和准确率，再用 EventAccumulator 把事件文件读回来、画成图。

不用开 TensorBoard 的网页，也不用联网：事件文件写在本地的 runs/ 下。
单独运行：python snippets/toolkit/tensorboard_log.py（先把 early_stopping.py 的两次训练跑一遍，几秒钟；
在当前目录写出 data/、runs/ 和 toolkit-tensorboard.png）
"""

import matplotlib

matplotlib.use("Agg")  # 不开窗口，直接画进文件

# --8<-- [start:write]
from torch.utils.tensorboard import SummaryWriter


def log_history(history, log_dir):
    """每轮一组 (训练损失, 验证损失, 验证准确率)，按轮数写进 log_dir 下的事件文件。"""
    with SummaryWriter(log_dir) as writer:                  # 退出 with 时把缓冲写进文件
        for epoch, (train_loss, val_loss, val_acc) in enumerate(history, start=1):
            writer.add_scalar("loss/train", train_loss, global_step=epoch)
            writer.add_scalar("loss/val", val_loss, global_step=epoch)
            writer.add_scalar("accuracy/val", val_acc, global_step=epoch)
# --8<-- [end:write]


# --8<-- [start:read]
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator


def read_scalars(log_dir):
    """{标签: [(步数, 值), ...]}：TensorBoard 网页显示的就是这些数。"""
    events = EventAccumulator(str(log_dir))
    events.Reload()                                          # 读入目录下的事件文件
    return {tag: [(e.step, e.value) for e in events.Scalars(tag)]
            for tag in events.Tags()["scalars"]}


def smooth(values, weight=0.6):
    """TensorBoard 网页上 Smoothing 滑块的算法：指数加权平均，再除以 1 - weight**n 修正开头。"""
    smoothed, last = [], 0.0
    for n, value in enumerate(values, start=1):
        last = weight * last + (1 - weight) * value
        smoothed.append(last / (1 - weight ** n))
    return smoothed
# --8<-- [end:read]


# --8<-- [start:draw]
import sys
from pathlib import Path

import matplotlib.pyplot as plt

sys.path.insert(0, str(Path(__file__).resolve().parent))
from plot_schedules import use_chinese_font  # noqa: E402  同目录：图里的中文字体


def draw_curves(scalars, path):
    """从事件文件读回的训练损失和验证损失，加上平均后的验证损失。"""
    use_chinese_font()
    fig, ax = plt.subplots(figsize=(6, 3.2))
    for tag, label, color in [("loss/train", "训练损失", "#1a73e8"), ("loss/val", "验证损失", "#f29900")]:
        steps, values = zip(*scalars[tag])
        ax.plot(steps, values, label=label, color=color, alpha=0.45 if tag == "loss/val" else 1)
    steps, values = zip(*scalars["loss/val"])
    ax.plot(steps, smooth(values), label="验证损失（平均后，0.6）", color="#d93025")
    ax.set(xlabel="轮数", ylabel="交叉熵损失", title="从 runs/early-stopping 读回的曲线")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
# --8<-- [end:draw]


if __name__ == "__main__":
    import torch

    # 单线程训练：每次都得到页面上的那些数，画出同一张图（见 plot_early_stopping.py）
    torch.set_num_threads(1)
    import early_stopping as es  # 导入时把那一节的两次训练都跑一遍

    log_history(es.history, "runs/early-stopping")
    draw_curves(read_scalars("runs/early-stopping"), "toolkit-tensorboard.png")
