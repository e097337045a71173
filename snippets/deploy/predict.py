"""部署用的推理程序：读入图片文件，按训练时的方法预处理，用 ONNX Runtime 运行导出的模型，打印预测的数字和概率。

它不需要 PyTorch：只用 onnxruntime、numpy 和 Pillow。先运行同目录的 train.py 和 export.py，得到 cnn.onnx 和几张 digit-*.png，然后：
    python predict.py digit-0-label-4.png digit-1-label-2.png
"""

# --8<-- [start:predict]
import argparse

import numpy as np
import onnxruntime as ort
from PIL import Image

MEAN, STD = 0.1307, 0.3081                     # 和训练时的标准化完全相同（MNIST 的统计值）


def preprocess(path) -> np.ndarray:
    """图片文件 → float32 [1, 1, 28, 28]：灰度、0～1、标准化，和训练时的 to_input 同样的算法。"""
    with Image.open(path) as image:
        gray = image.convert("L")               # 单通道灰度
    if gray.size != (28, 28):
        raise ValueError(f"{path}：模型只认 28×28 的图片，这张是 {gray.size[0]}×{gray.size[1]}")
    pixels = np.asarray(gray, dtype=np.float32) / 255
    if pixels.mean() > 0.5:                     # 白底黑字（纸上写的）：反过来，和 MNIST 一样黑底白字
        pixels = 1 - pixels
    return ((pixels - MEAN) / STD)[None, None]   # 加上批量维和通道维


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))   # 先减去最大值，免得溢出
    return shifted / shifted.sum(axis=1, keepdims=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description="用导出的 CNN 认手写数字")
    parser.add_argument("images", nargs="+", help="28×28 的手写数字图片（PNG 等）")
    parser.add_argument("--model", default="cnn.onnx", help="导出的 ONNX 模型（默认 cnn.onnx）")
    args = parser.parse_args(argv)
    session = ort.InferenceSession(args.model, providers=["CPUExecutionProvider"])
    batch = np.concatenate([preprocess(path) for path in args.images])   # 所有图片一批算完
    (logits,) = session.run(None, {"image": batch})
    for path, probs in zip(args.images, softmax(logits)):
        print(f"{path}：{probs.argmax()}（概率 {probs.max():.1%}）")
# --8<-- [end:predict]


if __name__ == "__main__":
    main()
