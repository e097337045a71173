"""每轮在验证集上评估；一个真的会过拟合的训练；早停并留下最好的那一轮的参数。

单独运行：python snippets/toolkit/early_stopping.py（在当前目录写出 data/）
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "transfer"))
from digits import accuracy, fit, load_digits  # noqa: E402

# --8<-- [start:split]
import copy

import torch
from torch import nn
import torch.nn.functional as F

x_train, y_train, x_test, y_test = load_digits("data/mnist-sample")
x_small, y_small = x_train[:300], y_train[:300].clone()   # 只拿 300 张来训练：很容易过拟合
x_val, y_val = x_train[3000:], y_train[3000:]             # 验证集：训练集里另外 1,000 张，不参与训练

# 再把其中 60 张（20%）的标签换成随机数字，模拟标错的数据；验证集和测试集的标签不动
g = torch.Generator().manual_seed(0)
noisy = torch.randperm(300, generator=g)[:60]
y_small[noisy] = torch.randint(0, 10, (60,), generator=g)
print("训练", len(x_small), "张（标签不对的", (y_small != y_train[:300]).sum().item(), "张），验证",
      len(x_val), "张，测试", len(x_test), "张")
# --8<-- [end:split]


# --8<-- [start:overfit]
def big_mlp():
    torch.manual_seed(0)
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(),
                         nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))


def validate(model):
    """验证集上的平均损失和准确率（一次前向传播算出两者）。"""
    model.eval()
    with torch.no_grad():
        logits = model(x_val)
        return F.cross_entropy(logits, y_val).item(), (logits.argmax(dim=1) == y_val).float().mean().item()


model = big_mlp()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
history = []                       # 每轮一组：(训练损失, 验证损失, 验证准确率)
for epoch in range(1, 31):
    train_loss = fit(model, x_small, y_small, optimizer, epochs=1, batch_size=32, seed=epoch)[0]
    history.append((train_loss, *validate(model)))
for epoch in (1, 2, 4, 6, 10, 20, 30):
    train_loss, loss, acc = history[epoch - 1]
    print(f"第 {epoch:2} 轮：训练损失 {train_loss:.3f}，验证损失 {loss:.3f}，验证准确率 {acc:.1%}")
# --8<-- [end:overfit]


# --8<-- [start:stopper]
class EarlyStopping:
    """验证损失连续 patience 轮没有创新低，就该停了；同时记住最低的那一轮的参数。"""

    def __init__(self, patience=5):
        self.patience = patience
        self.best_loss = float("inf")
        self.best_epoch = 0
        self.best_state = None
        self.bad_epochs = 0

    def step(self, loss, model, epoch):
        """每轮评估后调用一次；返回 True 表示该停止训练了。"""
        if loss < self.best_loss:
            self.best_loss, self.best_epoch, self.bad_epochs = loss, epoch, 0
            self.best_state = copy.deepcopy(model.state_dict())  # 复制一份，而不是引用
        else:
            self.bad_epochs += 1
        return self.bad_epochs >= self.patience
# --8<-- [end:stopper]


# --8<-- [start:run]
model = big_mlp()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
stopper = EarlyStopping(patience=5)
for epoch in range(1, 31):
    fit(model, x_small, y_small, optimizer, epochs=1, batch_size=32, seed=epoch)
    loss, acc = validate(model)
    if stopper.step(loss, model, epoch):
        break
print(f"在第 {epoch} 轮停止；验证损失最低的是第 {stopper.best_epoch} 轮（{stopper.best_loss:.3f}）")
last_acc = accuracy(model, x_test, y_test)
model.load_state_dict(stopper.best_state)            # 换回最好的那一轮的参数
print(f"测试准确率：最后一轮 {last_acc:.1%}，最好的一轮 {accuracy(model, x_test, y_test):.1%}")
# --8<-- [end:run]
