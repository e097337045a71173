"""训练好的小 Transformer 读一句话时的注意力权重：两层、每层四个头，画成热图。

单独运行：python snippets/attention/plot_attention.py（先运行 lm.py 的 main()：读语料，训练 LSTM
和 Transformer，在 2 核 CPU 上约 40 秒；再在当前目录写出 attention-heatmap.png）
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # 不开窗口，直接画进文件
# --8<-- [start:draw]
import matplotlib.pyplot as plt
import torch
from matplotlib import font_manager

HERE = Path(__file__).resolve().parent


def use_chinese_font():
    # 图里的中文用本站的字体子集 cjk-subset.ttf；找不到时用系统里的中文字体
    for font_file in (HERE.parents[1] / "docs" / "notebooks" / "cjk-subset.ttf",  # 仓库里
                      HERE.parent / "notebooks" / "cjk-subset.ttf"):               # 压缩包里
        if font_file.is_file():
            font_manager.fontManager.addfont(str(font_file))
    installed = {font.name for font in font_manager.fontManager.ttflist}
    chinese = [name for name in ("Droid Sans Fallback", "Noto Sans CJK SC", "Microsoft YaHei",
                                 "PingFang SC", "WenQuanYi Micro Hei") if name in installed]
    plt.rcParams["font.family"] = ["DejaVu Sans", *chinese[:1]]


def draw(maps, sentence, path):
    """maps：每层一个 (头数, 长度, 长度) 的权重张量；sentence：行和列上的字。"""
    use_chinese_font()
    n_layers, n_heads = len(maps), maps[0].shape[0]
    fig, axes = plt.subplots(n_layers, n_heads, figsize=(8, 4.32))
    for layer, heads in enumerate(maps):
        for head, weights in enumerate(heads):
            ax = axes[layer, head]
            ax.imshow(weights.numpy(), cmap="Blues", vmin=0, vmax=1)
            ax.set_title(f"第 {layer + 1} 层 · 头 {head + 1}", fontsize=9)
            ax.set_xticks(range(len(sentence)), list(sentence), fontsize=5)
            ax.set_yticks(range(len(sentence)), list(sentence), fontsize=5)
            ax.tick_params(length=0, pad=1)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
# --8<-- [end:draw]


# --8<-- [start:weights]
@torch.no_grad()
def attention_maps(model, sentence):
    """每层一个 (头数, 长度, 长度) 的注意力权重：按模型的前向计算一层层走，记下每层的权重。"""
    model.eval()
    idx = encode(sentence)[None].to(device)
    x = model.tok(idx) + model.pos(torch.arange(idx.shape[1], device=device))
    maps = []
    for block in model.blocks:
        maps.append(block.attn.weights(block.norm1(x))[0].cpu())
        x = block(x)
    model.train()
    return maps


def show_attention(model, sentence="北京市民在新年里参加各种文化活动"):
    maps = attention_maps(model, sentence)
    for layer, heads in enumerate(maps, 1):
        # 每个头平均分给“自己”的权重（热图对角线上的格子）和分给句首“北”字的权重（第一列）
        itself = [round(h.diagonal().mean().item(), 2) for h in heads]
        first = [round(h[1:, 0].mean().item(), 2) for h in heads]
        print(f"第 {layer} 层，看自己：{itself}，看句首：{first}")
    draw(maps, sentence, "attention-heatmap.png")
# --8<-- [end:weights]


if __name__ == "__main__":
    torch.set_num_threads(1)  # 单线程训练：每次都得到页面上的那个模型，画出同一张图
    from lm import device, encode, main  # 导入时读语料、建词表

    _, _, gpt = main()  # 和页面上一样：三个语言模型，同样的种子、同样的 500 步
    show_attention(gpt)
