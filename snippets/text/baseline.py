"""词袋基线：把一条评论里所有字的词向量取平均，再用一个线性层分类；训练和评估函数。

“循环神经网络”一章的模型也用这里的 train 和 evaluate。
单独运行：python snippets/text/baseline.py（训练两轮，打印测试准确率）
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reviews import collate, review_splits  # noqa: E402

# --8<-- [start:model]
import time

import torch
from torch import nn
from torch.utils.data import DataLoader


class BagOfEmbeddings(nn.Module):
    """词袋基线：一条评论里所有字的词向量取平均，再接一个线性层。不管字的顺序。"""

    def __init__(self, vocab_size, dim=64):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.head = nn.Linear(dim, 2)                  # 两个类别：差评、好评

    def forward(self, ids, lengths):
        mask = (ids != 0).unsqueeze(-1)                # [B, T, 1]：真实的字为 True，填充为 False
        summed = (self.embed(ids) * mask).sum(dim=1)   # [B, dim]：只加真实的字
        return self.head(summed / lengths.unsqueeze(1))
# --8<-- [end:model]


# --8<-- [start:train]
def train(model, train_set, epochs=2, lr=3e-3, batch_size=64, clip=1.0, device="cpu"):
    """训练 epochs 轮，返回每一步的损失和训练用时（秒）。"""
    model.to(device)
    loader = DataLoader(train_set, batch_size=batch_size, shuffle=True, collate_fn=collate,
                        generator=torch.Generator().manual_seed(0))
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses, start = [], time.perf_counter()
    for _ in range(epochs):
        model.train()
        for ids, lengths, labels in loader:
            ids, lengths, labels = ids.to(device), lengths.to(device), labels.to(device)
            loss = nn.functional.cross_entropy(model(ids, lengths), labels)
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), clip)   # 梯度裁剪，见“循环神经网络”一章
            optimizer.step()
            losses.append(loss.item())
    return losses, time.perf_counter() - start


def evaluate(model, loader, device="cpu"):
    """测试准确率，和每条评论预测为好评的概率。"""
    model.eval()
    correct, probs = 0, []
    with torch.no_grad():
        for ids, lengths, labels in loader:
            p = model(ids.to(device), lengths.to(device)).softmax(dim=1)[:, 1].cpu()
            correct += ((p > 0.5).long() == labels).sum().item()
            probs += p.tolist()
    return correct / len(loader.dataset), probs
# --8<-- [end:train]


if __name__ == "__main__":
    device = "cuda" if torch.cuda.is_available() else "cpu"
    train_set, test_set = review_splits()
    torch.manual_seed(0)
    model = BagOfEmbeddings(len(train_set.vocab))
    losses, seconds = train(model, train_set, device=device)
    accuracy, _ = evaluate(model, DataLoader(test_set, batch_size=256, collate_fn=collate), device)
    print(f"词袋基线：测试准确率 {accuracy:.1%}，训练用时 {seconds:.1f} 秒")
