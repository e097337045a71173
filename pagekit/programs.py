"""What a program in snippets/ defines and imports, read from its source (never run): the
downloads archive (sitekit/downloads.py) and the standalone-program check
(tests/test_snippets_standalone.py) read programs the same way."""

from __future__ import annotations

import ast
from pathlib import Path


def top_level_names(source: str) -> set[str]:
    """The names a program binds (definitions, assignments, imports), at any depth."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
    return names


def sibling_imports(root: Path, program: str) -> list[str]:
    """The programs beside ``program`` (``snippets/<chapter>/x.py``) that it imports by name."""
    folder = Path(program).parent
    names = []
    for node in ast.walk(ast.parse((root / program).read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.append(node.module)
    return [
        (folder / f"{name}.py").as_posix()
        for name in dict.fromkeys(names)
        if (root / folder / f"{name}.py").is_file()
    ]
