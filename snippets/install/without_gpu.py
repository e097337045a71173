"""在一个“看不到 GPU”的子进程里运行代码：检查程序在没有显卡的机器上会怎样。"""

# --8<-- [start:helper]
import os
import subprocess
import sys


def run_without_gpu(code: str) -> str:
    """在隐藏了所有 GPU 的子进程里运行 code，返回它输出的最后一行。"""
    env = dict(os.environ, CUDA_VISIBLE_DEVICES="")  # 空字符串 = 一块 GPU 也不给
    result = subprocess.run([sys.executable, "-c", "import torch\n" + code],
                            capture_output=True, text=True, env=env)
    # 出错时看 stderr（回溯的最后一行就是错误信息），成功时看 stdout
    text = result.stderr if result.returncode else result.stdout
    lines = text.strip().splitlines()
    return lines[-1] if lines else ""
# --8<-- [end:helper]


if __name__ == "__main__":
    print(run_without_gpu('torch.ones(3).to("cuda")'))
    print(run_without_gpu(
        'device = torch.device("cuda" if torch.cuda.is_available() else "cpu")\n'
        "print(torch.ones(3).to(device).device)"))
