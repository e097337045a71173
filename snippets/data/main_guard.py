"""Windows 和 macOS 上的经典陷阱：用了工作进程，启动代码却没放在 if __name__ == "__main__": 下面。

Linux 默认用 fork 启动子进程，不会出这个错；这里让 DataLoader 改用 spawn（Windows、macOS 的默认方式），
在子进程里分别运行两个小程序，看看有没有这一行的区别。
单独运行：python snippets/data/main_guard.py（在当前目录写出两个小程序）
"""

# --8<-- [start:main_guard]
import re
import subprocess
import sys
from pathlib import Path

PROGRAM = """\\
from torch.utils.data import DataLoader


def main():
    loader = DataLoader(list(range(8)), batch_size=4, num_workers=2,
                        multiprocessing_context="spawn")  # Windows、macOS 默认就是 spawn
    print([batch.tolist() for batch in loader])

"""
Path("without_guard.py").write_text(PROGRAM + "main()\n")
Path("with_guard.py").write_text(PROGRAM + 'if __name__ == "__main__":\n    main()\n')

for script in ("without_guard.py", "with_guard.py"):
    result = subprocess.run([sys.executable, script], capture_output=True, text=True, timeout=300)
    print(f"{script}：退出码 {result.returncode}")
    if result.returncode == 0:
        print("  打印出", result.stdout.strip())
    else:
        child = re.search(r"An attempt.*?phase\.", result.stderr, re.S).group(0)
        print("  工作进程里：", " ".join(child.split()))              # 报错信息跨了两行，拼成一行
        print("  主进程里：  ", result.stderr.strip().splitlines()[-1])
# --8<-- [end:main_guard]
