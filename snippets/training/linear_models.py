"""线性模型的训练，一个文件从头跑到尾：

1. 第一个程序：SimpleNet 在随机数据上学会 y = 2x；
2. 线性回归：y = 2x + 1 + 噪声，nn.Linear(1, 1) + SGD，和最小二乘的精确解对比；
3. 常见错误：忘记 zero_grad 会怎样；梯度累积为什么和大批量的梯度相同。

单独运行：python snippets/training/linear_models.py
"""

# --8<-- [start:simple_model]
import torch
from torch import nn


class SimpleNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(1, 1)  # 一个输入、一个输出：y = w·x + b

    def forward(self, x):
        return self.linear(x)
# --8<-- [end:simple_model]


# --8<-- [start:simple_train]
torch.manual_seed(0)
x = torch.randn(100, 1)  # 100 个随机输入，形状 [100, 1]：100 个样本、每个 1 个特征
y = 2 * x                # 要学的规律：y = 2x

model = SimpleNet()
loss_fn = nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.05)

for step in range(60):
    pred = model(x)            # 1. 前向传播
    loss = loss_fn(pred, y)    # 2. 计算损失
    optimizer.zero_grad()      # 3. 清空旧梯度
    loss.backward()            # 4. 反向传播
    optimizer.step()           # 5. 更新参数
    if step % 10 == 0:
        print(f"第 {step:2d} 步：损失 {loss.item():.3f}")

w, b = model.linear.weight.item(), model.linear.bias.item()
print(f"学到的 w = {w:.3f}，|b| < 0.001：{abs(b) < 0.001}")
# --8<-- [end:simple_train]


# --8<-- [start:data]
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

torch.manual_seed(0)
x = torch.rand(200, 1) * 4 - 2                   # 200 个样本，均匀分布在 [-2, 2)
noise = 0.1 * torch.randn(200, 1)                # 标准差 0.1 的噪声
y = 2 * x + 1 + noise
x, y = x.to(device), y.to(device)                # 在 CPU 上生成，再搬到所选设备
print(x.shape, y.shape)
# --8<-- [end:data]

# --8<-- [start:train]
model = nn.Linear(1, 1).to(device)               # 参数：weight（w）和 bias（b）
loss_fn = nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)

losses = []                                      # 记下每一步的损失，稍后画曲线
for step in range(300):
    pred = model(x)
    loss = loss_fn(pred, y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    losses.append(loss.item())

w, b = model.weight.item(), model.bias.item()
print(f"w ≈ {w:.2f}，b ≈ {b:.2f}")
print(f"最后的损失 ≈ {losses[-1]:.3f}")
# --8<-- [end:train]

# --8<-- [start:check]
assert abs(w - 2) < 0.05 and abs(b - 1) < 0.05  # 和真实值 2、1 相差不到 0.05

# 最小二乘的精确解：在 x 旁边补一列 1，解 [x, 1] @ [w, b] = y
design = torch.cat([x, torch.ones_like(x)], dim=1)
exact = torch.linalg.lstsq(design.cpu(), y.cpu()).solution.flatten()
print("SGD 与精确解之差都小于 1e-3：", torch.allclose(exact, torch.tensor([w, b]), atol=1e-3))
# --8<-- [end:check]


# --8<-- [start:no_zero_grad]
def fit_line(zero_grad: bool, steps: int = 300) -> list[float]:
    """和上面的线性回归同样的数据、模型和学习率，只是可以选择不清零梯度。"""
    torch.manual_seed(0)
    x = torch.rand(200, 1) * 4 - 2
    y = 2 * x + 1 + 0.1 * torch.randn(200, 1)
    model = nn.Linear(1, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    losses = []
    for _ in range(steps):
        loss = nn.functional.mse_loss(model(x), y)
        if zero_grad:
            optimizer.zero_grad()
        loss.backward()           # 不清零时，这一步的梯度会加到之前所有步的梯度上
        optimizer.step()
        losses.append(loss.item())
    return losses


good, bad = fit_line(zero_grad=True), fit_line(zero_grad=False)
print("前 8 步（清零）  ：", [round(v, 1) for v in good[:8]])
print("前 8 步（不清零）：", [round(v, 1) for v in bad[:8]])
print(f"300 步后：清零 {good[-1]:.2f}，不清零 {bad[-1]:.2f}")
# --8<-- [end:no_zero_grad]

# --8<-- [start:accumulate]
torch.manual_seed(0)
model = nn.Linear(4, 1)
inputs, targets = torch.randn(8, 4), torch.randn(8, 1)
loss_fn = nn.MSELoss()                     # 默认对批量取平均

# 做法一：一次算 8 个样本
model.zero_grad()
loss_fn(model(inputs), targets).backward()
big_batch_grad = model.weight.grad.clone()

# 做法二：每次只算 2 个样本，分 4 次累积梯度，最后才更新
accum_steps = 4
model.zero_grad()
for x_part, y_part in zip(inputs.chunk(accum_steps), targets.chunk(accum_steps)):
    loss = loss_fn(model(x_part), y_part) / accum_steps   # 除以次数：平均的平均 = 总平均
    loss.backward()                                        # 梯度累加到 .grad 里
# 到这里才调用 optimizer.step() 和 optimizer.zero_grad()

print("两种做法的梯度相同：", torch.allclose(big_batch_grad, model.weight.grad, atol=1e-6))
# --8<-- [end:accumulate]
