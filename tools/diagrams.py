"""Draw the site's flow diagrams as static SVG: the training loop (training.md), transfer
learning (transfer.md), data-parallel training (scaling.md) and how a page is tested
(contributing.md).

They were mermaid fences, drawn in the reader's browser by a 3.5 MB script; a phone spent
seconds on it (Lighthouse mobile 0.76-0.84 on those pages).  Drawn once here instead, they
are a few KB each and the same bytes every time (no dates, no random ids).  The text is SVG
<text> in the site's own font stack (the theme loads no web font: ``font: false``), so
Chinese renders in the reader's system font, like the page around it.

    python tools/diagrams.py                          # writes the four SVGs into the cwd
    python tools/diagrams.py docs/assets/images       # ... or into that folder

tests/test_figures.py checks that each page shows exactly what this program draws.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from html import escape
from pathlib import Path

FONT = (
    'system-ui, -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", '
    '"Noto Sans CJK SC", sans-serif'
)
MONO = 'ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace'
# (fill, stroke) of a box
TONES = {
    "blue": ("#e3f2fd", "#1565c0"),
    "orange": ("#fff3e0", "#e65100"),
    "green": ("#e8f5e9", "#2e7d32"),
    "grey": ("#eceff1", "#546e7a"),
    "purple": ("#f3e5f5", "#6a1b9a"),
}
SIZES = {"head": 15, "small": 13, "code": 13}
LINE = 20  # px between the baselines of a box's lines


def text_width(text: str, kind: str) -> float:
    """A generous estimate of the drawn width (px): a Chinese character is one em wide, a
    Latin one at most 0.62 em in the fonts above."""
    size = SIZES[kind]
    return sum(size if ord(ch) > 0x2E7F else 0.62 * size for ch in text)


class Drawing:
    def __init__(self, width: int, height: int, title: str, desc: str) -> None:
        self.width, self.height = width, height
        self.title, self.desc = title, desc
        self.body: list[str] = []

    def text(self, x: float, y: float, content: str, kind: str, anchor: str = "middle") -> None:
        self.body.append(
            f'<text x="{x:g}" y="{y:g}" text-anchor="{anchor}" class="{kind}">'
            f"{escape(content, quote=False)}</text>"
        )

    def box(
        self,
        cx: float,
        cy: float,
        w: float,
        h: float,
        lines: Sequence[tuple[str, str]],
        tone: str,
        dashed: bool = False,
    ) -> None:
        """A rounded box centred on (cx, cy), its lines ((text, kind), ...) centred in it."""
        fill, stroke = TONES[tone]
        dash = ' stroke-dasharray="7 5"' if dashed else ""
        self.body.append(
            f'<rect x="{cx - w / 2:g}" y="{cy - h / 2:g}" width="{w:g}" height="{h:g}" rx="10" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="2"{dash}/>'
        )
        first = cy - (len(lines) - 1) * LINE / 2 + 5  # baseline of the first line
        for n, (content, kind) in enumerate(lines):
            if text_width(content, kind) > w - 14:
                raise ValueError(f"{content!r} does not fit a box {w} px wide")
            self.text(cx, first + n * LINE, content, kind)

    def frame(self, x: float, y: float, w: float, h: float) -> None:
        """A dashed container (a repeated part)."""
        self.body.append(
            f'<rect x="{x:g}" y="{y:g}" width="{w:g}" height="{h:g}" rx="14" fill="none" '
            'stroke="#90a4ae" stroke-width="1.5" stroke-dasharray="6 4"/>'
        )

    def arrow(self, *points: tuple[float, float], dashed: bool = False, both: bool = False) -> None:
        path = " ".join(f"{'M' if n == 0 else 'L'}{x:g},{y:g}" for n, (x, y) in enumerate(points))
        start = ' marker-start="url(#head)"' if both else ""
        kind = "flow dashed" if dashed else "flow"
        self.body.append(f'<path d="{path}" class="{kind}"{start} marker-end="url(#head)"/>')

    def svg(self) -> str:
        w, h = self.width, self.height
        head = [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" '
            f'height="{h}" role="img" aria-labelledby="title desc">',
            f'<title id="title">{escape(self.title, quote=False)}</title>',
            f'<desc id="desc">{escape(self.desc, quote=False)}</desc>',
            "<defs>",
            '<marker id="head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
            'markerHeight="7" orient="auto-start-reverse">',
            '<path d="M0,0 L10,5 L0,10 z" fill="#455a64"/>',
            "</marker>",
            "</defs>",
            "<style>",
            f"text {{ font-family: {FONT}; font-size: 13px; fill: #263238; }}",
            f".code {{ font-family: {MONO}; }}",
            ".head { font-size: 15px; font-weight: bold; }",
            ".flow { stroke: #455a64; stroke-width: 2; fill: none; }",
            ".dashed { stroke-dasharray: 6 4; }",
            "</style>",
            f'<rect x="0" y="0" width="{w}" height="{h}" rx="12" fill="#ffffff"/>',
        ]
        return "\n".join([*head, *self.body, "</svg>", ""])


def training_loop() -> Drawing:
    d = Drawing(
        760,
        372,
        "训练循环",
        "先准备一次数据、模型、损失函数和优化器；然后每个批量重复五步：取一批数据 x、y，"
        "① 前向传播 pred = model(x)，② 计算损失 loss = loss_fn(pred, y)，"
        "③ 清空旧梯度 optimizer.zero_grad()，④ 反向传播 loss.backward()，"
        "⑤ 更新参数 optimizer.step()，再取下一批，直到训练完若干轮。",
    )
    d.box(
        140,
        47,
        220,
        62,
        [("准备（只做一次）", "head"), ("数据、模型、损失函数、优化器", "small")],
        "grey",
    )
    d.frame(20, 100, 720, 252)
    d.text(724, 126, "每个批量重复一遍，直到训练完若干轮", "small", anchor="end")
    cols, top, bottom, bw, bh = (140, 380, 620), 180, 300, 200, 64
    d.box(cols[0], top, bw, bh, [("取一批数据", "head"), ("x, y", "code")], "blue")
    d.box(cols[1], top, bw, bh, [("① 前向传播", "head"), ("pred = model(x)", "code")], "blue")
    d.box(
        cols[2],
        top,
        bw,
        bh,
        [("② 计算损失", "head"), ("loss = loss_fn(pred, y)", "code")],
        "orange",
    )
    d.box(
        cols[2],
        bottom,
        bw,
        bh,
        [("③ 清空旧梯度", "head"), ("optimizer.zero_grad()", "code")],
        "orange",
    )
    d.box(cols[1], bottom, bw, bh, [("④ 反向传播", "head"), ("loss.backward()", "code")], "orange")
    d.box(cols[0], bottom, bw, bh, [("⑤ 更新参数", "head"), ("optimizer.step()", "code")], "green")
    d.arrow((140, 78), (140, 144))
    d.arrow((240, top), (276, top))
    d.arrow((480, top), (516, top))
    d.arrow((620, top + 32), (620, bottom - 36))
    d.arrow((520, bottom), (484, bottom))
    d.arrow((280, bottom), (244, bottom))
    d.arrow((140, bottom - 32), (140, top + 36))
    return d


def transfer_overview() -> Drawing:
    d = Drawing(
        760,
        320,
        "迁移学习的做法",
        "预训练的骨干网络在大数据集（例如 ImageNet）上学好，后面接着原来的分类头，"
        "输出 1000 个类别的分数，这个分类头丢掉不用；把骨干网络的参数复制过来，"
        "冻结它或用小学习率微调，后面接一个新分类头，输出自己的类别数，在小数据集上训练。",
    )
    w, h = 270, 84
    d.box(
        170,
        62,
        w,
        h,
        [
            ("预训练的骨干网络", "head"),
            ("在大数据集上学好", "small"),
            ("（例如 ImageNet）", "small"),
        ],
        "blue",
    )
    d.box(
        590,
        62,
        w,
        h,
        [("原分类头", "head"), ("1000 个类别的分数", "small"), ("（丢掉）", "small")],
        "grey",
        dashed=True,
    )
    d.box(170, 258, w, h, [("同一个骨干网络", "head"), ("冻结，或用小学习率微调", "small")], "blue")
    d.box(
        590,
        258,
        w,
        h,
        [("新分类头", "head"), ("自己的类别数", "small"), ("（在小数据集上训练）", "small")],
        "green",
    )
    d.arrow((305, 62), (451, 62))
    d.arrow((170, 104), (170, 212), dashed=True)
    d.text(182, 164, "复制参数", "small", anchor="start")
    d.arrow((305, 258), (451, 258))
    return d


def scaling_ddp() -> Drawing:
    d = Drawing(
        760,
        380,
        "数据并行（DDP）训练的一步",
        "DistributedSampler 把数据集分成第 0 份和第 1 份；进程 0（rank 0）和进程 1（rank 1）"
        "各有一份完整的模型，各自对自己那份数据做前向和反向传播；两个进程用 all-reduce "
        "把梯度求平均，所以做出同样的更新。",
    )
    left, right = 190, 570
    d.box(380, 45, 140, 50, [("数据集", "head")], "grey")
    d.arrow((310, 45), (left, 45), (left, 116))
    d.arrow((450, 45), (right, 45), (right, 116))
    d.text(380, 104, "DistributedSampler 分片", "code")
    for n, x in enumerate((left, right)):
        d.box(x, 145, 120, 50, [(f"第 {n} 份", "head")], "blue")
        d.arrow((x, 170), (x, 206))
        d.box(
            x,
            245,
            240,
            70,
            [(f"进程 {n}（rank {n}）", "head"), ("完整模型 · 前向 · 反向", "small")],
            "orange",
        )
        d.arrow((x, 280), (x, 316))
        d.box(x, 340, 160, 40, [("同样的更新", "head")], "green")
    d.arrow((314, 245), (446, 245), both=True)
    d.text(380, 235, "all-reduce", "code")
    d.text(380, 266, "梯度求平均", "small")
    return d


def contributing_pipeline() -> Drawing:
    d = Drawing(
        760,
        250,
        "一页示例怎样被测试",
        "测试框架读入 docs 下的一页，找出全部代码块（包括提示框、选项卡、引用块里的），"
        "在这一页自己的全新 Python 进程里按页面顺序运行，核对输出（>>> 或“输出”块），"
        "把结果写入验证记录 verification/*.json，构建站点时显示在页面底部。",
    )
    cols, top, bottom, w, h = (130, 380, 630), 60, 190, 220, 70
    d.box(cols[0], top, w, h, [("读入一页", "head"), ("docs/某页.md", "code")], "grey")
    d.box(
        cols[1],
        top,
        w,
        h,
        [("找出全部代码块", "head"), ("含提示框、选项卡、引用块里的", "small")],
        "blue",
    )
    d.box(
        cols[2],
        top,
        w,
        h,
        [("按页面顺序运行", "head"), ("这一页自己的全新 Python 进程", "small")],
        "blue",
    )
    d.box(cols[2], bottom, w, h, [("核对输出", "head"), ("（>>> 或“输出”块）", "small")], "orange")
    d.box(
        cols[1], bottom, w, h, [("写入验证记录", "head"), ("verification/*.json", "code")], "green"
    )
    d.box(cols[0], bottom, w, h, [("显示在页面底部", "head"), ("构建站点时", "small")], "green")
    d.arrow((240, top), (266, top))
    d.arrow((490, top), (516, top))
    d.arrow((cols[2], top + 35), (cols[2], bottom - 39))
    d.arrow((520, bottom), (494, bottom))
    d.arrow((270, bottom), (244, bottom))
    return d


DIAGRAMS = {
    "training-loop.svg": training_loop,
    "transfer-overview.svg": transfer_overview,
    "scaling-ddp.svg": scaling_ddp,
    "contributing-pipeline.svg": contributing_pipeline,
}


def main(folder: str = ".") -> None:
    for name, draw in DIAGRAMS.items():
        Path(folder, name).write_text(draw().svg(), encoding="utf-8", newline="\n")


if __name__ == "__main__":
    main(*sys.argv[1:])
