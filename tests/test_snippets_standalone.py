"""Every program in snippets/ runs on its own, as a reader who downloaded it runs it, and
nothing a page already runs is run a second time.

Each program is checked exactly once, in a scratch copy of the download (the archive a
chapter links, unpacked: one folder per chapter; a program no chapter links is copied in the
same layout), never in place in the repository:

- a program none of whose code is left unrun by its pages, apart from its *glue* (the module
  docstring, its imports, ``sys.path.insert(...)`` lines, a preamble of set-up statements
  above the first line a page runs, and an ``if __name__ == "__main__":`` part that only
  imports, sets one compute thread and calls functions a page calls, such as ``main()``
  calling the ``main`` a page calls, or a figure program's training-then-drawing calls that
  its page makes itself, drawing the figure there: <!-- figure -->), is *covered*:
  the page run has executed all of it, in its own fresh process, and checked what it
  prints against the page.  Running it again would only repeat that (for the training
  programs, minutes of the same training).  What the page cannot check is the glue, so the
  glue of every covered program runs here, in order, in the downloaded folder with ``__file__`` there
  (one interpreter for all of them, each with a clean ``sys.path`` and fresh modules of its
  own): a sibling import or a ``sys.path`` line that would break a download fails.
- every other program (its ``__main__`` part does what no page does, or a page skips some
  of its code) runs in full, once, in a fresh interpreter in the downloaded folder, must
  exit 0, and must print what its page shows: a text block marked
  ``<!-- program-output: snippets/x/y.py -->`` (with the block's tolerance, as an 输出
  block is judged), unless SHOWN_OTHERWISE says how the page shows its output.

tests/test_downloads.py and tests/test_figures.py run programs standalone for their own
checks (the printed line the home page shows; every figure program, its images compared byte
for byte with the pages'): those runs are theirs, and here those programs are left to them.
"""

from __future__ import annotations

import ast
import builtins
import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness.judge import shown_output_failure
from harness.numbers import parse_tolerance
from pagekit.fences import find_fences, program_output
from pagekit.includes import _is_marker, code_chunks
from pagekit.programs import top_level_names
from tests.sites import ROOT
from tests.test_figures import FIGURES

PROGRAMS = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "snippets").rglob("*.py"))
# A reader runs mnist.py with the network and gets the full MNIST; the tests have no network
# and take the offline sample, one epoch.
ARGUMENTS = {"snippets/training/mnist.py": ["--sample", "--epochs", "1", "--no-progress"]}
RUN_ELSEWHERE = {  # programs another test already runs standalone
    "snippets/home/first_model.py": "tests/test_downloads.py",
    **dict.fromkeys(FIGURES, "tests/test_figures.py"),  # compared byte for byte there
}


# Standalone programs whose page shows their output in another, checked way.
SHOWN_OTHERWISE = {
    # Its quick mode prints this machine's speeds, a table whose columns depend on the
    # hardware; scaling.md shows what its --table prints for the committed --full results
    # (<!-- benchmark-table -->, compared by tests/test_benchmark_table.py).
    "snippets/scaling/benchmark.py": "tests/test_benchmark_table.py",
}


@dataclass(frozen=True)
class ShownOutput:
    page: str
    line: int  # the text fence's first body line
    arguments: tuple[str, ...]
    text: str
    tolerance_marker: tuple[str, int] | None  # (rules and reason, line)


def shown_program_outputs() -> dict[str, list[ShownOutput]]:
    """program -> the text blocks of the pages that show what it prints."""
    shown: dict[str, list[ShownOutput]] = {}
    for page in sorted((ROOT / "docs").rglob("*.md")):
        name = page.relative_to(ROOT).as_posix()
        for fence in find_fences(page.read_text(encoding="utf-8-sig")):
            found = program_output(fence)
            if found is None:
                continue
            program, arguments = found
            marker = fence.marker("tolerance")
            shown.setdefault(program, []).append(
                ShownOutput(
                    name,
                    fence.body_line,
                    tuple(arguments),
                    fence.body,
                    (marker.reason, marker.line) if marker else None,
                )
            )
    return shown


