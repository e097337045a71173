"""The verification records' format, defined once: the test harness writes it
(harness/record.py), the site's hooks read it (verification.py, report.py).

Standard library only: it is imported by the harness on a GPU machine that has no MkDocs.

- ``verification/cpu.json`` / ``cuda.json`` (``VerificationRecord``): per page, what the last
  run proved, with the run's stamp;
- ``verification/drift/<environment>.json`` (``DriftRecord``): per page, what one torch
  environment does differently.

Every record carries ``format``; a reader refuses a record of another format with a message
that says how to remake it, instead of building a page from fields that are not there.

Format 3 adds ``partial`` (a page some of whose examples were not selected: ``-k``,
``--deselect``, a node id; such an entry is never shown as verified) and ``seed`` (the random
seed the pages started from).  A format-2 drift record is still read (the committed ones come
from whole runs; it only reports differences), a format-2 verification record is not: it may
hold a filtered run counted as a full one.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

_Record = TypeVar("_Record", bound="DataclassInstance")

FORMAT = 3
DRIFT_FORMATS_READ = (2, 3)  # the new fields have defaults


class RecordError(Exception):
    """A record this code cannot read."""


@dataclass
class Stamp:
    torch: str
    device: str
    date: str  # "YYYY-MM-DD HH:MM UTC"
    commit: str  # short hash, "+changes" when docs/ or snippets/ had uncommitted changes
    cuda: str | None = None
    seed: int | None = None  # the seed every page process started from (random per run)


@dataclass
class PageResult(Stamp):
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    cuda_examples: int | None = None  # GPU runs: examples that created CUDA tensors
    # Some of the page's examples were not selected (-k, --deselect, a node id): what ran
    # passed or failed, but the page as a whole was not verified.
    partial: bool = False


@dataclass
class VerificationRecord:
    last_run: Stamp | None = None
    pages: dict[str, PageResult] = field(default_factory=dict)
    format: int = FORMAT


@dataclass
class DriftPage:
    passed: int
    failed: int
    skipped: int
    outputs_differ: list[dict[str, Any]]  # line, kind, expected, got, problem
    raises: list[dict[str, Any]]  # line, error
    warnings: list[dict[str, Any]]  # line, category, message, where, caller, deprecation
    partial: bool = False  # some of the page's examples were not selected


@dataclass
class DriftRecord(Stamp):
    name: str = ""
    mode: str = "cpu"
    torchvision: str = ""
    python: str = ""
    pages: dict[str, DriftPage] = field(default_factory=dict)
    format: int = FORMAT


def _build(cls: type[_Record], data: dict[str, Any], where: str) -> _Record:
    names = {f.name for f in fields(cls)}
    try:
        return cls(**{key: value for key, value in data.items() if key in names})
    except TypeError as error:
        raise RecordError(f"{where}: {error}") from None


def _read_json(path: Path, formats: tuple[int, ...] = (FORMAT,)) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if data.get("format") not in formats:
        raise RecordError(
            f"{path}: record format {data.get('format', 1)}, this code reads format {FORMAT}; "
            f"remake it with the test run that writes it (see README)"
        )
    return data


def read_verification(path: Path) -> VerificationRecord:
    if not path.is_file():
        return VerificationRecord()
    data = _read_json(path)
    last = data.get("last_run")
    return VerificationRecord(
        last_run=_build(Stamp, last, f"{path} last_run") if last else None,
        pages={
            page: _build(PageResult, entry, f"{path} {page}")
            for page, entry in data.get("pages", {}).items()
        },
    )


def read_drift(path: Path) -> DriftRecord:
    data = _read_json(path, DRIFT_FORMATS_READ)
    record = _build(DriftRecord, data, str(path))
    record.pages = {
        page: _build(DriftPage, entry, f"{path} {page}")
        for page, entry in data.get("pages", {}).items()
    }
    return record


def as_json(record: Any) -> str:  # any of the record dataclasses
    data = asdict(record)
    return json.dumps(_drop_none(data), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _drop_none(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_drop_none(item) for item in value]
    return value


def write(path: Path, record: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(as_json(record), encoding="utf-8")
