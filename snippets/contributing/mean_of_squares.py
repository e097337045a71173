"""贡献指南的示例程序：被页面按命名片段引用，也能单独运行。"""

# --8<-- [start:define]
import torch


def mean_of_squares(values: torch.Tensor) -> float:
    """返回各元素平方的平均值，保留 4 位小数。"""
    return round((values.float() ** 2).mean().item(), 4)
# --8<-- [end:define]


# --8<-- [start:use]
data = torch.tensor([1, 2, 3, 4])
print("平方的平均值:", mean_of_squares(data))
# --8<-- [end:use]