SHOWN = shown_program_outputs()


def _runnable_fences(page: Path):
    for fence in find_fences(page.read_text(encoding="utf-8-sig")):
        if fence.is_runnable and not fence.marker("norun") and not fence.marker("gpu-only"):
            yield fence


def lines_run_by_page() -> dict[str, dict[str, set[int]]]:
    """page -> program -> the line numbers of it that the page's runnable blocks execute."""
    run: dict[str, dict[str, set[int]]] = {}
    for page in sorted((ROOT / "docs").rglob("*.md")):
        name = page.relative_to(ROOT).as_posix()
        for fence in _runnable_fences(page):
            for chunk in code_chunks(fence.body, fence.body_line, name, ROOT):
                if chunk.is_snippet:
                    numbers = run.setdefault(name, {}).setdefault(chunk.filename, set())
                    for offset, line in enumerate(chunk.code.split("\n")):
                        if line.strip():
                            numbers.add(chunk.first_line + offset)
    return run


def lines_run_by_pages() -> dict[str, set[int]]:
    """program -> the line numbers of it that some page's runnable blocks execute."""
    run: dict[str, set[int]] = {}
    for programs in _RUN_BY_PAGE.values():
        for program, numbers in programs.items():
            run.setdefault(program, set()).update(numbers)
    return run


def functions_each_page_calls() -> dict[str, set[str]]:
    """page -> the names of the functions its runnable blocks call (``draw_history(...)``)."""
    return {
        page.relative_to(ROOT).as_posix(): {
            name
            for fence in _runnable_fences(page)
            for name in re.findall(r"(?<![\w.])([A-Za-z_]\w*)\(", fence.body)
        }
        for page in sorted((ROOT / "docs").rglob("*.md"))
    }


_RUN_BY_PAGE = lines_run_by_page()
_CALLS_BY_PAGE = functions_each_page_calls()
_PAGES_CALL = set().union(*_CALLS_BY_PAGE.values())


def _top_level_names(program: str) -> set[str]:
    return top_level_names((ROOT / program).read_text(encoding="utf-8"))


def _functions_pages_run(program: str) -> set[str]:
    """The functions of a program that one page both defines (runs the ``def`` of: it
    includes it) and calls itself."""
    tree = ast.parse((ROOT / program).read_text(encoding="utf-8"))
    defs = [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)]
    return {
        node.name
        for page, programs in _RUN_BY_PAGE.items()
        for node in defs
        if node.lineno in programs.get(program, set()) and node.name in _CALLS_BY_PAGE[page]
    }


def _main_part_is_glue(part: ast.If, program: str) -> bool:
    """Whether an ``if __name__ == "__main__":`` part only does what a page does too: imports,
    ``sys.path`` lines, one compute thread, and calls of functions that a page both runs the
    definition of (this program's, or a sibling program's it imports) and calls itself (the
    same training, then the same drawing, that the page's run has done and checked).  Every
    name such a call reads must exist, and every attribute of an imported sibling program
    must be one that program defines: a typo is no glue, so the program runs in full."""
    folder = Path(program).parent
    known = _top_level_names(program) | set(dir(builtins))
    callable_here = _functions_pages_run(program)
    siblings: dict[str, str] = {}  # a name bound to an imported sibling program -> its path
    for statement in part.body:
        if isinstance(statement, ast.Import | ast.ImportFrom):
            for alias in statement.names:
                bound = (alias.asname or alias.name).split(".")[0]
                known.add(bound)
                module = statement.module if isinstance(statement, ast.ImportFrom) else alias.name
                sibling = (folder / f"{module}.py").as_posix()
                if not (ROOT / sibling).is_file():
                    continue
                if isinstance(statement, ast.Import):
                    siblings[bound] = sibling
                elif alias.name not in _top_level_names(sibling):
                    return False
                elif alias.name in _functions_pages_run(sibling):
                    callable_here.add(bound)
            continue
        code = ast.unparse(statement)
        if isinstance(statement, ast.Expr) and (
            "sys.path" in code or code == "torch.set_num_threads(1)"
        ):
            continue
        value = statement.value if isinstance(statement, ast.Expr | ast.Assign) else None
        if not (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Name)
            and value.func.id in callable_here
        ):
            return False
        for node in ast.walk(value):
            if isinstance(node, ast.Name) and node.id not in known:
                return False
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in siblings
                and node.attr not in _top_level_names(siblings[node.value.id])
            ):
                return False
        if isinstance(statement, ast.Assign):
            known |= {
                node.id
                for target in statement.targets
                for node in ast.walk(target)
                if isinstance(node, ast.Name)
            }
    return True


