"""ImageNet 预训练的 EfficientNet-Lite0 能帮上手写数字吗？和随机初始化的同一个网络比一比。

单独运行：python snippets/transfer/lite_digits.py（在当前目录写出 data/，在 2 核 CPU 上约半分钟到一分钟）
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))                    # efficientnet_lite.py 在旁边
sys.path.insert(0, str(HERE.parent / "training"))  # 离线 MNIST 样本的构建程序
from efficientnet_lite import LITE_MEAN, LITE_STD, load_lite0  # noqa: E402
from mnist_sample import write_mnist_sample  # noqa: E402

# --8<-- [start:data]
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from efficientnet_lite_pytorch import EfficientNet
from torch import nn
from torchvision import datasets
from torchvision.transforms import v2

device = "cuda" if torch.cuda.is_available() else "cpu"


def digit_images(root="data/mnist-sample", train_per_class=50, test_size=500, size=32, seed=0):
    """每个数字挑 train_per_class 张训练图、随机挑 test_size 张测试图，变成 Lite0 要的输入。"""
    if not (Path(root) / "MNIST" / "raw" / "t10k-labels-idx1-ubyte").is_file():
        write_mnist_sample(root)                    # 4,000 张训练、1,000 张测试
    to_lite = v2.Compose([
        v2.Resize(size),                            # 28×28 → size×size
        v2.RGB(),                                   # 1 个通道复制成 3 个
        v2.ToDtype(torch.float32, scale=True),
        v2.Normalize(LITE_MEAN, LITE_STD),          # 和预训练时一样的标准化
    ])
    g = torch.Generator().manual_seed(seed)
    train = datasets.MNIST(root, train=True, download=True)   # 文件都在，不会下载
    picks = [torch.nonzero(train.targets == d).flatten() for d in range(10)]
    idx = torch.cat([p[torch.randperm(len(p), generator=g)[:train_per_class]] for p in picks])
    test = datasets.MNIST(root, train=False, download=True)
    test_idx = torch.randperm(len(test.targets), generator=g)[:test_size]
    return (to_lite(train.data[idx].unsqueeze(1)), train.targets[idx],
            to_lite(test.data[test_idx].unsqueeze(1)), test.targets[test_idx])
# --8<-- [end:data]


# --8<-- [start:probe]
def lite0(pretrained):
    """同一个结构：载入 ImageNet 预训练权重，或者保持随机初始化。"""
    torch.manual_seed(0)
    model = load_lite0() if pretrained else EfficientNet.from_name("efficientnet-lite0")
    return model.to(device).eval()


def extract(model, x, batch_size=50):
    """冻结的骨干：每张图变成 1280 个特征（最后一层卷积的输出，对空间位置求平均）。"""
    with torch.no_grad():
        return torch.cat([model.extract_features(b.to(device)).mean(dim=(2, 3))
                          for b in x.split(batch_size)])


def linear_probe(f_train, y_train, f_test, y_test, steps=100):
    """只训练一个线性分类头（全部训练图一次算完，走 steps 步），返回测试准确率。"""
    mean, std = f_train.mean(dim=0), f_train.std(dim=0) + 1e-6   # 按训练集标准化每个特征
    torch.manual_seed(0)
    head = nn.Linear(f_train.shape[1], 10).to(device)
    optimizer = torch.optim.Adam(head.parameters(), lr=1e-2)
    y_train, y_test = y_train.to(device), y_test.to(device)
    for _ in range(steps):
        loss = F.cross_entropy(head((f_train - mean) / std), y_train)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        return (head((f_test - mean) / std).argmax(dim=1) == y_test).float().mean().item()
# --8<-- [end:probe]


# --8<-- [start:run]
def label(text, width=18):
    """补空格到 width 格宽：等宽字体里一个汉字占两格。"""
    return text + " " * (width - len(text) - sum(ord(c) > 127 for c in text))


x_train, y_train, x_test, y_test = digit_images()
sizes = (5, 10, 20, 50)    # 每个数字用前几张训练图（500 张按数字排好，每个数字 50 张）
print(label("每个数字的训练图") + "".join(f"{n:>6} 张" for n in sizes) + "   提特征用时")
for name, pretrained in [("ImageNet 预训练", True), ("随机初始化", False)]:
    backbone = lite0(pretrained)
    start = time.perf_counter()
    f_train, f_test = extract(backbone, x_train), extract(backbone, x_test)   # 骨干只算这一次
    seconds = time.perf_counter() - start
    accs = []
    for n in sizes:
        few = torch.cat([torch.arange(d * 50, d * 50 + n) for d in range(10)])
        accs.append(linear_probe(f_train[few], y_train[few], f_test, y_test))
    print(label(name) + "".join(f"{a:>9.1%}" for a in accs) + f"{seconds:>10.1f} 秒")
# --8<-- [end:run]


# --8<-- [start:finetune]
from torch.optim.swa_utils import update_bn


def fine_tune(pretrained, x, y, epochs=2, batch_size=20, lr=2e-3):
    """微调整个网络：换上 10 类的新分类头，全部 465 万个参数一起训练。"""
    model = lite0(pretrained)
    torch.manual_seed(0)
    model._fc = nn.Linear(model._fc.in_features, 10).to(device)   # 新的分类头
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    order = torch.Generator().manual_seed(0)
    model.train()
    for _ in range(epochs):
        for idx in torch.randperm(len(x), generator=order).split(batch_size):
            loss = F.cross_entropy(model(x[idx].to(device)), y[idx].to(device))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    # BatchNorm 的滑动平均跟不上（见正文）：在训练图上把统计量重新算一遍
    update_bn([b.to(device) for b in x.split(50)], model)
    return model.eval()


def evaluate(model, x, y):
    with torch.no_grad():
        pred = torch.cat([model(b.to(device)).argmax(dim=1).cpu() for b in x.split(50)])
    return (pred == y).float().mean().item()
# --8<-- [end:finetune]


# --8<-- [start:run-finetune]
few = torch.cat([torch.arange(d * 50, d * 50 + 20) for d in range(10)])   # 每个数字 20 张，共 200 张
for name, pretrained in [("ImageNet 预训练", True), ("随机初始化", False)]:
    start = time.perf_counter()
    tuned = fine_tune(pretrained, x_train[few], y_train[few])     # 2 轮，每轮 10 步
    seconds = time.perf_counter() - start
    print(f"微调全部，{name}：测试准确率 {evaluate(tuned, x_test, y_test):.1%}，训练用时 {seconds:.1f} 秒")
# --8<-- [end:run-finetune]
