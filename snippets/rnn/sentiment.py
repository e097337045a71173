"""情感分类：词袋基线、LSTM 和一个小 Transformer 编码器，在同样的真实中文评论上比较。

单独运行：python snippets/rnn/sentiment.py（训练三个模型，打印准确率、参数量和用时）
"""

import sys
from pathlib import Path

# 数据、词袋基线和训练函数在“文本与词向量”一章的程序里：从任何目录运行本文件都能找到它们
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "text"))
from baseline import BagOfEmbeddings, evaluate, train  # noqa: E402
from reviews import collate, review_splits  # noqa: E402

# --8<-- [start:models]
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence
from torch.utils.data import DataLoader


class LSTMClassifier(nn.Module):
    """LSTM 按顺序读完一条评论，用它读到最后一个字时的隐藏状态分类。"""

    def __init__(self, vocab_size, dim=64, hidden=64):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.lstm = nn.LSTM(dim, hidden, batch_first=True)
        self.head = nn.Linear(hidden, 2)

    def forward(self, ids, lengths):
        packed = pack_padded_sequence(self.embed(ids), lengths.cpu(), batch_first=True,
                                      enforce_sorted=False)  # 每条评论在自己的最后一个字停下
        _, (h_n, _) = self.lstm(packed)                      # h_n：[层数, 批量, hidden]
        return self.head(h_n[-1])


class TransformerClassifier(nn.Module):
    """小 Transformer 编码器：词向量加位置向量，自注意力层，对真实的字取平均后分类。"""

    def __init__(self, vocab_size, dim=64, heads=4, layers=1, max_len=32):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.position = nn.Embedding(max_len, dim)          # 第几个字：每个位置一个可训练的向量
        layer = nn.TransformerEncoderLayer(dim, heads, dim_feedforward=2 * dim, dropout=0.1,
                                           batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.head = nn.Linear(dim, 2)

    def forward(self, ids, lengths):
        pad = ids == 0                                       # True 的位置是填充，注意力不看它们
        positions = torch.arange(ids.shape[1], device=ids.device)
        x = self.encoder(self.embed(ids) + self.position(positions), src_key_padding_mask=pad)
        keep = (~pad).unsqueeze(-1)
        return self.head((x * keep).sum(dim=1) / lengths.unsqueeze(1))
# --8<-- [end:models]


# --8<-- [start:compare]
device = "cuda" if torch.cuda.is_available() else "cpu"
train_set, test_set = review_splits(n_train=5000, n_test=1000, max_len=32)
test_loader = DataLoader(test_set, batch_size=256, collate_fn=collate)
vocab_size = len(train_set.vocab)

results = {}
for name, make in [("词袋", BagOfEmbeddings), ("LSTM", LSTMClassifier),
                   ("Transformer", TransformerClassifier)]:
    torch.manual_seed(0)
    model = make(vocab_size)
    losses, seconds = train(model, train_set, epochs=2, device=device)
    accuracy, probs = evaluate(model, test_loader, device)
    params = sum(p.numel() for p in model.parameters())
    results[name] = {"model": model, "losses": losses, "accuracy": accuracy, "probs": probs}
    print(f"{name:<12}测试准确率 {accuracy:.1%}  参数 {params:>7,}  训练用时 {seconds:4.1f} 秒")
# --8<-- [end:compare]


# --8<-- [start:mistakes]
def confident_mistakes(probs, dataset, k=3):
    """模型最有把握、却判错了的 k 条评论：(预测为好评的概率, 真实标签, 原文)。"""
    wrong = [(p, label, text) for p, (text, label) in zip(probs, dataset.reviews)
             if (p > 0.5) != (label == 1)]
    return sorted(wrong, key=lambda w: -abs(w[0] - 0.5))[:k]
# --8<-- [end:mistakes]
