"""同一份真实手写数字上，MLP（训练模型一章的 784 → 128 → 10）和 CNN 用同样的方式训练 8 轮，并排比较。

单独运行：python snippets/cnn/compare.py（在当前目录写出 data/mnist-sample/MNIST/raw/）
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "training"))  # 训练模型一章的程序
from mnist import build_model  # noqa: E402  那一章的 MLP
from digits import load_digits, train_and_test  # noqa: E402  同目录
from models import build_cnn  # noqa: E402

# --8<-- [start:load]
digits = load_digits()
x_train, y_train, x_test, y_test = digits
print(x_train.shape, y_train.shape, x_test.shape, y_test.shape)
# --8<-- [end:load]

# --8<-- [start:compare]
import time

results = {}
for name, build in [("MLP", build_model), ("CNN", build_cnn)]:
    start = time.perf_counter()
    model, history = train_and_test(build, digits, epochs=8)
    seconds = time.perf_counter() - start
    n_params = sum(p.numel() for p in model.parameters())
    results[name] = model, history, seconds
    print(f"{name}：参数 {n_params:>7,}，训练 8 轮用时 {seconds:.1f} 秒，测试准确率 {history[-1]:.1%}")
# --8<-- [end:compare]
