"""字级语言模型：计数的二元模型、LSTM 和一个小的只有解码器的 Transformer，在同一份《人民日报》语料上比较。

单独运行：python snippets/attention/lm.py（读语料、训练两个网络，打印三个模型的参数量、训练用时和困惑度；
在 2 核 CPU 上不到一分钟）
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import load_text  # 同目录的程序：读入去掉标注的语料

# --8<-- [start:text]
import math
import time
from collections import Counter

import torch
import torch.nn.functional as F
from torch import nn

device = "cuda" if torch.cuda.is_available() else "cpu"
text = load_text()
# --8<-- [end:text]

# --8<-- [start:data]
train_text = text[:300_000]    # 开头 30 万字（1 月 1 日起的报道）用来训练
heldout_text = text[-30_000:]  # 最后 3 万字（月底的报道）只用来评估

counts = Counter(train_text)
itos = ["<unk>"] + sorted(ch for ch, n in counts.items() if n >= 5)  # 出现不到 5 次的字都算 <unk>
stoi = {ch: i for i, ch in enumerate(itos)}
UNK = 0


def encode(s):
    return torch.tensor([stoi.get(ch, UNK) for ch in s])


def decode(ids):
    return "".join(itos[i] for i in ids)


train_ids, heldout_ids = encode(train_text), encode(heldout_text)
print(f"词表 {len(itos)} 个字；评估文字里 <unk> 占 {(heldout_ids == UNK).float().mean():.1%}")
# --8<-- [end:data]


# --8<-- [start:model]
class CausalSelfAttention(nn.Module):
    """多头自注意力：每个位置只看它自己和它前面的位置。"""

    def __init__(self, d_model, n_heads):
        super().__init__()
        self.n_heads = n_heads
        self.qkv = nn.Linear(d_model, 3 * d_model)  # 一次算出 Q、K、V
        self.out = nn.Linear(d_model, d_model)

    def split_heads(self, x):
        batch, length, d_model = x.shape
        q, k, v = self.qkv(x).split(d_model, dim=-1)
        # (批量, 长度, d_model) → (批量, 头数, 长度, 每头的维度)
        return [t.view(batch, length, self.n_heads, -1).transpose(1, 2) for t in (q, k, v)]

    def forward(self, x):
        q, k, v = self.split_heads(x)
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        return self.out(y.transpose(1, 2).flatten(2))  # 各头的结果拼回 d_model 维

    def weights(self, x):
        """注意力权重 (批量, 头数, 长度, 长度)：画热图用，训练时不需要。"""
        q, k, _ = self.split_heads(x)
        scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
        causal = torch.ones(x.shape[1], x.shape[1], dtype=torch.bool, device=x.device).tril()
        return scores.masked_fill(~causal, float("-inf")).softmax(dim=-1)


class Block(nn.Module):
    def __init__(self, d_model, n_heads):
        super().__init__()
        self.norm1, self.norm2 = nn.LayerNorm(d_model), nn.LayerNorm(d_model)
        self.attn = CausalSelfAttention(d_model, n_heads)
        self.ffn = nn.Sequential(nn.Linear(d_model, 4 * d_model), nn.GELU(),
                                 nn.Linear(4 * d_model, d_model))

    def forward(self, x):
        x = x + self.attn(self.norm1(x))  # 残差连接：注意力只负责“补充”信息
        return x + self.ffn(self.norm2(x))


class TinyGPT(nn.Module):
    def __init__(self, vocab_size, context=32, d_model=64, n_heads=4, n_layers=2):
        super().__init__()
        self.context = context
        self.tok = nn.Embedding(vocab_size, d_model)
        self.pos = nn.Embedding(context, d_model)  # 位置编码：每个位置一个可学习的向量
        for table in (self.tok, self.pos):
            nn.init.normal_(table.weight, std=0.02)
        self.blocks = nn.ModuleList(Block(d_model, n_heads) for _ in range(n_layers))
        self.norm = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, vocab_size)

    def forward(self, idx):                      # idx: (批量, 长度) 的字编号
        positions = torch.arange(idx.shape[1], device=idx.device)
        x = self.tok(idx) + self.pos(positions)  # (批量, 长度, d_model)
        for block in self.blocks:
            x = block(x)
        return self.head(self.norm(x))           # 每个位置对下一个字的打分 (批量, 长度, 词表大小)
# --8<-- [end:model]


# --8<-- [start:others]
class LSTMLanguageModel(nn.Module):
    def __init__(self, vocab_size, d_model=64, hidden=64):
        super().__init__()
        self.context = None  # 循环网络没有固定的上下文窗口
        self.tok = nn.Embedding(vocab_size, d_model)
        self.lstm = nn.LSTM(d_model, hidden, batch_first=True)
        self.head = nn.Linear(hidden, vocab_size)

    def forward(self, idx):
        return self.head(self.lstm(self.tok(idx))[0])


class BigramModel(nn.Module):
    """只看前一个字：下一个字的概率 = 训练文字里“前一个字后面跟着它”的次数占比。"""

    def __init__(self, ids, vocab_size, smoothing=0.1):
        super().__init__()
        self.context = 1
        pairs = torch.full((vocab_size, vocab_size), smoothing)  # 加一点平滑：没见过的组合也有概率
        pairs.index_put_((ids[:-1], ids[1:]), torch.ones(len(ids) - 1), accumulate=True)
        self.register_buffer("log_probs", (pairs / pairs.sum(dim=1, keepdim=True)).log())

    def forward(self, idx):
        return self.log_probs[idx]  # 对数概率也是一种打分：softmax 之后就是原来的概率
# --8<-- [end:others]


# --8<-- [start:train]
def batches(ids, length, batch_size, generator):
    """随机截取 batch_size 段长 length + 1 的文字：前 length 个字是输入，后 length 个字是目标。"""
    starts = torch.randint(len(ids) - length - 1, (batch_size,), generator=generator)
    chunks = torch.stack([ids[s:s + length + 1] for s in starts.tolist()])
    return chunks[:, :-1].to(device), chunks[:, 1:].to(device)


def train(model, steps=500, length=32, batch_size=32, lr=3e-3):
    generator = torch.Generator().manual_seed(0)  # 在 CPU 上抽位置：换到 GPU 上也是同样的批量
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr)
    start = time.perf_counter()
    for _ in range(steps):
        x, y = batches(train_ids, length, batch_size, generator)
        loss = F.cross_entropy(model(x).flatten(0, 1), y.flatten())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return time.perf_counter() - start


@torch.no_grad()
def perplexity(model, ids=heldout_ids, length=32):
    """困惑度 = exp(平均每个字的交叉熵)。所有模型都在同一批不重叠的 32 字窗口上评估。"""
    model.eval()
    n = (len(ids) - 1) // length
    x = ids[:n * length].view(n, length).to(device)
    y = ids[1:n * length + 1].view(n, length).to(device)
    loss = F.cross_entropy(model(x).flatten(0, 1), y.flatten())
    model.train()
    return math.exp(loss.item())
# --8<-- [end:train]


# --8<-- [start:generate]
@torch.no_grad()
def generate(model, prompt, n_chars, temperature=1.0, top_k=None, seed=0):
    """从 prompt 接着写 n_chars 个字：每一步按模型给出的概率抽一个字。"""
    model.eval()
    generator = torch.Generator().manual_seed(seed)  # CPU 上的随机数：抽样可以复现
    idx = encode(prompt)[None].to(device)
    for _ in range(n_chars):
        window = idx if model.context is None else idx[:, -model.context:]
        logits = model(window)[0, -1].double().cpu() / temperature  # 只要最后一个位置的打分
        logits[UNK] = float("-inf")                         # 不让模型写出 <unk>
        if top_k is not None:
            kth = logits.topk(top_k).values[-1]
            logits[logits < kth] = float("-inf")            # 只在得分最高的 k 个字里抽
        next_id = torch.multinomial(logits.softmax(dim=-1), 1, generator=generator)
        idx = torch.cat([idx, next_id[None].to(device)], dim=1)
    model.train()
    return decode(idx[0].tolist())
# --8<-- [end:generate]


# --8<-- [start:compare]
def main():
    start = time.perf_counter()
    bigram = BigramModel(train_ids, len(itos)).to(device)  # 数一遍就“训练”好了
    seconds = {"二元模型": time.perf_counter() - start}
    torch.manual_seed(0)
    lstm = LSTMLanguageModel(len(itos)).to(device)
    seconds["LSTM"] = train(lstm, lr=1e-2)  # 循环网络在这里用大一些的学习率更好
    torch.manual_seed(0)
    gpt = TinyGPT(len(itos)).to(device)
    seconds["Transformer"] = train(gpt)
    for (name, s), model in zip(seconds.items(), (bigram, lstm, gpt)):
        size = sum(p.numel() for p in model.parameters()) or model.log_probs.numel()
        print(f"{name}：{size:,} 个参数，训练 {s:.1f} 秒，困惑度 {perplexity(model):.1f}")
    return bigram, lstm, gpt
# --8<-- [end:compare]


if __name__ == "__main__":
    main()
