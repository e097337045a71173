"""Judge what a block did against what its page shows, in the pytest process.

The page's process only reports (run_block.py): what each example printed and raised, what
reached standard error, which warnings were raised.  The comparison happens here, with
doctest's OutputChecker and the page text as pytest parsed it, so a page that patches doctest
or the harness in its own process changes nothing here.

``>>>`` examples are judged as doctest's runner judges them (``DocTestRunner.__run``): the
printed output against ``want``, or an exception's ``traceback.format_exception_only`` text
against ``exc_msg``; the failure reports are doctest's own.
"""

from __future__ import annotations

import doctest
import io
from dataclasses import dataclass, field

from . import warns
from .examples import Block
from .numbers import Comparison, Tolerance, compare, shown_numbers
from .outputs import Difference, Raised, error_form, exception_only, shown_form, unwritable
from .run_block import Outcome, Printed, example_line

DOCTEST_FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
HEAD_LINES, TAIL_LINES = 40, 10  # what a failure message keeps of a long text
HEAD_CHARS, TAIL_CHARS = 8000, 2000  # and of very long lines


@dataclass
class Verdict:
    """What pytest concludes from one block's ``Outcome``."""

    failure: str | None = None
    differences: list[Difference] = field(default_factory=list)
    raised: list[Raised] = field(default_factory=list)
    warnings_seen: list[warns.Seen] = field(default_factory=list)
    warning_failures: list[tuple[str, int, str]] = field(default_factory=list)
    passed_on: list[tuple[str, str, str, int]] = field(default_factory=list)  # for pass_on


def shorten(text: str, head: int = HEAD_LINES, tail: int = TAIL_LINES) -> str:
    """A long text's first and last lines, and how many were left out between them."""
    lines = text.split("\n")
    if len(lines) > head + tail + 1:
        left_out = len(lines) - head - tail
        tail_lines = lines[len(lines) - tail :]
        text = "\n".join([*lines[:head], f"… {left_out} lines left out …", *tail_lines])
    if len(text) > HEAD_CHARS + TAIL_CHARS + 100:
        left_out = len(text) - HEAD_CHARS - TAIL_CHARS
        text = f"{text[:HEAD_CHARS]}… {left_out} characters left out …{text[-TAIL_CHARS:]}"
    return text


def too_long(where: str, printed: Printed, who: str = "block") -> str:
    return (
        f"{where}: the {who} printed {printed.size / 2**20:.1f} MB "
        f"({printed.size} characters); a page cannot show that much. It began:\n"
        + shorten(printed.head, HEAD_LINES, 0)
    )


def judge(block: Block, outcome: Outcome, earlier: list[Raised], update: bool) -> Verdict:
    """``earlier``: the unexpected errors of this page's earlier blocks."""
    verdict = Verdict()
    if outcome.failure:  # the harness itself failed in the page's process
        verdict.failure = outcome.failure
        return verdict
    raised = list(earlier)
    if block.kind == "doctest":
        failures = _doctest(block, outcome, raised, update, verdict)
    else:
        failures = _code(block, outcome, raised, update, verdict)
    if outcome.stopped:
        failures.append(outcome.stopped)
    if outcome.warned or block.expected_warning:
        failures += _warnings(block, outcome.warned, verdict)
    failures += _streams(block, outcome)
    verdict.failure = "\n".join(shorten(failure) for failure in failures) if failures else None
    return verdict


