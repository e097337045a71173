"""画出 ResNet18 的残差块（BasicBlock）：主路两层 3×3 卷积，旁路把输入原样加回来。

单独运行：python snippets/transfer/residual_block.py（在当前目录写出 residual-block.svg）
"""

from html import escape

WIDTH, HEIGHT = 640, 250
BOX_W, BOX_H = 96, 44
MAIN_Y = 150  # 主路各个方框的中线
SKIP_Y = 46   # 旁路（捷径）的高度

# 主路从左到右：输入 → 卷积 → 批量归一化 → ReLU → 卷积 → 批量归一化 → 相加 → ReLU → 输出
STEPS = [
    (150, ["3×3 卷积", "批量归一化", "ReLU"]),
    (300, ["3×3 卷积", "批量归一化"]),
]


def text(x, y, words, size=14, weight="normal", fill="#202124"):
    return (f'<text x="{x}" y="{y}" text-anchor="middle" font-size="{size}" '
            f'font-weight="{weight}" fill="{fill}">{escape(words)}</text>')


def arrow(x1, y1, x2, y2, color="#5f6368"):
    return (f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{color}" '
            f'stroke-width="2" marker-end="url(#arrow)"/>')


def draw():
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-labelledby="title desc" '
        'font-family="sans-serif" font-size="14">',
        '<title id="title">ResNet 的残差块</title>',
        '<desc id="desc">输入 x 分两路：主路先经过 3×3 卷积、批量归一化、ReLU，'
        '再经过 3×3 卷积、批量归一化，得到 F(x)；旁路把 x 原样送到后面。两路在加号处相加，'
        '得到 F(x) + x，再经过 ReLU 成为输出。主路只需学习输出和输入之差。</desc>',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" '
        'fill="#5f6368"/></marker></defs>',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        text(40, MAIN_Y + 5, "x", size=18, weight="bold"),
        arrow(52, MAIN_Y, 100, MAIN_Y),
    ]
    # 主路的两组层：每组一个圆角框，框里一行一层
    for left, layers in STEPS:
        top = MAIN_Y - len(layers) * 22 // 2 - 6
        height = len(layers) * 22 + 12
        parts.append(f'<rect x="{left - 50}" y="{top}" width="{BOX_W + 20}" height="{height}" '
                     'rx="8" fill="#e8f0fe" stroke="#1a73e8" stroke-width="1.5"/>')
        for i, layer in enumerate(layers):
            parts.append(text(left + 8, top + 22 + 22 * i, layer))
    parts += [
        arrow(216, MAIN_Y, 250, MAIN_Y),
        arrow(366, MAIN_Y, 432, MAIN_Y),
        text(399, MAIN_Y - 12, "F(x)", fill="#1a73e8"),
        # 相加的圆圈
        f'<circle cx="450" cy="{MAIN_Y}" r="16" fill="#fef7e0" stroke="#f29900" stroke-width="2"/>',
        text(450, MAIN_Y + 6, "+", size=22, weight="bold"),
        arrow(466, MAIN_Y, 500, MAIN_Y),
        f'<rect x="502" y="{MAIN_Y - 20}" width="60" height="40" rx="8" fill="#e8f0fe" '
        'stroke="#1a73e8" stroke-width="1.5"/>',
        text(532, MAIN_Y + 5, "ReLU"),
        arrow(562, MAIN_Y, 598, MAIN_Y),
        text(612, MAIN_Y - 14, "输出"),
        # 旁路：从 x 上去，横过去，再下到加号
        f'<polyline points="76,{MAIN_Y} 76,{SKIP_Y} 450,{SKIP_Y} 450,{MAIN_Y - 18}" '
        'fill="none" stroke="#f29900" stroke-width="2" marker-end="url(#arrow)"/>',
        text(263, SKIP_Y - 10, "捷径：x 原样送过去", fill="#b06000"),
        text(450, MAIN_Y + 44, "F(x) + x"),
        text(WIDTH // 2, HEIGHT - 20, "主路只需学习“输出比输入多了什么”：F(x) 为 0 时，这个块就原样传递 x",
             size=13, fill="#5f6368"),
        "</svg>",
    ]
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    with open("residual-block.svg", "w", encoding="utf-8") as f:
        f.write(draw())
