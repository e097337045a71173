"""torch.func：用 grad 和 vmap 一次算出一批图片里每一张各自的梯度（逐样本梯度），和逐张反向传播的循环比较。

单独运行：python snippets/deploy/per_example.py（在当前目录写出 data/，打印两种做法的差别和用时）
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cnn"))  # 卷积神经网络一章的程序
from digits import load_digits  # noqa: E402
from models import build_cnn  # noqa: E402

x_train, y_train, x_test, y_test = load_digits()

# --8<-- [start:vmap]
import time

import torch
import torch.nn.functional as F
from torch.func import functional_call, grad, vmap

torch.manual_seed(0)
net = build_cnn()                              # 随机初始化的 CNN：这里只比较两种算法
params = {name: p.detach() for name, p in net.named_parameters()}
images, labels = x_train[:64], y_train[:64]


def loss_of_one(params, image, label):
    """一张图片（没有批量维）的损失：临时加上批量维，用给定的参数调用 net。"""
    logits = functional_call(net, params, (image.unsqueeze(0),))
    return F.cross_entropy(logits, label.unsqueeze(0))


start = time.perf_counter()
# grad 对第 0 个参数（params）求导；vmap 沿 image 和 label 的第 0 维批量执行，params 不动
per_example = vmap(grad(loss_of_one), in_dims=(None, 0, 0))(params, images, labels)
vmap_seconds = time.perf_counter() - start

start = time.perf_counter()
looped = {name: [] for name in params}
for image, label in zip(images, labels):       # 逐张做一次前向、一次反向
    net.zero_grad()
    F.cross_entropy(net(image.unsqueeze(0)), label.unsqueeze(0)).backward()
    for name, p in net.named_parameters():
        looped[name].append(p.grad.clone())
loop_seconds = time.perf_counter() - start

difference = max((per_example[name] - torch.stack(looped[name])).abs().max().item()
                 for name in params)
print("第一层卷积核的逐样本梯度:", tuple(per_example["0.weight"].shape))
print(f"和循环的最大差别 {difference:.1e}")
print(f"vmap {vmap_seconds * 1000:.0f} 毫秒，循环 {loop_seconds * 1000:.0f} 毫秒")
# --8<-- [end:vmap]