def _doctest(
    block: Block, outcome: Outcome, raised: list[Raised], update: bool, verdict: Verdict
) -> list[str]:
    try:
        test = doctest.DocTestParser().get_doctest(
            block.fence.body, {}, block.page, block.page, block.fence.line
        )
    except ValueError:
        return []  # the page's process could not parse it either: outcome.stopped says why
    runner = doctest.DocTestRunner(optionflags=DOCTEST_FLAGS)
    checker = doctest.OutputChecker()
    reports = []
    if len(outcome.examples) != len(test.examples) and not outcome.stopped:
        # e.g. a page that patched doctest's parser in its process: no example goes unjudged
        reports.append(
            f"{block.where}: {len(test.examples)} examples on the page, "
            f"{len(outcome.examples)} reported by its process\n"
        )
    position = 1  # of the example's first shown number, within the block (tolerances)
    for example, run in zip(test.examples, outcome.examples, strict=False):
        first_number, comparison = position, None
        if example.exc_msg is None:
            position += len(shown_numbers(example.want))
        if run is None:
            continue  # +SKIP
        flags = DOCTEST_FLAGS
        for option, on in example.options.items():
            flags = flags | option if on else flags & ~option
        line = example_line(block, example)
        if not run.got.whole:
            reports.append(too_long(f"{block.page}, line {line}", run.got, "example"))
            continue
        got = run.got.text
        if run.exc_msg is None:
            if checker.check_output(example.want, got, flags):
                continue
            if block.tolerance is not None:
                comparison = compare(example.want, got, block.tolerance, first_number)
                if comparison.ok:
                    continue
        else:
            got += run.traceback
            if example.exc_msg is None:  # doctest's BOOM: an error the page does not show
                error = Raised(block.page, line, run.error)
                raised.append(error)
                verdict.raised.append(error)
                reports.append(
                    runner._failure_header(test, example)  # type: ignore[attr-defined]
                    + "Exception raised:\n"
                    + doctest._indent(run.traceback)  # type: ignore[attr-defined]
                )
                continue
            if checker.check_output(example.exc_msg, run.exc_msg, flags):
                continue
            if flags & doctest.IGNORE_EXCEPTION_DETAIL:
                strip = doctest._strip_exception_details  # type: ignore[attr-defined]
                if checker.check_output(strip(example.exc_msg), strip(run.exc_msg), flags):
                    continue
        keep = comparison.merged if comparison and comparison.words_match else got
        difference = _doctest_difference(block, example, keep, raised)
        verdict.differences.append(difference)
        if update and difference.problem is None:
            continue
        if comparison and comparison.words_match and block.tolerance:
            # difference.line is already the shown output's first line (not the example's)
            reports.append(_number_report(block.page, difference.line, comparison, block.tolerance))
            continue
        report = io.StringIO()
        runner.optionflags = flags
        runner.report_failure(report.write, test, example, got)
        reports.append(report.getvalue())
    return ["".join(reports)] if reports else []


def _doctest_difference(
    block: Block, example: doctest.Example, got: str, raised: list[Raised]
) -> Difference:
    line = example_line(block, example)

    def difference(kind: str, now: str, problem: str | None) -> Difference:
        return Difference(
            block.page,
            line + example.source.count("\n"),
            example.want.count("\n"),
            block.fence.indent + " " * example.indent,
            kind,
            example.want,
            now,
            problem,
        )

    if example.exc_msg is not None:
        exception = exception_only(got)
        if exception is None:
            return difference(
                "error",
                shown_form(got, doctest_form=True),
                f"the example at line {line} no longer raises an exception",
            )
        return difference("error", error_form(exception), _earlier_raise(raised))
    new = shown_form(got, doctest_form=True)
    problem = _earlier_raise(raised) or unwritable(new)
    if not problem and not new:
        problem = f"the example at line {line} prints nothing now"
    if not problem and any(shown.lstrip().startswith(">>>") for shown in new.splitlines()):
        problem = f"the output of line {line} contains '>>>' and cannot be shown as doctest output"
    return difference("doctest", new, problem)


def _earlier_raise(raised: list[Raised]) -> str | None:
    """An output after an unexpected error on the same page may only show its consequence
    (a NameError, a value never updated): not something to write into the page."""
    for error in raised:
        return (
            f"an earlier example on this page raised ({error.error.splitlines()[0]}, "
            f"line {error.line}); fix that first"
        )
    return None


def _code(
    block: Block, outcome: Outcome, raised: list[Raised], update: bool, verdict: Verdict
) -> list[str]:
    if outcome.raised is not None:
        error = Raised(block.page, block.fence.line, outcome.error)
        raised.append(error)
        verdict.raised.append(error)
        return [
            f"{block.where}: the block raised an error the page does not expect "
            f"(show expected errors as a >>> session):\n{outcome.raised}"
        ]
    printed = outcome.printed or Printed()
    if not printed.whole:
        return [too_long(block.where, printed)]
    got = printed.text
    output = block.fence.output
    if output is None:
        if got.strip():
            verdict.differences.append(
                Difference(
                    block.page,
                    block.fence.line,
                    0,
                    block.fence.indent,
                    "output",
                    "",
                    shown_form(got, doctest_form=False),
                    problem="the page shows no 输出 block for it",
                )
            )
            return [
                f"{block.where}: this block prints, but the page shows no output.\n"
                f'Add a ```text title="输出"``` block after it with:\n{got}'
            ]
        return []
    checker = doctest.OutputChecker()
    if checker.check_output(output.body, got, DOCTEST_FLAGS):
        return []
    comparison = None
    if block.tolerance is not None:
        comparison = compare(output.body, got, block.tolerance)
        if comparison.ok:
            return []
    keep = comparison.merged if comparison and comparison.words_match else got
    new = shown_form(keep, doctest_form=False)
    difference = Difference(
        block.page,
        output.body_line,
        output.body.count("\n"),
        output.indent,
        "output",
        output.body,
        new,
        problem=_earlier_raise(raised)
        or unwritable(new, doctest_form=False)  # an 输出 line may start with "..."
        or (None if new else "the block prints nothing now"),
    )
    verdict.differences.append(difference)
    if update and difference.problem is None:
        return []
    if comparison and comparison.words_match and block.tolerance:
        return [_number_report(block.page, output.body_line, comparison, block.tolerance)]
    shown_example = doctest.Example("", output.body)
    return [
        f"{block.page}, line {output.line}: the 输出 block does not match what the code "
        f"printed.\n" + checker.output_difference(shown_example, got, DOCTEST_FLAGS)
    ]


