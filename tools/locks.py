"""The lock files in locks/: every package of an environment, pinned, with its hashes.

``nox -s lock`` writes them with uv from the dependency groups in pyproject.toml; every
environment nox makes is installed from them with ``pip install --require-hashes --no-deps``,
so two machines that create it get the same packages, byte for byte.  This module only reads
them.  It uses the standard library and ``packaging`` (for markers), which both of its users
have: the noxfile runs in nox's environment (nox depends on it), the tests in the docs one.

One package may be pinned twice, to two versions under complementary markers, where a
version needs a newer Python than the project supports (``pymdown-extensions`` 13 needs
3.11.5; Debian 12's python3 is 3.11.2).  pyproject.toml then declares both pins, each with
its marker, and uv writes both into the lock.
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


def read(path: Path) -> list[Pin]:
    """The pins of a lock file, in its order; a package forked by markers has several."""
    pins: list[Pin] = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("--hash="):
            if not pins:
                raise ValueError(f"{path.name}, line {number}: a hash before any requirement")
            digest = line.removeprefix("--hash=").rstrip(" \\")
            last = pins[-1]
            pins[-1] = Pin(last.name, last.version, last.marker, (*last.hashes, digest))
            continue
        match = _PIN.match(line)
        if match is None or raw[0].isspace():
            raise ValueError(f"{path.name}, line {number}: not a pinned requirement: {raw!r}")
        marker = match.group("rest").rstrip(" \\").strip().removeprefix(";").strip()
        pins.append(Pin(normalise(match.group("name")), match.group("version"), marker, ()))
    return pins


def direct_pin(requirement: str) -> Pin:
    """A pyproject requirement written as ``name==version`` or ``name==version ; marker``."""
    match = _PIN.match(requirement.strip())
    rest = match.group("rest").strip() if match else ""
    if match is None or (rest and not rest.startswith(";")):
        raise ValueError(f"pyproject.toml: {requirement!r} is not pinned as name==version")
    return Pin(normalise(match.group("name")), match.group("version"), rest[1:].strip(), ())


# Where two markers are checked for overlap: every Python the project supports (and the
# points where the lock forks), on the platforms the lock covers.
_PYTHONS = ["3.11.0", "3.11.2", "3.11.4", "3.11.5", "3.11.9", "3.12.0", "3.12.9", "3.13.0",
            "3.14.0", "3.15.0"]  # fmt: skip
_PLATFORMS = [("linux", "Linux", "x86_64"), ("linux", "Linux", "aarch64"),
              ("darwin", "Darwin", "arm64"), ("darwin", "Darwin", "x86_64"),
              ("win32", "Windows", "AMD64")]  # fmt: skip


def _environments() -> list[dict[str, str]]:
    return [
        {"python_full_version": full, "python_version": ".".join(full.split(".")[:2]),
         "sys_platform": sys_platform, "platform_system": system, "platform_machine": machine,
         "implementation_name": "cpython", "platform_python_implementation": "CPython"}
        for full in _PYTHONS
        for sys_platform, system, machine in _PLATFORMS
    ]  # fmt: skip


def overlap(first: str, second: str) -> bool:
    """Whether two markers ("" = everywhere) both hold on one supported Python and platform."""
    from packaging.markers import Marker  # nox brings packaging, and the docs group pins it

    markers = [Marker(marker) for marker in (first, second) if marker]
    return any(all(m.evaluate(env) for m in markers) for env in _environments())


def disagreements(requirements: list[str], path: Path) -> list[str]:
    """What makes the lock out of date for these pinned requirements (empty: it is current).

    A requirement ``name==version ; marker`` agrees with the lock when the lock pins that
    version and pins no other version of the package anywhere the marker holds."""
    if not path.is_file():
        return [f"{path.relative_to(ROOT)} does not exist"]
    pins = read(path)
    found: list[str] = []
    for requirement in requirements:
        declared = direct_pin(requirement)
        locked = [pin for pin in pins if pin.name == declared.name]
        if not locked:
            found.append(f"{declared.requirement} is not in {path.name}")
            continue
        clashes = [
            pin for pin in locked
            if pin.version != declared.version and overlap(declared.marker, pin.marker)
        ]  # fmt: skip
        if not clashes and all(pin.version != declared.version for pin in locked):
            clashes = locked  # e.g. the marker matches no supported Python: say what is there
        for pin in clashes:
            wanted = declared.requirement.removeprefix(f"{declared.name}==")
            has = pin.requirement.removeprefix(f"{pin.name}==")
            found.append(f"{declared.name}: pyproject.toml pins {wanted}, {path.name} has {has}")
    found += [f"{pin.name} has no hash in {path.name}" for pin in pins if not pin.hashes]
    return found
