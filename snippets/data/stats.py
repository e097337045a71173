"""数据集自己的均值和标准差（逐批累加，数据放不进内存也能算），以及用 WeightedRandomSampler 平衡类别。

页面上用到的函数都在这里，单独运行时只定义它们；怎样调用见“数据管道”一章。
"""

# --8<-- [start:mean_std]
import torch
from torch.utils.data import DataLoader
from torchvision.transforms import v2


def mean_std(dataset, batch_size=500):
    """每个通道的均值和标准差。dataset 给出 [C, H, W] 的 0～1 浮点图片；逐批累加和与平方和。"""
    count, total, total_sq = 0, 0.0, 0.0
    for images, _ in DataLoader(dataset, batch_size=batch_size):
        images = images.double()                     # float64 累加：几百万个数相加，float32 会丢精度
        count += images.numel() // images.shape[1]   # 每个通道的像素个数
        total = total + images.sum(dim=(0, 2, 3))
        total_sq = total_sq + (images ** 2).sum(dim=(0, 2, 3))
    mean = total / count
    std = (total_sq / count - mean ** 2).sqrt()      # 方差 = 平方的均值 - 均值的平方
    return mean, std


to_unit = v2.Compose([v2.ToImage(), v2.ToDtype(torch.float32, scale=True)])   # 不做 Normalize
# --8<-- [end:mean_std]

# --8<-- [start:sampler]
from torch.utils.data import WeightedRandomSampler


def batch_counts(loader, num_classes=2):
    """每个批量里各类别有几个样本。"""
    return [torch.bincount(labels, minlength=num_classes).tolist() for (labels,) in loader]


def balanced_sampler(labels, seed=0):
    """每个样本的权重 = 1 / 它那一类的样本数：每一类被抽中的机会相同。"""
    class_weight = 1.0 / torch.bincount(labels).double()
    return WeightedRandomSampler(class_weight[labels], num_samples=len(labels), replacement=True,
                                 generator=torch.Generator().manual_seed(seed))
# --8<-- [end:sampler]

