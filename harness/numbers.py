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

# A number on its own: not glued to a word or to another number's dot (versions).  ASCII
# digits only: re's \d also takes "１２" or "١٢", which Decimal reads as 12, so a page could
# show other characters than the code prints and pass.
NUMBER = r"[-+]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?"
# Not glued to a word, a dot (versions) or a comma and digits: "1,234,5" (print(*xs, sep=","))
# is a list, not 1234 and 5, so it is words and compares exactly.
_ALONE = rf"(?<![\w.])(?<![0-9],)({NUMBER})(?!\w)(?!\.[0-9])(?!,[0-9])"
_NUMBER = re.compile(_ALONE)
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


_WS_BETWEEN = {"number": r"\s*", "space": r"\s+", "": ""}
_EDGE = {"number": "", "space": r"\s", "": ""}  # next to a "...", which takes the rest


def _segments(shown: str) -> list[str]:
    """Regexes for the parts of ``shown`` between its ``...``: its words exactly, any number
    where it shows one, any whitespace where it has some (or none next to a number).

    Why segments and not one regex with ``.*?`` for each ``...``: Python's ``re`` backtracks,
    and a pattern with several ``.*?`` (or with two whitespace quantifiers in a row) takes
    exponential time on an output that does not match: six numbers on a line of wide columns
    took 90 s, three ``...`` over a 4 kB output did not finish in two minutes, and this runs
    in the pytest process, where nothing stops it.  Here each part has exactly one whitespace
    quantifier between two words or numbers (so a run of spaces is consumed one way only) and
    the parts are found left to right as doctest's own ELLIPSIS does: linear in practice."""
    numbers = [(m.start(), m.end()) for m in shown_numbers(shown)]
    tokens: list[tuple[str, str]] = []  # ("number"|"word"|"space"|"ellipsis", text)
    position = 0
    for start, end in [*numbers, (len(shown), len(shown))]:
        for piece in re.split(r"(\.\.\.|\s+)", shown[position:start]):
            if piece == _ELLIPSIS:
                tokens.append(("ellipsis", piece))
            elif piece and piece.isspace():
                tokens.append(("space", piece))
            elif piece:
                tokens.append(("word", piece))
        if start < len(shown):
            tokens.append(("number", shown[start:end]))
        position = end
    segments: list[list[tuple[str, str]]] = [[]]
    for token in tokens:
        if token[0] == "ellipsis":
            segments.append([])
        else:
            segments[-1].append(token)
    return [
        _segment_regex(segment, after=index > 0, before=index < len(segments) - 1)
        for index, segment in enumerate(segments)
    ]


def _segment_regex(tokens: list[tuple[str, str]], after: bool, before: bool) -> str:
    """``after``/``before``: the part follows/precedes a ``...``, which absorbs whitespace
    there: one whitespace character stays required where the page shows a space."""
    parts: list[str] = []
    gap = ""  # the whitespace since the last word or number: "space", "number" (any) or ""
    for kind, text in tokens:
        if kind == "space":
            gap = gap or "space"
            continue
        if kind == "number":
            gap = "number"
        if parts:
            parts.append(_WS_BETWEEN[gap])
        elif gap:
            parts.append(_EDGE[gap] if after else _WS_BETWEEN[gap])
        if kind == "number":
            parts.append(_ALONE)
            gap = "number"
        else:
            parts.append(re.escape(text))
            gap = ""
    if gap:
        parts.append(_EDGE[gap] if before else _WS_BETWEEN[gap])
    return "".join(parts)


def _match(shown: str, got: str) -> list[tuple[int, int]] | None:
    """The spans in ``got`` of the shown numbers, in order, if ``got`` reads like ``shown``."""
    segments = _segments(shown)
    spans: list[tuple[int, int]] = []
    if len(segments) == 1:
        whole = re.fullmatch(segments[0], got)
        return None if whole is None else [whole.span(i + 1) for i in range(whole.re.groups)]
    first = re.match(segments[0], got)
    if first is None:
        return None
    spans += [first.span(i + 1) for i in range(first.re.groups)]
    cursor = first.end()
    for middle in segments[1:-1]:
        found = re.compile(middle).search(got, cursor)
        if found is None:
            return None
        spans += [found.span(i + 1) for i in range(found.re.groups)]
        cursor = found.end()
    found = re.compile(rf"(?:{segments[-1]})\Z").search(got, cursor)  # the last ends it
    if found is None:
        return None
    return spans + [found.span(i + 1) for i in range(found.re.groups)]


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


def compare(shown: str, got: str, tolerance: Tolerance, first_position: int = 1) -> Comparison:
    """Compare one shown output with what was printed; ``first_position`` numbers the shown
    output's first number within its block."""
    shown_text, got_text = shown.strip(), got.strip()
    spans = _match(shown_text, got_text)
    if spans is None:
        return Comparison(words_match=False, merged=got)
    comparison = Comparison(words_match=True)
    merged, cursor = [], 0
    for index, expected in enumerate(shown_numbers(shown_text)):
        position = first_position + index
        start, end = spans[index]
        printed = got_text[start:end]
        rule = tolerance.rule_for(position, is_percentage(shown_text, expected))
        shown_value, got_value = _decimal(expected.group()), _decimal(printed)
        if expected.group() == printed:
            keep = True
        elif rule is None or shown_value is None or got_value is None:
            keep = False
        else:
            try:
                keep = rule.allows(shown_value, got_value)
            except ArithmeticError:  # 1e999999999 overflows Decimal's context: not "close"
                keep = False
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
