"""Number-aware comparison: a shown output's words exactly, each of its numbers within the
tolerance its page declares.

The declaration is a marker on the lines right before the block (the reader does not see it)::

    <!-- tolerance: ±0.02 #3:any #4-5:±1% 线程数会改变最后几位；第 3 个数是用时 -->

Rules come first, then the reason.  A rule is an amount, optionally scoped to positions:

- ``±0.02``: absolute, ``|got - shown| <= 0.02``;
- ``±1%``: relative to the shown number, ``|got - shown| <= 1% × |shown|``;
- ``±0.5pp``: percentage points, for a number shown with ``%`` after it (absolute in its unit);
- ``any``: any number at all (a timing);
- ``#3:…`` or ``#4-5:…``: only the 3rd (4th to 5th) number of the block's shown output,
  counted from 1 in reading order over all of the block's outputs.

A scoped rule overrides the unscoped one for its numbers; a number no rule covers must be
shown exactly as printed.  A *number* is a decimal literal standing on its own
(``-0.25``, ``101,770``, ``3e-05``): digits inside a word (``float32``, ``conv1``) or a
version (``2.14.1``) are words, and words compare exactly.  Whitespace next to a number may
differ (tensor columns re-align when a sign appears); ``...`` still elides.

Why not an existing checker: doctest's and sybil's compare text; scipy_doctest and
TensorFlow's float-aware checker apply one atol/rtol to every float of an output, which
cannot say "this number is a timing" or "this one is a percentage", and rewrite nothing.  This
one keeps positions, so ``docs-update`` rewrites only the numbers outside their tolerance and
leaves the others exactly as the page shows them (quiet diffs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from pagekit.fences import has_visible_text

# A number on its own: not glued to a word or to another number's dot (versions).
NUMBER = r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?"
_NUMBER = re.compile(rf"(?<![\w.]){NUMBER}(?!\w)(?!\.\d)")
_RULE = re.compile(
    r"^(?:#(?P<first>\d+)(?:-(?P<last>\d+))?:)?"
    r"(?:(?P<any>any)|(?:±|\+-|\+/-)(?P<value>\d+(?:\.\d+)?(?:[eE]-?\d+)?)(?P<unit>%|pp)?)$"
)
_ELLIPSIS = "..."
EXAMPLE = "<!-- tolerance: ±0.02 #3:any 线程数会改变最后几位；第 3 个数是用时 -->"


@dataclass(frozen=True)
class Rule:
    kind: str  # "abs", "rel", "pp", "any"
    amount: Decimal
    first: int | None = None  # 1-based positions; None: every number
    last: int | None = None

    def covers(self, position: int) -> bool:
        if self.first is None or self.last is None:
            return True
        return self.first <= position <= self.last

    def describe(self) -> str:
        if self.kind == "any":
            return "any"
        unit = {"abs": "", "rel": "%", "pp": "pp"}[self.kind]
        return f"±{self.amount}{unit}"

    def allows(self, shown: Decimal, got: Decimal) -> bool:
        if self.kind == "any":
            return True
        if self.kind == "rel":
            return abs(got - shown) <= self.amount / 100 * abs(shown)
        return abs(got - shown) <= self.amount


@dataclass
class Tolerance:
    rules: list[Rule]
    reason: str
    line: int

    def rule_for(self, position: int, percent: bool) -> Rule | None:
        """The rule for the number at ``position``; a ``pp`` rule applies only to a number
        shown as a percentage."""
        fitting = [rule for rule in self.rules if rule.covers(position)]
        fitting = [rule for rule in fitting if percent or rule.kind != "pp"]
        scoped = [rule for rule in fitting if rule.first is not None]
        if scoped:
            return scoped[-1]
        return fitting[-1] if fitting else None


def parse_tolerance(text: str, line: int) -> tuple[Tolerance | None, str | None]:
    """The marker's text after the colon -> (tolerance, None) or (None, what is wrong)."""
    words = text.split()
    rules = []
    while words and (match := _RULE.match(words[0])):
        words.pop(0)
        first = int(match.group("first")) if match.group("first") else None
        last = int(match.group("last")) if match.group("last") else first
        if first is not None and (first < 1 or last is None or last < first):
            return None, f"<!-- tolerance --> at line {line}: #{first}-{last} is not a range"
        if match.group("any"):
            rules.append(Rule("any", Decimal(0), first, last))
        else:
            kind = {None: "abs", "%": "rel", "pp": "pp"}[match.group("unit")]
            rules.append(Rule(kind, Decimal(match.group("value")), first, last))
    reason = " ".join(words)
    if not rules or not has_visible_text(reason):
        return None, (
            f"<!-- tolerance --> at line {line} needs rules, then a reason: {EXAMPLE} "
            f"(rules: ±0.02 absolute, ±1% relative, ±0.5pp percentage points, any; "
            f"#3: or #4-5: for single numbers)"
        )
    return Tolerance(rules, reason, line), None


