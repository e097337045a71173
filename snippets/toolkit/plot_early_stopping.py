"""把早停那一节的训练画成图：训练损失、验证损失和验证准确率，标出最好的一轮和停下的一轮。

单独运行：python snippets/toolkit/plot_early_stopping.py（先把 early_stopping.py 的两次训练
跑一遍，几秒钟；在当前目录写出 data/ 和 toolkit-early-stopping.png）
"""

import matplotlib

matplotlib.use("Agg")  # 不开窗口，直接画进文件
# --8<-- [start:draw]
import sys
from pathlib import Path

import matplotlib.pyplot as plt

sys.path.insert(0, str(Path(__file__).resolve().parent))
from plot_schedules import use_chinese_font  # noqa: E402  # 同目录：图里的中文字体


def draw_history(history, best, stopped, path):
    """history：每轮一组 (训练损失, 验证损失, 验证准确率)；best、stopped：最好的一轮、早停的一轮。"""
    use_chinese_font()
    epochs = range(1, len(history) + 1)
    fig, axes = plt.subplots(1, 2, figsize=(8, 3.2))
    axes[0].plot(epochs, [h[0] for h in history], label="训练损失", color="#1a73e8")
    axes[0].plot(epochs, [h[1] for h in history], label="验证损失", color="#f29900")
    axes[0].set(xlabel="轮数", ylabel="交叉熵损失", title="损失")
    axes[1].plot(epochs, [100 * h[2] for h in history], color="#188038")
    axes[1].set(xlabel="轮数", ylabel="准确率（%）", title="验证准确率")
    for ax in axes:
        ax.axvline(best, color="gray", linestyle="--", label=f"验证损失最低（第 {best} 轮）")
        ax.axvline(stopped, color="#d93025", linestyle=":", label=f"早停（第 {stopped} 轮）")
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
# --8<-- [end:draw]


if __name__ == "__main__":
    import torch

    # 单线程训练：线程数会改变浮点数加法的顺序，单线程时每次都得到页面上的那些数，画出同一张图
    torch.set_num_threads(1)
    import early_stopping as es  # 导入时把那一节的两次训练都跑一遍

    draw_history(es.history, es.stopper.best_epoch, es.epoch, "toolkit-early-stopping.png")
