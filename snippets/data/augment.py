"""数据增强有没有用：同一个 CNN、同样的切分和种子，训练集做 / 不做随机仿射变换，各训练 8 轮。

单独运行：python snippets/data/augment.py（在当前目录写出 data/ 和 digits/；训练两次）
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cnn"))  # 卷积神经网络一章的程序
from models import build_cnn  # noqa: E402
from files import export_digits, make_datasets, read_gray, to_input  # noqa: E402  同目录

export_digits()

# --8<-- [start:train]
import os
import time

import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
workers = min(2, os.cpu_count())                  # 两个工作进程读图、做增强


def evaluate(model, loader) -> float:
    model.eval()
    correct = 0
    with torch.no_grad():
        for images, labels in loader:
            correct += (model(images.to(device)).argmax(dim=1).cpu() == labels).sum().item()
    return correct / len(loader.dataset)


def train_cnn(augment: bool, epochs=8, seed=0):
    """训练 epochs 轮，每轮结束在验证集上量一次准确率。"""
    train_set, val_set, _ = make_datasets(augment=augment, seed=seed)
    train_loader = DataLoader(
        train_set, batch_size=64, shuffle=True,
        num_workers=workers, persistent_workers=True,
        pin_memory=torch.cuda.is_available(),
        generator=torch.Generator().manual_seed(seed))                  # 打乱和增强都可复现
    val_loader = DataLoader(val_set, batch_size=400)
    torch.manual_seed(seed)
    model = build_cnn().to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    val_history = []
    threads = torch.get_num_threads()
    torch.set_num_threads(max(1, os.cpu_count() - workers))   # 训练时把核让一些给工作进程
    try:
        for epoch in range(epochs):
            model.train()
            for images, labels in train_loader:
                images = images.to(device, non_blocking=True)
                labels = labels.to(device, non_blocking=True)
                loss = F.cross_entropy(model(images), labels)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
            val_history.append(evaluate(model, val_loader))
    finally:
        torch.set_num_threads(threads)                         # 训练完（或出错时）改回来
    return model, val_history


runs = {}
for augment in (False, True):
    start = time.perf_counter()
    model, val_history = train_cnn(augment)
    runs[augment] = model, val_history, time.perf_counter() - start
    print(f"数据增强 {'开' if augment else '关'}：每轮的验证准确率 "
          + " ".join(f"{acc:.1%}" for acc in val_history) + f"，用时 {runs[augment][2]:.0f} 秒")
# --8<-- [end:train]

# --8<-- [start:test]
from torchvision import datasets
from torchvision.transforms import v2


def shift(image):                                  # 整张图往右下各挪 3 个像素
    return v2.functional.affine(image, angle=0.0, translate=[3, 3], scale=1.0, shear=[0.0, 0.0])


test_sets = {
    "原样": v2.Compose(to_input),
    "挪 3 像素": v2.Compose([shift, *to_input]),
}
results = {}
for name, transform in test_sets.items():
    test_set = datasets.ImageFolder("digits/test", transform=transform, loader=read_gray)
    test_loader = DataLoader(test_set, batch_size=1000)
    results[name] = [evaluate(runs[augment][0], test_loader) for augment in (False, True)]
    print(f"测试集（{name}）：不增强 {results[name][0]:.1%}，增强 {results[name][1]:.1%}")
# --8<-- [end:test]
