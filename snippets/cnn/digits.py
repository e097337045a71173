"""训练模型一章的那份真实手写数字（4,000 张训练、1,000 张测试，同样的打乱和切分），以及本章共用的训练函数。

单独运行：python snippets/cnn/digits.py（在当前目录写出 data/mnist-sample/MNIST/raw/，把 CNN 训练 1 轮）
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "training"))  # 训练模型一章的程序
from mnist_sample import write_mnist_sample  # noqa: E402

# --8<-- [start:data]
import torch
from torchvision import datasets


def load_digits(root="data/mnist-sample"):
    """训练模型一章的那份样本（同样的打乱、同样的切分），整体转成张量：数据小，一次放进内存。"""
    write_mnist_sample(root)                      # 4,000 张训练、1,000 张测试
    train = datasets.MNIST(root, train=True, download=True)
    test = datasets.MNIST(root, train=False, download=True)

    def to_input(images):                         # uint8 [N, 28, 28] → float32 [N, 1, 28, 28]
        scaled = images.unsqueeze(1).float() / 255                 # 0～1
        return (scaled - 0.1307) / 0.3081   # 和那一章的 v2 同样标准化（最多差 2.4e-7，见正文）

    return to_input(train.data), train.targets, to_input(test.data), test.targets
# --8<-- [end:data]

# --8<-- [start:fit]
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")


def accuracy(model, images, labels) -> float:
    model.eval()
    with torch.no_grad():
        preds = model(images.to(device)).argmax(dim=1).cpu()
    return (preds == labels).float().mean().item()


def train_and_test(build, data, epochs=8, seed=0):
    """固定种子建模型，Adam 训练 epochs 轮；每轮结束在测试集上量一次准确率。"""
    x_train, y_train, x_test, y_test = data
    torch.manual_seed(seed)
    model = build().to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loader = DataLoader(TensorDataset(x_train, y_train), batch_size=64, shuffle=True,
                        generator=torch.Generator().manual_seed(seed))
    history = []
    for epoch in range(epochs):
        model.train()
        for images, labels in loader:
            images, labels = images.to(device), labels.to(device)
            loss = F.cross_entropy(model(images), labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        history.append(accuracy(model, x_test, y_test))
    return model, history
# --8<-- [end:fit]


if __name__ == "__main__":
    from models import build_cnn  # 同目录

    model, history = train_and_test(build_cnn, load_digits(), epochs=1)
    print(f"CNN 训练 1 轮，测试准确率 {history[-1]:.1%}")
