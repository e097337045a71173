"""用了工作进程，启动代码却没放在 if __name__ == "__main__": 下面；数据集或 collate_fn 里用了 lambda。

Linux 上的 Python 3.13 及更早的版本默认用 fork 启动子进程，不会出这两个错；Python 3.14 起 Linux 默认改用
forkserver，Windows 和 macOS 一直用 spawn，这两种方式都会出错。这里让 DataLoader 明确地用 forkserver，
在子进程里分别运行三个小程序，看看区别。
单独运行：python snippets/data/main_guard.py（在当前目录写出三个小程序）
"""

# --8<-- [start:main_guard]
import re
import subprocess
import sys
from pathlib import Path

PROGRAM = """\
from torch.utils.data import DataLoader


def main(collate_fn=None):
    loader = DataLoader(list(range(8)), batch_size=4, num_workers=2, collate_fn=collate_fn,
                        multiprocessing_context="forkserver")  # Python 3.14 起 Linux 的默认方式
    print([[int(x) for x in batch] for batch in loader])

"""
scripts = {
    "without_guard.py": PROGRAM + "main()\n",
    "with_guard.py": PROGRAM + 'if __name__ == "__main__":\n    main()\n',
    "with_lambda.py": PROGRAM + 'if __name__ == "__main__":\n    main(lambda batch: batch)\n',
}
for script, text in scripts.items():
    Path(script).write_text(text)
    result = subprocess.run([sys.executable, script], capture_output=True, text=True, timeout=300)
    print(f"{script}：退出码 {result.returncode}")
    if result.returncode == 0:
        print("  打印出", result.stdout.strip())
        continue
    child = re.search(r"An attempt.*?phase\.", result.stderr, re.S)
    if child:
        print("  工作进程里：", " ".join(child.group(0).split()))      # 报错信息跨了两行，拼成一行
    last = result.stderr.strip().splitlines()[-1]
    print("  主进程里：  ", re.sub(r" at 0x[0-9a-f]+", "", last))     # 去掉每次都不同的内存地址
# --8<-- [end:main_guard]