def shown_numbers(text: str) -> list[re.Match[str]]:
    """The numbers of a shown output, in reading order."""
    return list(_NUMBER.finditer(text))


def check_rules(tolerance: Tolerance, outputs: list[str]) -> str | None:
    """A page mistake in how the rules fit the shown outputs, or None."""
    numbers = [(output, match) for output in outputs for match in shown_numbers(output)]
    where = f"<!-- tolerance --> at line {tolerance.line}"
    if not numbers:
        return f"{where}: the block's shown output holds no number to compare"
    for rule in tolerance.rules:
        if rule.last is not None and rule.last > len(numbers):
            return (
                f"{where}: {rule.describe()} for #{rule.first}-{rule.last}, but the block "
                f"shows {len(numbers)} numbers"
            )
    percentages = {
        position
        for position, (output, match) in enumerate(numbers, 1)
        if is_percentage(output, match)
    }
    for rule in tolerance.rules:
        if rule.kind == "pp" and not any(rule.covers(p) for p in percentages):
            scope = f"#{rule.first}-{rule.last}" if rule.first else "the block"
            return (
                f"{where}: {rule.describe()} is for percentages, but {scope} shows no number "
                f"with % after it; use an absolute ±… there"
            )
    return None


def is_percentage(text: str, match: re.Match[str]) -> bool:
    return text[match.end() :].lstrip(" ").startswith("%")


@dataclass
class NumberMiss:
    position: int  # 1-based, over the block's shown outputs
    line_in_output: int  # 0-based line of the shown output it is on
    shown: str
    got: str
    rule: Rule | None

    def describe(self, line: int) -> str:
        allowed = self.rule.describe() if self.rule else "exact (no rule covers it)"
        return (
            f"line {line}: number #{self.position}: the page shows {self.shown}, "
            f"the code printed {self.got}; tolerance {allowed}"
        )


@dataclass
class Comparison:
    words_match: bool
    misses: list[NumberMiss] = field(default_factory=list)
    merged: str = ""  # what the code printed, with in-tolerance numbers as the page shows them

    @property
    def ok(self) -> bool:
        return self.words_match and not self.misses


def _pattern(shown: str) -> re.Pattern[str]:
    """A regex for outputs that read like ``shown``: its words exactly, any number where it
    shows one, any whitespace where it has some (or next to a number), anything at ``...``."""
    parts = []
    position = 0
    numbers = shown_numbers(shown)
    spans = [(m.start(), m.end(), "number") for m in numbers]
    spans += [
        (m.start(), m.end(), "ellipsis")
        for m in re.finditer(re.escape(_ELLIPSIS), shown)
        if not any(s <= m.start() < e for s, e, _ in spans)
    ]
    spans += [
        (m.start(), m.end(), "space")
        for m in re.finditer(r"\s+", shown)
        if not any(s <= m.start() < e for s, e, _ in spans)
    ]
    for start, end, kind in sorted(spans):
        if start < position:
            continue
        parts.append(re.escape(shown[position:start]))
        if kind == "number":
            parts.append(rf"\s*(?<![\w.])({NUMBER})(?!\w)(?!\.\d)\s*")
        elif kind == "ellipsis":
            parts.append(r".*?")
        else:
            parts.append(r"\s+")
        position = end
    parts.append(re.escape(shown[position:]))
    pattern = "".join(parts)
    # "\s*\s+" and "\s+\s*" around a number: whitespace there may be absent altogether
    pattern = pattern.replace(r"\s*\s+", r"\s*").replace(r"\s+\s*", r"\s*")
    return re.compile(pattern, re.DOTALL)


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


def compare(shown: str, got: str, tolerance: Tolerance, first_position: int = 1) -> Comparison:
    """Compare one shown output with what was printed; ``first_position`` numbers the shown
    output's first number within its block."""
    shown_text, got_text = shown.strip(), got.strip()
    match = _pattern(shown_text).fullmatch(got_text)
    if match is None:
        return Comparison(words_match=False, merged=got)
    comparison = Comparison(words_match=True)
    merged, cursor = [], 0
    for index, expected in enumerate(shown_numbers(shown_text)):
        position = first_position + index
        printed = match.group(index + 1)
        start, end = match.span(index + 1)
        rule = tolerance.rule_for(position, is_percentage(shown_text, expected))
        shown_value, got_value = _decimal(expected.group()), _decimal(printed)
        if expected.group() == printed:
            keep = True
        elif rule is None or shown_value is None or got_value is None:
            keep = False
        else:
            keep = rule.allows(shown_value, got_value)
        merged.append(got_text[cursor:start])
        if keep:
            merged.append(expected.group())
        else:
            merged.append(printed)
            comparison.misses.append(
                NumberMiss(
                    position,
                    shown_text[: expected.start()].count("\n"),
                    expected.group(),
                    printed,
                    rule,
                )
            )
        cursor = end
    merged.append(got_text[cursor:])
    comparison.merged = "".join(merged) + "\n"
    return comparison
