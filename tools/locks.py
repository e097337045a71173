"""The lock files in locks/: every package of an environment, pinned, with its hashes.

``nox -s lock`` writes them with uv from the dependency groups in pyproject.toml; every
environment nox makes is installed from them with ``pip install --require-hashes --no-deps``,
so two machines that create it get the same packages, byte for byte.  This module only reads
them (standard library only: the noxfile and the tests both use it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCKS = ROOT / "locks"
LOCK_COMMAND = "python3 tools/run_nox.py -s lock"
# A requirement line of `uv pip compile`: "name==version ; marker \" (hashes follow, indented).
_PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;\\]+)(?P<rest>.*)$")


@dataclass(frozen=True)
class Pin:
    name: str  # normalised (PEP 503)
    version: str
    marker: str  # "" when it applies everywhere
    hashes: tuple[str, ...]

    @property
    def requirement(self) -> str:
        """``name==version ; marker``, without hashes."""
        return f"{self.name}=={self.version}" + (f" ; {self.marker}" if self.marker else "")


def lock_path(group: str) -> Path:
    return LOCKS / f"{group}.txt"


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def read(path: Path) -> dict[str, Pin]:
    """The pins of a lock file, by normalised name."""
    pins: dict[str, Pin] = {}
    last: Pin | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("--hash="):
            if last is None:
                raise ValueError(f"{path.name}, line {number}: a hash before any requirement")
            digest = line.removeprefix("--hash=").rstrip(" \\")
            last = pins[last.name] = Pin(last.name, last.version, last.marker,
                                         (*last.hashes, digest))  # fmt: skip
            continue
        match = _PIN.match(line)
        if match is None or raw[0].isspace():
            raise ValueError(f"{path.name}, line {number}: not a pinned requirement: {raw!r}")
        marker = match.group("rest").rstrip(" \\").strip().removeprefix(";").strip()
        last = Pin(normalise(match.group("name")), match.group("version"), marker, ())
        pins[last.name] = last
    return pins


def direct_pin(requirement: str) -> tuple[str, str]:
    """("name", "version") of a pyproject requirement written as name==version."""
    match = _PIN.match(requirement.strip())
    if match is None or match.group("rest").strip():
        raise ValueError(f"pyproject.toml: {requirement!r} is not pinned as name==version")
    return normalise(match.group("name")), match.group("version")


def disagreements(requirements: list[str], path: Path) -> list[str]:
    """What makes the lock out of date for these pinned requirements (empty: it is current)."""
    if not path.is_file():
        return [f"{path.relative_to(ROOT)} does not exist"]
    pins = read(path)
    found = []
    for requirement in requirements:
        name, version = direct_pin(requirement)
        pin = pins.get(name)
        if pin is None:
            found.append(f"{name}=={version} is not in {path.name}")
        elif pin.version != version:
            found.append(f"{name}: pyproject.toml pins {version}, {path.name} has {pin.version}")
    found += [f"{pin.name} has no hash in {path.name}" for pin in pins.values() if not pin.hashes]
    return found
