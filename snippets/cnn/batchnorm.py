"""批量归一化和 Dropout：在 train() 和 eval() 下各做什么，忘了 eval() 会错成什么样。

单独运行：python snippets/cnn/batchnorm.py（在当前目录写出 data/mnist-sample/MNIST/raw/，训练 3 轮）
"""

from digits import device, load_digits, train_and_test  # 同目录
from models import build_cnn_bn

digits = load_digits()
x_train, y_train, x_test, y_test = digits

# --8<-- [start:train]
bn_model, bn_history = train_and_test(build_cnn_bn, digits, epochs=3)
print(f"带 BatchNorm2d 和 Dropout 的 CNN，训练 3 轮，测试准确率 {bn_history[-1]:.1%}")
# --8<-- [end:train]

# --8<-- [start:forget_eval]
import copy

import torch


def accuracy_in_mode(model, images, labels, batch_size, train_mode):
    """在模型的副本上量准确率：训练模式下的前向传播会改动 BatchNorm 记下的统计量。"""
    model = copy.deepcopy(model)
    model.train(train_mode)                       # train(False) 就是 eval()
    with torch.no_grad():
        preds = torch.cat([model(images[i:i + batch_size].to(device)).argmax(dim=1).cpu()
                           for i in range(0, len(images), batch_size)])
    return (preds == labels).float().mean().item()


ones = y_test == 1                                # 测试集里所有写着 1 的图
cases = {
    "eval()，1,000 张一批":         (x_test, y_test, 1000, False),
    "忘了 eval()，1,000 张一批":    (x_test, y_test, 1000, True),
    "忘了 eval()，一次一张":        (x_test, y_test, 1, True),
    "eval()，一批全是 1":           (x_test[ones], y_test[ones], 1000, False),
    "忘了 eval()，一批全是 1":      (x_test[ones], y_test[ones], 1000, True),
}
acc = {name: accuracy_in_mode(bn_model, *args) for name, args in cases.items()}
for name, value in acc.items():
    print(f"{name}：{value:.1%}")
# --8<-- [end:forget_eval]
