"""首页：数据 + 模型 + 算力，以及"训练"和"推理"的区别。

称水果、算价钱：一个只有一个参数的模型 价格 = w × 重量，从几笔买卖记录里学出单价 w ≈ 6。
单独运行：python snippets/home/first_model.py
"""

# --8<-- [start:data]
import torch

# 算力：有 GPU 就用 GPU，没有就用 CPU，代码不用改
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

# 数据：三笔买卖记录，重量（公斤）和付的钱（元）。单价是 6 元/公斤，但模型事先并不知道
weight = torch.tensor([1.0, 2.5, 4.0]).to(device)
price = torch.tensor([6.0, 15.0, 24.0]).to(device)
# --8<-- [end:data]

# --8<-- [start:train]
# 模型：价格 = w × 重量，参数 w（单价）从 0 开始
w = torch.zeros(1, device=device, requires_grad=True)

# 训练：反复"预测 → 算误差 → 求梯度 → 调参数"
for step in range(1, 21):
    w_before = w.item()  # 记下这一步开始时的 w，打印时用
    loss = ((w * weight - price) ** 2).mean()  # 用当前的 w 算均方误差
    loss.backward()  # 自动求出 d(loss)/dw，存进 w.grad
    with torch.no_grad():
        w -= 0.05 * w.grad  # 沿梯度的反方向走一小步
        w.grad.zero_()  # 清零，准备下一步
    if step in (1, 2, 5, 20):
        print(
            f"第 {step:2d} 步：w = {w_before:.4f} 时 loss = {loss.item():.4f}，"
            f"更新后 w = {w.item():.4f}"
        )
# --8<-- [end:train]

# --8<-- [start:infer]
# 推理：参数已经固定，拿去预测没见过的输入，不再需要梯度
with torch.no_grad():
    prediction = w * torch.tensor([3.0], device=device)
print(f"3 公斤的预测价格：{prediction.item():.2f} 元")
# --8<-- [end:infer]
