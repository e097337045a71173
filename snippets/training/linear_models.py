"""线性模型的训练，一个文件从头跑到尾：

1. 第一个程序：从 8 趟行程的里程和车费，学出网约车的每公里单价和起步价；
2. 线性回归：电热水壶的水温随加热时间上升，读数带噪声；nn.Linear(1, 1) + SGD，和最小二乘的精确解对比；
3. 常见错误：忘记 zero_grad 会怎样；梯度累积为什么和大批量的梯度相同。

单独运行：python snippets/training/linear_models.py
"""

# --8<-- [start:fare_model]
import torch
from torch import nn


class FareModel(nn.Module):
    """车费 = 每公里单价 × 里程 + 起步价。两个参数都从 0 开始，靠训练学出来。"""

    def __init__(self):
        super().__init__()
        self.per_km = nn.Parameter(torch.tensor(0.0))  # 每公里多少元
        self.base = nn.Parameter(torch.tensor(0.0))    # 起步价（元）

    def forward(self, km):
        return self.per_km * km + self.base
# --8<-- [end:fare_model]


# --8<-- [start:fare_train]
km = torch.tensor([1.2, 3.5, 0.8, 2.6, 1.9, 3.1, 0.5, 2.2])  # 8 趟行程的里程（公里）
fare = 2.5 * km + 8                                          # 付的车费（元）：模型并不知道 2.5 和 8

model = FareModel()
loss_fn = nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.15)

for step in range(151):
    pred = model(km)             # 1. 前向传播
    loss = loss_fn(pred, fare)   # 2. 计算损失
    optimizer.zero_grad()        # 3. 清空旧梯度
    loss.backward()              # 4. 反向传播
    optimizer.step()             # 5. 更新参数
    if step % 25 == 0:
        print(f"第 {step:3d} 步：损失 {loss.item():.4f}")

print(f"学到的：每公里 {model.per_km.item():.2f} 元，起步价 {model.base.item():.2f} 元")
# --8<-- [end:fare_train]


# --8<-- [start:data]
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

torch.manual_seed(0)
minutes = torch.rand(200, 1) * 2.5               # 200 次读数：加热了 0～2.5 分钟
noise = 0.5 * torch.randn(200, 1)                # 温度计的读数误差：标准差 0.5 °C
temperature = 18 + 28 * minutes + noise          # 水温（°C）：从 18 °C 起，每分钟升高 28 °C
x, y = minutes.to(device), temperature.to(device)  # 在 CPU 上生成，再搬到所选设备
print(x.shape, y.shape)
# --8<-- [end:data]

# --8<-- [start:train]
model = nn.Linear(1, 1).to(device)               # 参数：weight（w，升温速度）和 bias（b，起始水温）
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
# 最小二乘的精确解：在 x 旁边补一列 1，解 [x, 1] @ [w, b] = y
design = torch.cat([x, torch.ones_like(x)], dim=1)
exact_w, exact_b = torch.linalg.lstsq(design.cpu(), y.cpu()).solution.flatten().tolist()
print(f"SGD 学到的：    w = {w:.3f}，b = {b:.3f}")
print(f"最小二乘精确解：w = {exact_w:.3f}，b = {exact_b:.3f}")
# --8<-- [end:check]


# --8<-- [start:no_zero_grad]
def fit_line(zero_grad: bool, steps: int = 300) -> list[float]:
    """和上面的线性回归同样的数据、模型和学习率（在 CPU 上），只是可以选择不清零梯度。"""
    torch.manual_seed(0)
    x = torch.rand(200, 1) * 2.5
    y = 18 + 28 * x + 0.5 * torch.randn(200, 1)
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
print("前 8 步（清零）  ：", [round(v) for v in good[:8]])
print("前 8 步（不清零）：", [round(v) for v in bad[:8]])
print(f"300 步后：清零 {good[-1]:.2f}，不清零 {bad[-1]:.0f}")
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

print("一次算 8 个：", [round(g, 4) for g in big_batch_grad.flatten().tolist()])
print("分 4 次累积：", [round(g, 4) for g in model.weight.grad.flatten().tolist()])
# --8<-- [end:accumulate]