def _is_glue(statement: ast.stmt, program: str) -> bool:
    if isinstance(statement, ast.Import | ast.ImportFrom):
        return True
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
        return True  # the docstring
    if isinstance(statement, ast.Expr) and "sys.path" in ast.unparse(statement.value):
        return True
    return (
        isinstance(statement, ast.If)
        and ast.unparse(statement.test) == "__name__ == '__main__'"
        and _main_part_is_glue(statement, program)
    )


def glue_and_rest(program: str) -> tuple[list[ast.stmt], set[int]]:
    """(the glue statements, the code lines outside them) of a program.  Besides the glue
    proper, a *preamble* is glue: the top-level statements (not definitions) above the first
    line a page runs, which set up what the page sets up in blocks of its own (write the
    digit files, load them)."""
    text = (ROOT / program).read_text(encoding="utf-8")
    tree = ast.parse(text)
    first_run = min(_RUN_BY_PAGES.get(program, {0}))
    glue = [
        s
        for s in tree.body
        if _is_glue(s, program)
        or (
            (s.end_lineno or s.lineno) < first_run
            and not isinstance(s, ast.FunctionDef | ast.ClassDef | ast.If)
        )
    ]
    glue_lines = {n for s in glue for n in range(s.lineno, (s.end_lineno or s.lineno) + 1)}
    lines = text.split("\n")
    code = {
        number
        for number, line in enumerate(lines, 1)
        if line.strip() and not line.strip().startswith("#") and not _is_marker(line)
    }
    return glue, code - glue_lines


_RUN_BY_PAGES = lines_run_by_pages()


def covered(program: str) -> bool:
    _, rest = glue_and_rest(program)
    return bool(rest) and rest <= _RUN_BY_PAGES.get(program, set())


COVERED = [p for p in PROGRAMS if covered(p) and p not in RUN_ELSEWHERE]
STANDALONE = [p for p in PROGRAMS if not covered(p) and p not in RUN_ELSEWHERE]


def in_download(folder: Path, program: str) -> Path:
    """Where the program lies in the unpacked download (copied there if no chapter links
    it, with the rest of its folder)."""
    relative = Path(program).relative_to("snippets")
    target = folder / relative
    if not target.is_file():
        for sibling in (ROOT / program).parent.glob("*.py"):
            destination = folder / relative.parent / sibling.name
            if not destination.exists():
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(sibling, destination)
    return target


