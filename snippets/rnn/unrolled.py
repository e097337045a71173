"""画出循环神经网络按时间展开的样子：同一个单元、同一组权重，一个字一个字地读，隐藏状态往后传。

单独运行：python snippets/rnn/unrolled.py（在当前目录写出 rnn-unrolled.svg）
"""

from html import escape

WIDTH, HEIGHT = 720, 300
CHARS = ["很", "好", "看", "！"]  # 一条四个字的评论
CELL_Y = 130                     # 单元方框的中线
FIRST_X, STEP_X = 275, 125       # 展开后第一个单元的中心、相邻单元的间距


def text(x, y, words, size=14, weight="normal", fill="#202124", anchor="middle"):
    return (f'<text x="{x}" y="{y}" text-anchor="{anchor}" font-size="{size}" '
            f'font-weight="{weight}" fill="{fill}">{escape(words)}</text>')


def arrow(x1, y1, x2, y2, color="#5f6368"):
    return (f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{color}" '
            f'stroke-width="2" marker-end="url(#arrow)"/>')


def cell(x, label="RNN"):
    return (f'<rect x="{x - 34}" y="{CELL_Y - 22}" width="68" height="44" rx="8" '
            f'fill="#e8f0fe" stroke="#1a73e8" stroke-width="1.5"/>' + text(x, CELL_Y + 5, label))


def draw():
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-labelledby="title desc" '
        'font-family="sans-serif" font-size="14">',
        '<title id="title">循环神经网络按时间展开</title>',
        '<desc id="desc">左边是折叠的画法：一个 RNN 单元，隐藏状态从它的输出绕回它的输入。'
        '右边把它按时间展开：读评论“很好看！”的四个字，每个时间步用同一组权重，'
        '把这一步的字 x_t 和上一步的隐藏状态 h_(t-1) 合成新的隐藏状态 h_t；h_0 是全 0，'
        '最后的 h_4 送进分类头。</desc>',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" '
        'fill="#5f6368"/></marker></defs>',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        # 左边：折叠的画法，隐藏状态绕回自己
        cell(70),
        f'<path d="M 104 {CELL_Y - 6} C 130 {CELL_Y - 6}, 130 {CELL_Y - 50}, 70 {CELL_Y - 50} '
        f'C 10 {CELL_Y - 50}, 10 {CELL_Y - 6}, 32 {CELL_Y - 6}" fill="none" stroke="#f29900" '
        'stroke-width="2" marker-end="url(#arrow)"/>',
        text(70, CELL_Y - 58, "h 绕回来", fill="#b06000"),
        arrow(70, CELL_Y + 70, 70, CELL_Y + 24),
        text(70, CELL_Y + 88, "x_t"),
        text(150, CELL_Y + 7, "=", size=22),
        # 右边：展开成四个时间步
        text(FIRST_X - 68, CELL_Y - 8, "h_0 = 0", fill="#b06000"),
        arrow(FIRST_X - 100, CELL_Y, FIRST_X - 36, CELL_Y, color="#f29900"),
    ]
    for t, char in enumerate(CHARS, start=1):
        x = FIRST_X + (t - 1) * STEP_X
        parts += [
            cell(x),
            arrow(x, CELL_Y + 70, x, CELL_Y + 24),
            text(x, CELL_Y + 88, f"x_{t}"),
            text(x, CELL_Y + 112, f"“{char}”", fill="#5f6368"),
            text(x, 30, f"时间步 {t}", size=13, fill="#5f6368"),
        ]
        if t < len(CHARS):
            parts += [arrow(x + 34, CELL_Y, x + STEP_X - 36, CELL_Y, color="#f29900"),
                      text(x + STEP_X / 2, CELL_Y - 8, f"h_{t}", fill="#b06000")]
    last = FIRST_X + (len(CHARS) - 1) * STEP_X
    parts += [
        arrow(last, CELL_Y - 22, last, CELL_Y - 62, color="#f29900"),
        text(last + 8, CELL_Y - 42, "h_4", fill="#b06000", anchor="start"),
        f'<rect x="{last - 40}" y="{CELL_Y - 96}" width="80" height="32" rx="8" fill="#fef7e0" '
        'stroke="#f29900" stroke-width="1.5"/>',
        text(last, CELL_Y - 75, "分类头"),
        text(WIDTH / 2, HEIGHT - 22,
             "每个时间步都是同一个单元、同一组权重：h_t = tanh(W_ih x_t + b_ih + W_hh h_(t-1) + b_hh)",
             size=13, fill="#5f6368"),
        "</svg>",
    ]
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    with open("rnn-unrolled.svg", "w", encoding="utf-8") as f:
        f.write(draw())
