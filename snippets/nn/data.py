"""一个完整的自定义 Dataset，配上 DataLoader 分批、打乱，再把一个批量送到设备上的模型里。

单独运行：python snippets/nn/data.py
"""

# --8<-- [start:dataset]
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset


class PointsDataset(Dataset):
    """平面上的 n 个随机点；x + y > 0 的点标签为 1，否则为 0。"""

    def __init__(self, n, seed=0):
        generator = torch.Generator().manual_seed(seed)   # 数据集自己的随机数生成器
        self.features = torch.randn(n, 2, generator=generator)
        self.labels = (self.features.sum(dim=1) > 0).long()

    def __len__(self):
        return len(self.labels)               # 一共有多少个样本

    def __getitem__(self, index):
        return self.features[index], self.labels[index]   # 第 index 个样本：(特征, 标签)


dataset = PointsDataset(10)
features, label = dataset[3]
print(len(dataset), features.shape, label.dtype)
# --8<-- [end:dataset]


# --8<-- [start:loader]
loader = DataLoader(
    dataset,
    batch_size=4,
    shuffle=True,                                      # 每一轮都重新打乱顺序
    generator=torch.Generator().manual_seed(0),        # 打乱的顺序可以复现
)
print("批量个数：", len(loader))
for batch_features, batch_labels in loader:
    print(batch_features.shape, batch_labels.shape)
# --8<-- [end:loader]


# --8<-- [start:drop-last]
loader_full = DataLoader(dataset, batch_size=4, shuffle=True, drop_last=True,
                         generator=torch.Generator().manual_seed(0))
print("批量个数：", len(loader_full))
print([labels.shape[0] for _, labels in loader_full])
# --8<-- [end:drop-last]


# --8<-- [start:device]
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

torch.manual_seed(0)
classifier = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 2)).to(device)

batch_features, batch_labels = next(iter(loader))
batch_features = batch_features.to(device)            # 数据和模型要在同一个设备上
batch_labels = batch_labels.to(device)
logits = classifier(batch_features)
loss = nn.functional.cross_entropy(logits, batch_labels)
print(logits.shape, "损失", round(loss.item(), 4))  # 一个批量 4 个样本、2 个类别；交叉熵损失
print(loss.shape, loss.dtype)
# --8<-- [end:device]
