"""导出：torch.export 得到 ExportedProgram（批量大小可变），再导出成 ONNX，用 ONNX Runtime 运行；比较结果、文件大小和用时。

单独运行：python snippets/deploy/export.py（先运行同目录的 train.py 训练出模型；在当前目录写出 cnn.pt2 和 cnn.onnx）
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from train import model, x_test  # noqa: E402  同目录：训练好的 CNN 和测试集

# --8<-- [start:export]
import torch

batch = torch.export.Dim("batch", min=1, max=1024)      # 第 0 维可变：1 到 1024 张图
example = (x_test[:2].clone(),)                          # 示例输入：批量至少用 2；clone 见“常见错误”
exported = torch.export.export(model, example, dynamic_shapes=({0: batch},))
torch.export.save(exported, "cnn.pt2")
print(type(exported).__name__)
print(exported.graph_signature.user_inputs, list(exported.range_constraints.values()))
# --8<-- [end:export]

# --8<-- [start:onnx]
import onnxruntime as ort

onnx_program = torch.onnx.export(exported, input_names=["image"], output_names=["logits"],
                                 verbose=False)
onnx_program.save("cnn.onnx")                            # 权重也写在这个文件里

options = ort.SessionOptions()
options.intra_op_num_threads = 1                         # 和 PyTorch 一样只用 1 个线程，比较才公平
session = ort.InferenceSession("cnn.onnx", options, providers=["CPUExecutionProvider"])
shape = [d if isinstance(d, int) else "可变" for d in session.get_inputs()[0].shape]
print(session.get_inputs()[0].name, shape, "→", session.get_outputs()[0].name)

with torch.no_grad():
    expected = model(x_test).numpy()                     # 1,000 张测试图片，PyTorch 的输出
(logits,) = session.run(None, {"image": x_test.numpy()})
print(f"最大差别 {abs(logits - expected).max():.1e}，预测相同的图片 {(logits.argmax(1) == expected.argmax(1)).sum()} 张")
# --8<-- [end:onnx]

# --8<-- [start:compare]
import os
import time


def best_us(run, x, repeat=200):
    """调用 run(x) repeat 次取最快的一次（微秒）；x 是 numpy 数组或张量。"""
    run(x)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run(x)
        times.append(time.perf_counter() - start)
    return min(times) * 1e6


loaded = torch.export.load("cnn.pt2").module()
runners = {
    "PyTorch（nn.Module）": ("cnn.pt", torch.no_grad()(model), torch.Tensor),
    "torch.export（.pt2）": ("cnn.pt2", torch.no_grad()(loaded), torch.Tensor),
    "ONNX Runtime（.onnx）": ("cnn.onnx", lambda x: session.run(None, {"image": x}), None),
}
deployed = {}
for name, (path, run, kind) in runners.items():
    one, many = x_test[:1], x_test[:256]
    if kind is None:                                     # ONNX Runtime 吃 numpy 数组
        one, many = one.numpy(), many.numpy()
    deployed[name] = os.path.getsize(path) / 1000, best_us(run, one), best_us(run, many, 10) / 1000
    kb, single, batch256 = deployed[name]
    print(f"{kb:6.1f} KB  批量 1：{single:5.0f} 微秒  批量 256：{batch256:5.1f} 毫秒  {name}")
# --8<-- [end:compare]
