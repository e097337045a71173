"""DistributedDataParallel（DDP）：每块 GPU（或每个 CPU 进程）一个进程，各算一部分数据，梯度自动求平均。

两个进程：torchrun --standalone --nproc_per_node=2 snippets/scaling/ddp_train.py
直接运行：python snippets/scaling/ddp_train.py      （只有一个进程的“分布式”，用来调试）
"""

# --8<-- [start:setup]
import gc
import os

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel as DDP
from torch.utils.data import DataLoader, TensorDataset
from torch.utils.data.distributed import DistributedSampler


def setup() -> torch.device:
    launched = "RANK" in os.environ  # torchrun 会设置 RANK、LOCAL_RANK、LOCAL_WORLD_SIZE、MASTER_ADDR 等
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))  # 本机上的第几个进程，用来挑 GPU
    local_world_size = int(os.environ.get("LOCAL_WORLD_SIZE", "1"))  # 本机上一共几个进程
    # NCCL 要求每个进程独占一块 GPU。要比的是本机的 GPU 数和本机的进程数：两台 8 卡机器共 16 个
    # 进程（WORLD_SIZE = 16），每台机器上只有 8 个进程，8 块 GPU 正好够用。GPU 不够时退回 gloo，在 CPU 上算
    if torch.cuda.is_available() and torch.cuda.device_count() >= local_world_size:
        torch.cuda.set_device(local_rank)
        backend, device = "nccl", torch.device("cuda", local_rank)
    else:
        backend, device = "gloo", torch.device("cpu")
    if launched:
        dist.init_process_group(backend)  # 地址、端口、rank、进程数都从环境变量里读
    else:  # 直接用 python 运行：只有一个进程，进程间的“通讯录”放在内存里，不开网络端口
        dist.init_process_group(backend, store=dist.HashStore(), rank=0, world_size=1)
    return device
# --8<-- [end:setup]


# --8<-- [start:train]
def main() -> None:
    device = setup()
    rank, world_size = dist.get_rank(), dist.get_world_size()

    # 每个进程生成同样的数据集（同一个种子）；真实项目里是各自从磁盘读同一份数据
    g = torch.Generator().manual_seed(0)
    x = torch.randn(512, 8, generator=g)
    y = x @ torch.arange(1.0, 9.0).reshape(8, 1) + 0.1 * torch.randn(512, 1, generator=g)
    dataset = TensorDataset(x, y)
    # DistributedSampler 把数据分成 world_size 份，每个进程只拿自己那一份
    sampler = DistributedSampler(dataset, shuffle=True, seed=0)
    loader = DataLoader(dataset, batch_size=32, sampler=sampler)  # 有 sampler 就不再写 shuffle

    torch.manual_seed(0)  # 各进程的初始参数本来就相同；DDP 创建时还会从 rank 0 广播一次
    model = DDP(nn.Linear(8, 1).to(device),
                device_ids=[device.index] if device.type == "cuda" else None)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    loss_fn = nn.MSELoss()

    for epoch in range(3):
        sampler.set_epoch(epoch)  # 每轮换一种打乱方式；忘了它，每轮的顺序都一样
        total = torch.zeros(2, device=device)  # [损失之和, 样本数]
        for xb, yb in loader:
            xb, yb = xb.to(device), yb.to(device)
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()  # 反向传播时 DDP 在各进程之间求梯度的平均
            optimizer.step()
            total[0] += loss.item() * len(xb)
            total[1] += len(xb)
        dist.all_reduce(total)  # 把各进程的结果加起来，得到整个数据集上的平均损失
        if rank == 0:  # 只让 rank 0 打印，否则每行都会出现 world_size 次
            print(f"第 {epoch + 1} 轮  平均损失 {total[0].item() / total[1].item():.2f}")

    # 检查：每个进程上的参数应当完全一样
    checksum = sum(p.detach().double().sum() for p in model.parameters()).reshape(1)
    checksums = [torch.zeros_like(checksum) for _ in range(world_size)]
    dist.all_gather(checksums, checksum)
    if rank == 0:
        values = [round(c.item(), 2) for c in checksums]
        print("进程数:", world_size)
        print("各进程的参数校验和:", values)
        print("参数完全一致:", all(torch.equal(c, checksums[0]) for c in checksums))
    # 拆掉进程组之前：先释放 DDP 模型等对象，再等所有进程到齐。少了这两步，进程退出时
    # gloo 的线程偶尔会被中止（"terminate called without an active exception"：
    # 本站的 2 核构建机上，2 个进程运行 12 次出现过 4 次；这样写之后连续运行 24 次，0 次）
    del model, optimizer, loader, sampler
    gc.collect()
    dist.barrier()
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
# --8<-- [end:train]
