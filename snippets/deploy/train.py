"""本章要部署的模型：卷积神经网络一章的 CNN，在那份真实手写数字上快速训练 3 轮，存成 cnn.pt；再取几张测试图片存成 PNG 文件。

单独运行：python snippets/deploy/train.py（在当前目录写出 data/、cnn.pt 和 digit-*.png；本章别的程序都从它开始）
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cnn"))  # 卷积神经网络一章的程序
from digits import load_digits, train_and_test  # noqa: E402
from models import build_cnn  # noqa: E402

# --8<-- [start:train]
import time

import torch

start = time.perf_counter()
digits = load_digits()                         # 4,000 张训练、1,000 张测试，已经标准化
x_train, y_train, x_test, y_test = digits
trained, history = train_and_test(build_cnn, digits, epochs=3)
model = trained.cpu().eval()                   # 部署到 CPU 上，只做推理
torch.save(model.state_dict(), "cnn.pt")
print(f"训练 3 轮用时 {time.perf_counter() - start:.1f} 秒，测试准确率 {history[-1]:.1%}")
# --8<-- [end:train]

# --8<-- [start:pngs]
from torchvision import datasets


def save_test_pngs(indices, root="data/mnist-sample") -> list[str]:
    """把测试集里的几张原始图片（28×28 的灰度 PIL 图片，还没有标准化）存成 PNG 文件。"""
    test = datasets.MNIST(root, train=False, download=True)   # load_digits 已经写好了原始文件
    names = []
    for i in indices:
        image, label = test[i]
        names.append(f"digit-{i}-label-{label}.png")           # 文件名里记下真实标签，方便核对
        image.save(names[-1])
    return names


pngs = save_test_pngs([0, 1, 2])
print(pngs)
# --8<-- [end:pngs]
