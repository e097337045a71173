"""把本章页面上参考运行的结果画成两张图：剖析器给出的算子用时，以及各种模型文件的大小和推理用时。

单独运行：python snippets/deploy/plot_deploy.py（在当前目录写出 deploy-profile.png 和 deploy-size-latency.png）
图里的数字读自 docs/deploy.md 上的输出块（本站 2 核 CPU 上的参考运行），和页面上印出的一字不差；
用时每次运行都不同，所以不在这里重新测量。
"""

import re
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # 不开窗口，直接画进文件
import matplotlib.pyplot as plt  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "toolkit"))
from plot_schedules import use_chinese_font  # noqa: E402  # 训练工具箱一章：图里的中文用字体子集 cjk-subset.ttf

PAGE = HERE.parents[1] / "docs" / "deploy.md"
KINDS = ["卷积", "最大池化", "线性层", "ReLU", "其余算子"]
COLORS = ["#1a73e8", "#f29900", "#188038", "#9334e6", "#9aa0a6"]
RUNS = {"one_by_one": "逐张推理", "all_at_once": "整批推理"}
LABELS = {  # 页面输出里的名字 → 图里的名字
    "PyTorch（nn.Module）": "PyTorch（float32）",
    "torch.export（.pt2）": "torch.export（.pt2）",
    "ONNX Runtime（.onnx）": "ONNX Runtime",
    "int8 权重": "torchao：int8 权重",
    "int8 权重 + int8 激活": "torchao：int8 权重和激活",
}


def shown_output(program_section: str) -> list[str]:
    """页面上引用 program_section 的代码块之后，第一个“输出”块的各行。"""
    text = PAGE.read_text(encoding="utf-8")
    after = text[text.index(f'--8<-- "snippets/deploy/{program_section}"'):]
    block = re.search(r'```text title="输出"\n(.*?)\n```', after, re.S)
    return block.group(1).split("\n")


def numbers(line: str) -> list[float]:
    return [float(n) for n in re.findall(r"\d+(?:\.\d+)?", line)]


def draw_profile(path):
    """两种推理方式各一根横条，按算子分段，长度是剖析器记下的自身用时（毫秒）。"""
    tables, totals, run = {}, {}, None
    for line in shown_output("profile_cnn.py:profile"):
        if "：" in line:                           # one_by_one：256 张图，总计 … 毫秒
            run = line.split("：")[0]
            tables[run], totals[run] = {}, numbers(line)[-1]
        else:                                      # 调用次数、毫秒、占比、算子
            calls, ms, _ = numbers(line)
            tables[run][line.split()[-1]] = ms
    fig, ax = plt.subplots(figsize=(7, 3))
    labels = [RUNS[run] for run in tables]
    for kind, color in zip(KINDS, COLORS):
        left = [sum(tables[run][k] for k in KINDS[:KINDS.index(kind)]) for run in tables]
        ax.barh(labels, [tables[run][kind] for run in tables], left=left, color=color, label=kind)
    for i, run in enumerate(tables):
        ax.text(totals[run] + 1, i, f"总计 {totals[run]:.1f} 毫秒", va="center", fontsize=9)
    ax.invert_yaxis()
    ax.set_xlim(0, max(totals.values()) * 1.25)
    ax.set_xlabel("剖析器记下的自身用时（毫秒，256 张图，2 核 CPU 上 1 个线程）")
    ax.set_title("用时花在哪些算子上")
    ax.legend(ncols=5, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.3))
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def draw_size_latency(path):
    """左：模型文件的大小（KB）；右：批量 1 时一次推理的用时（微秒）。"""
    rows = {}                                      # 图里的名字 → (KB, 批量 1 的微秒)
    for line in shown_output("export.py:compare") + shown_output("quantize.py:torchao")[1:]:
        name = LABELS[line.split("  ")[-1].strip()]   # 每行最后是名字，第一个数是 KB
        rows[name] = float(line.split()[0]), numbers(line.split("批量 1：")[1])[0]
    names = list(rows)
    colors = ["#1a73e8", "#9334e6", "#188038", "#f29900", "#d93025"][:len(names)]
    fig, axes = plt.subplots(1, 2, figsize=(7.6, 3))
    for ax, index, title in [(axes[0], 0, "文件大小（KB）"), (axes[1], 1, "批量 1 的推理用时（微秒）")]:
        values = [rows[name][index] for name in names]
        bars = ax.barh(names, values, color=colors)
        ax.bar_label(bars, labels=[f"{v:.0f}" for v in values], fontsize=8, padding=2)
        ax.set_xlim(0, max(values) * 1.25)
        ax.set_title(title, fontsize=10)
        ax.invert_yaxis()
        ax.grid(axis="x", alpha=0.3)
        ax.tick_params(axis="y", labelsize=8)
    axes[1].set_yticklabels([])
    fig.suptitle("同一个 CNN 的几种部署形式（2 核 CPU，1 个线程）", fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


if __name__ == "__main__":
    use_chinese_font()
    draw_profile("deploy-profile.png")
    draw_size_latency("deploy-size-latency.png")