@pytest.mark.slow  # real programs, several of them training models
@pytest.mark.parametrize("program", STANDALONE)
def test_snippet_runs_standalone(program, downloaded, tmp_path):
    copy = shutil.copytree(downloaded, tmp_path / "code")  # files it writes stay its own
    path = in_download(copy, program)
    shown = SHOWN.get(program, [])
    arguments = list(shown[0].arguments) if shown else ARGUMENTS.get(program, [])
    result = subprocess.run(
        [sys.executable, str(path), *arguments],
        cwd=path.parent,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, f"{program} failed:\n{result.stderr}"
    assert result.stdout.strip(), f"{program} printed nothing to check"
    if program in SHOWN_OTHERWISE:
        return
    assert len(shown) == 1, (
        f"{program}: a reader who downloads it runs it; show what it prints on its page in a "
        "text block after <!-- program-output: " + program + " --> (found "
        f"{len(shown)} such blocks):\n{result.stdout}"
    )
    block = shown[0]
    tolerance = None
    if block.tolerance_marker:
        tolerance, problem = parse_tolerance(*block.tolerance_marker)
        assert problem is None, problem
    failure = shown_output_failure(block.page, block.text, result.stdout, tolerance, block.line)
    assert failure is None, failure


def test_every_shown_program_output_belongs_to_a_program_run_here():
    """A program-output block for a program the pages cover (or another test runs) would
    never be compared: its program does not run here."""
    for program, blocks in SHOWN.items():
        assert program in STANDALONE, (
            f"{blocks[0].page}, line {blocks[0].line}: <!-- program-output: {program} --> "
            "names a program this test does not run (its pages run all of it, or it is "
            f"{RUN_ELSEWHERE.get(program, 'not a program in snippets/')})"
        )
        assert len(blocks) == 1, f"{program}: its output is shown {len(blocks)} times"


# Runs each covered program's glue, in a fresh module namespace, with __file__ in the download.
# An import of one of the download's own programs (``from train import model``) is resolved,
# not run: the file must be found where Python would look, and define the names imported at
# its top level.  Running it would run that program's code (training, for train.py) again:
# the pages have run it, and it is checked as a program of its own.  It is run only when the
# glue itself uses what it imports.
GLUE_RUNNER = """
import ast, importlib.machinery, json, sys
jobs, root, defined = json.loads(sys.stdin.read())  # defined: file -> its top-level names
base_path = list(sys.path)
failures = {}


def resolve(statement):
    # an import of the download's own program: check it, do not run it (True: handled)
    if isinstance(statement, ast.ImportFrom) and statement.module and not statement.level:
        modules = [statement.module]
    elif isinstance(statement, ast.Import):
        modules = [alias.name for alias in statement.names]
    else:
        return False
    spec = importlib.machinery.PathFinder.find_spec(modules[0].split(".")[0], sys.path)
    origin = getattr(spec, "origin", None) or ""
    if not origin.startswith(root):
        return False
    if isinstance(statement, ast.ImportFrom):
        missing = [a.name for a in statement.names if a.name not in defined.get(origin, ())]
        if missing:
            raise ImportError(f"cannot import {missing} from {statement.module} ({origin})")
    return True


for path, code in jobs:
    sys.path[:] = [path.rsplit("/", 1)[0]] + base_path  # as `python program.py` does
    for name, module in list(sys.modules.items()):  # the programs' own modules, freshly
        if (getattr(module, "__file__", None) or "").startswith(root):
            del sys.modules[name]
    namespace = {"__name__": "__glue__", "__file__": path}
    deferred = {}  # a name an import of the download's own program would bind -> that import
    try:
        for statement in ast.parse(code).body:
            if resolve(statement):
                for alias in statement.names:
                    deferred[(alias.asname or alias.name).split(".")[0]] = statement
                continue
            used = {n.id for n in ast.walk(statement) if isinstance(n, ast.Name)}
            for needed in dict.fromkeys(deferred.pop(n) for n in used & deferred.keys()):
                # later glue (a preamble's `digits = load_digits()`) uses what it imports
                exec(compile(ast.Module([needed], []), path, "exec"), namespace)
            exec(compile(ast.Module([statement], []), path, "exec"), namespace)
    except BaseException as error:
        failures[path] = f"{type(error).__name__}: {error}"
print(json.dumps(failures))
"""


@pytest.mark.slow  # imports every covered program's libraries in a fresh interpreter
def names_defined(folder: Path) -> dict[str, list[str]]:
    """Every program of the unpacked download -> the names it defines, for GLUE_RUNNER."""
    return {
        str(path): sorted(top_level_names(path.read_text(encoding="utf-8")))
        for path in folder.rglob("*.py")
    }


def test_covered_programs_glue_runs_in_the_download(downloaded, tmp_path):
    """Each covered program's docstring, imports and sys.path lines, run where the reader has
    them: everything else in it the pages have run already."""
    assert COVERED, "no program is covered by its page: the standalone runs do all the work"
    jobs = []
    downloaded = shutil.copytree(downloaded, tmp_path / "code")
    for program in COVERED:
        glue, _ = glue_and_rest(program)
        statements = []
        for statement in glue:  # of the main part, its imports and sys.path lines, not its calls
            if not isinstance(statement, ast.If):
                statements.append(statement)
                continue
            statements += [
                s
                for s in statement.body
                if isinstance(s, ast.Import | ast.ImportFrom) or "sys.path" in ast.unparse(s)
            ]
        code = "\n".join(ast.unparse(s) for s in statements) + "\n"
        jobs.append((str(in_download(downloaded, program)), code))
    result = subprocess.run(
        [sys.executable, "-c", GLUE_RUNNER],
        input=json.dumps([jobs, str(downloaded), names_defined(downloaded)]),
        cwd=downloaded,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    failures = json.loads(result.stdout.strip().splitlines()[-1])
    assert failures == {}


def test_the_glue_resolves_the_downloads_own_programs_without_running_them(tmp_path):
    (tmp_path / "train.py").write_text("model = 1\nraise SystemExit('trained again')\n")
    (tmp_path / "uses.py").write_text("")
    jobs = [
        (str(tmp_path / "uses.py"), "import json\nfrom train import model\n"),
        (str(tmp_path / "broken.py"), "from train import modle\n"),
        (str(tmp_path / "gone.py"), "from no_such_sibling import model\n"),
    ]
    result = subprocess.run(
        [sys.executable, "-c", GLUE_RUNNER],
        input=json.dumps([jobs, str(tmp_path), names_defined(tmp_path)]),
        capture_output=True,
        text=True,
        timeout=60,
    )
    failures = json.loads(result.stdout.strip().splitlines()[-1])
    assert sorted(Path(path).name for path in failures) == ["broken.py", "gone.py"]
    assert "cannot import ['modle'] from train" in failures[str(tmp_path / "broken.py")]
    assert "ModuleNotFoundError" in failures[str(tmp_path / "gone.py")]


def test_every_program_is_checked_exactly_once():
    elsewhere = [p for p in RUN_ELSEWHERE if p in PROGRAMS]  # tools/diagrams.py is no snippet
    assert sorted(COVERED + STANDALONE + elsewhere) == PROGRAMS
    assert not set(COVERED) & set(STANDALONE)


def test_a_main_call_counts_as_glue_only_when_a_page_calls_main():
    assert "snippets/training/mnist.py" in COVERED  # its page calls main([...]) itself
    training = (ROOT / "docs" / "training.md").read_text(encoding="utf-8")
    assert 'main(["--sample"' in training


def test_a_main_part_is_glue_only_when_it_does_what_a_page_does():
    def main_part(body: str) -> ast.stmt:
        return ast.parse('if __name__ == "__main__":\n' + body).body[0]

    program = "snippets/toolkit/plot_early_stopping.py"
    real = ast.parse((ROOT / program).read_text(encoding="utf-8")).body
    assert _is_glue(real[-1], program)  # imports early_stopping, calls draw_history
    typo = ast.unparse(real[-1]).replace("es.stopper.best_epoch", "es.stoper.best_epoch")
    assert not _is_glue(ast.parse(typo).body[0], program)
    assert "print" in _PAGES_CALL  # a page calls print, but no page runs its definition
    assert not _is_glue(main_part("    print(undefined_numbers)\n"), program)
    assert not _is_glue(main_part("    draw_history(history_nobody_defined)\n"), program)
    assert not _is_glue(main_part("    draw_history([])\n    train_again()\n"), program)
    assert not _is_glue(main_part("    torch.set_num_threads(4)\n"), program)
    assert not _is_glue(main_part("    epochs = 30\n"), program)
    # A main() counts only where a page runs this program's own main and calls it.
    assert _is_glue(main_part("    main()\n"), "snippets/training/mnist.py")
    assert not _is_glue(main_part("    main()\n"), program)
