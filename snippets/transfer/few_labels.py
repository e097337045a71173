"""迁移学习的离线实验：在数字 0～4 上预训练 SmallCNN，再只用很少几张带标签的 5～9 去学认 5～9，
和“同样几张图、从随机参数开始训练”比一比。

单独运行：python snippets/transfer/few_labels.py（在当前目录写出 data/，约半分钟）
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from digits import SmallCNN, accuracy, fit, load_digits  # noqa: E402

# --8<-- [start:split]
import torch

x_train, y_train, x_test, y_test = load_digits("data/mnist-sample")

source = y_train < 5                          # 源任务：认 0～4，训练集里的这些图全部可用
x_source, y_source = x_train[source], y_train[source]
target = y_train >= 5                         # 目标任务：认 5～9，标签改成 0～4
x_target, y_target = x_train[target], y_train[target] - 5
target_test = y_test >= 5                     # 评估只用测试集里的 5～9
x_target_test, y_target_test = x_test[target_test], y_test[target_test] - 5

print("源任务训练图片", len(x_source), "| 目标任务可选图片", len(x_target),
      "| 目标任务测试图片", len(x_target_test))
# --8<-- [end:split]


# --8<-- [start:pretrain]
torch.manual_seed(0)
pretrained = SmallCNN(num_classes=5)
optimizer = torch.optim.Adam(pretrained.parameters(), lr=1e-3)
fit(pretrained, x_source, y_source, optimizer, epochs=2)
source_test = y_test < 5
source_acc = accuracy(pretrained, x_test[source_test], y_test[source_test])
print(f"预训练模型认 0～4 的测试准确率：{source_acc:.1%}")
# --8<-- [end:pretrain]


# --8<-- [start:methods]
def few_per_class(labels, n, seed):
    """每个类别随机挑 n 个样本的下标：模拟“只标注了很少几张”。"""
    g = torch.Generator().manual_seed(seed)
    picks = []
    for c in labels.unique():
        where = (labels == c).nonzero().flatten()
        picks.append(where[torch.randperm(len(where), generator=g)[:n]])
    return torch.cat(picks)


def new_model(method, seed):
    """三种起点：从头训练、微调整个网络、冻结骨干只训练新的分类头。返回模型和它的优化器。"""
    torch.manual_seed(seed)                 # 三种做法的新分类头初始值相同
    model = SmallCNN(num_classes=5)
    if method == "从头训练":
        return model, torch.optim.Adam(model.parameters(), lr=1e-3)
    model.features.load_state_dict(pretrained.features.state_dict())  # 换上预训练的骨干
    if method == "微调全部":
        return model, torch.optim.Adam([
            {"params": model.features.parameters(), "lr": 1e-4},      # 骨干：小步调整
            {"params": model.head.parameters(), "lr": 1e-3},          # 新分类头：正常学习率
        ])
    for p in model.features.parameters():                             # "冻结骨干"
        p.requires_grad_(False)
    return model, torch.optim.Adam(model.head.parameters(), lr=1e-3)


METHODS = ["从头训练", "微调全部", "冻结骨干"]


def compare(n, seeds=range(5), epochs=10):
    """每个种子挑一组 n×5 张图，三种做法在同一组图上训练，返回 {做法: [各种子的测试准确率]}。"""
    results = {method: [] for method in METHODS}
    for seed in seeds:
        idx = few_per_class(y_target, n, seed)
        for method in METHODS:
            model, optimizer = new_model(method, seed)
            fit(model, x_target[idx], y_target[idx], optimizer, epochs=epochs, batch_size=16, seed=seed)
            results[method].append(accuracy(model, x_target_test, y_target_test))
    return results
# --8<-- [end:methods]


# --8<-- [start:run]
results = compare(n=3)
for method, accs in results.items():
    print(f"{method}：平均 {sum(accs) / len(accs):.1%}，各组", " ".join(f"{a:.0%}" for a in accs))
# --8<-- [end:run]
