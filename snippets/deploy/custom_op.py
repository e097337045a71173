"""自己写一个算子：数值稳定的 softplus，用 torch.autograd.Function 定义前向和反向，再用 gradcheck 检查。

单独运行：python snippets/deploy/custom_op.py（打印 gradcheck 的结果）
"""

# --8<-- [start:function]
import torch


class StableSoftplus(torch.autograd.Function):
    """softplus(x) = log(1 + e^x)。前向：x 很大时直接返回 x；反向：导数是 sigmoid(x)，自己写出来。"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)                                  # 反向传播只需要输入
        return torch.where(x > 20, x, torch.log1p(torch.exp(x.clamp(max=20))))

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * torch.sigmoid(x)                     # 对任何 x 都不会溢出


softplus = StableSoftplus.apply                                  # 用 .apply 调用，不直接 new 一个对象
# --8<-- [end:function]

# --8<-- [start:gradcheck]
from torch.autograd import gradcheck

torch.manual_seed(0)
x64 = (torch.randn(16, dtype=torch.float64) * 10).requires_grad_()  # gradcheck 要用 float64
print("gradcheck:", gradcheck(softplus, (x64,)))
# --8<-- [end:gradcheck]

# --8<-- [start:wrong]
class WrongSoftplus(StableSoftplus):
    """一个常见的笔误：反向传播忘了乘上游传来的 grad_output。"""

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return torch.sigmoid(x)
# --8<-- [end:wrong]