def shown_output_failure(
    where: str, shown: str, got: str, tolerance: Tolerance | None, first_line: int
) -> str | None:
    """A block's shown output against what was printed, as an 输出 block is judged: None when
    it matches (doctest's rules, then numbers within ``tolerance``), else the report."""
    checker = doctest.OutputChecker()
    if checker.check_output(shown, got, DOCTEST_FLAGS):
        return None
    if tolerance is not None:
        comparison = compare(shown, got, tolerance)
        if comparison.ok:
            return None
        if comparison.words_match:
            return _number_report(where, first_line, comparison, tolerance)
    return f"{where}, line {first_line}: the shown output does not match what was printed.\n" + (
        checker.output_difference(doctest.Example("", shown), got, DOCTEST_FLAGS)
    )


def _number_report(page: str, first_line: int, comparison: Comparison, tolerance: Tolerance) -> str:
    """Each number outside its tolerance, with its page line; ``first_line``: the page line of
    the shown output's first line."""
    misses = "\n".join(
        f"  {page}, " + miss.describe(first_line + miss.line_in_output)
        for miss in comparison.misses
    )
    return (
        f"{page}, line {first_line}: numbers outside the tolerance declared at line "
        f"{tolerance.line}:\n{misses}\n"
    )


def _streams(block: Block, outcome: Outcome) -> list[str]:
    failures = []
    if outcome.between.text.strip():
        failures.append(
            f"{block.where}: output was written after the previous block had finished and "
            "before this one began (a thread or a process still printing), so the page cannot "
            f"check it; join threads and wait for processes inside the block:\n"
            f"{shorten(outcome.between.text)}"
        )
    if outcome.fd1.size and outcome.fd1.text.strip():
        failures.append(
            f"{block.where}: the block printed outside Python's sys.stdout (C code, a child "
            f"process, or a forked one such as a DataLoader worker with num_workers > 0), in no "
            f"fixed order, so the page cannot check it; print from the main process:\n"
            f"{shorten(outcome.fd1.text)}"
        )
    written = outcome.stderr.text + outcome.fd2.text
    if written.strip() and not block.fence.marker("stderr"):
        failures.append(
            f"{block.where}: the block wrote to standard error, which a reader sees but the page "
            f"does not show:\n{shorten(written)}\nPrint to stdout and show it, or, for output "
            f"such as a progress bar, put <!-- stderr: 理由 --> on the line before the fence."
        )
    return failures


def _warnings(block: Block, warned: list[warns.Warned], verdict: Verdict) -> list[str]:
    expected = tuple(cls.__name__ for cls in block.expected_warning)
    seen, deprecations, expected_seen, passed_on = warns.review(warned, expected)
    verdict.warnings_seen = seen
    verdict.passed_on = passed_on
    where = (block.page, block.fence.line)
    for warning in deprecations:
        verdict.warning_failures.append((*where, f"raises {warning.category}: {warning.message}"))
    names = "|".join(expected)
    if expected and not expected_seen:
        verdict.warning_failures.append(
            (*where, f"no longer raises the {names} its <!-- warns --> marker expects")
        )
    failures = []
    if deprecations:
        listing = "\n".join(f"  {warning.describe()}" for warning in deprecations)
        failures.append(
            f"{block.where}: the example triggers a deprecation warning:\n{listing}\n"
            f"Use the current API. To demonstrate the warning on purpose, put "
            f"<!-- warns: {deprecations[0].category} 理由 --> on the line before the fence."
        )
    if expected and not expected_seen:
        others = "".join(f"\n  {warning.describe()}" for warning in seen)
        failures.append(
            f"{block.where}: <!-- warns: {names} --> at line "
            f"{getattr(block.fence.marker('warns'), 'line', '?')}, but the block raised no {names}"
            + (f"; it raised:{others}" if others else " (it raised no warning at all)")
        )
    return failures
