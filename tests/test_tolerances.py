"""Number-aware comparison (harness/numbers.py): a shown number may differ from what the code
prints within the tolerance its page declares; a changed word, or a number outside its
tolerance, fails naming page, line and number; docs-update rewrites only numbers outside.
"""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from harness import judge
from harness.examples import blocks
from harness.numbers import compare, parse_tolerance, shown_numbers
from harness.run_block import Outcome, Printed
from tests.sites import ROOT, make_site, run_inprocess
from tests.test_block_running import example_run, page, py

FENCE = "```"


def rules(text: str):
    tolerance, problem = parse_tolerance(text, 1)
    assert problem is None, problem
    return tolerance


def only(text: str):
    [block] = blocks(text, "docs/p.md", ROOT)
    return block


def printed(text: str) -> Outcome:
    return Outcome(printed=Printed(text, "", len(text)))


# --- the rules ------------------------------------------------------------------------------
def test_rules_parse_amounts_scopes_and_the_reason():
    tolerance = rules("±0.02 #3:any #4-5:±1% +-0.5pp 线程数会改变最后几位")
    assert [(r.kind, r.amount, r.first, r.last) for r in tolerance.rules] == [
        ("abs", Decimal("0.02"), None, None),
        ("any", Decimal(0), 3, 3),
        ("rel", Decimal(1), 4, 5),
        ("pp", Decimal("0.5"), None, None),
    ]
    assert tolerance.reason == "线程数会改变最后几位"
    assert tolerance.rule_for(3, percent=False).kind == "any"
    assert tolerance.rule_for(1, percent=True).kind == "pp"
    assert tolerance.rule_for(1, percent=False).kind == "abs"


@pytest.mark.parametrize("text", ["理由", "±0.02", "±0.02 \u200b", "#2:±x 理由", "#3-1:any 理由"])
def test_rules_without_amount_or_reason_are_refused(text):
    tolerance, problem = parse_tolerance(text, 7)
    assert tolerance is None and problem and "line 7" in problem


def test_numbers_are_literals_on_their_own_not_digits_in_words_or_versions():
    text = "torch 2.14.1 float32 conv1: 101,770 个参数，损失 -0.25，学习率 3e-05，(1, 2)"
    assert [m.group() for m in shown_numbers(text)] == ["101,770", "-0.25", "3e-05", "1", "2"]


# --- the comparison -------------------------------------------------------------------------
def test_numbers_inside_their_tolerance_match_and_keep_the_page_form():
    shown = "参数 101,770，用时 12.3 秒，准确率 97.1%\n"
    got = "参数 101,770，用时 15.9 秒，准确率 97.42%\n"
    comparison = compare(shown, got, rules("±0.5pp #2:any 用时因机器而异"))
    assert comparison.ok and comparison.merged == shown


def test_whitespace_next_to_a_number_may_change_as_tensor_columns_realign():
    comparison = compare(
        "tensor([ 0.1234, -0.5000])", "tensor([-0.1231, -0.5003])", rules("±0.001 r")
    )
    assert comparison.words_match and [m.position for m in comparison.misses] == [1]
    assert comparison.misses[0].got == "-0.1231"


def test_a_changed_word_fails_even_with_any_number_allowed():
    assert not compare("torch 2.14.1 准确率 97%", "torch 2.15.0 准确率 97%", rules("any r")).ok
    assert not compare("训练 3 轮", "测试 3 轮", rules("any r")).words_match


def test_a_number_no_rule_covers_must_be_exact():
    comparison = compare("第 3 轮：0.51", "第 4 轮：0.52", rules("#2:±0.05 r"))
    assert [(m.position, m.rule) for m in comparison.misses] == [(1, None)]


def test_relative_tolerance_scales_with_the_shown_number():
    assert compare("1000.0 0.010", "1009.0 0.0101", rules("±1% r")).ok
    assert not compare("1000.0", "1011.0", rules("±1% r")).ok


# --- what a contributor sees ----------------------------------------------------------------
TOLERANT = "<!-- tolerance: ±0.02 #2:any 线程数会改变最后几位 -->"


def test_judge_passes_in_tolerance_and_names_page_line_and_number_outside():
    block = only(page(py("print(report)", "准确率 0.971\n用时 1.5 秒", TOLERANT)))
    assert judge.judge(block, printed("准确率 0.963\n用时 9.8 秒\n"), [], False).failure is None
    verdict = judge.judge(block, printed("准确率 0.931\n用时 9.8 秒\n"), [], False)
    assert verdict.failure is not None
    assert (
        "docs/p.md, line 9: number #1: the page shows 0.971, the code printed 0.931; "
        "tolerance ±0.02"
    ) in verdict.failure
    assert "declared at line 3" in verdict.failure
    [difference] = verdict.differences
    assert difference.got == "准确率 0.931\n用时 1.5 秒\n"  # docs-update: only the miss moves


def test_judge_of_a_session_counts_numbers_across_its_examples():
    session = ">>> a\n0.50\n>>> b\n7 秒\n>>> c\n0.25"
    block = only(page(py(session, marker="<!-- tolerance: ±0.01 #2:any 第 2 个是用时 -->")))
    runs = [example_run("0.505\n"), example_run("99 秒\n"), example_run("0.29\n")]
    verdict = judge.judge(block, Outcome(examples=runs), [], False)
    assert verdict.failure and "number #3: the page shows 0.25, the code printed 0.29" in (
        verdict.failure
    )
    assert "docs/p.md, line 10:" in verdict.failure  # the shown output's line, not >>> c's
    assert "line 9" not in verdict.failure
    assert [d.got for d in verdict.differences] == ["0.29\n"]


# --- red team (rt): each of these once made a wrong output pass, crashed or hung the run ----
def test_an_output_that_does_not_match_is_refused_in_linear_time():
    """One regex with a .*? per "..." and two whitespace quantifiers between numbers
    backtracked exponentially in the pytest process: 90 s for six numbers in wide columns,
    over two minutes for three "..." in 4 kB.  Each case here must take milliseconds."""
    wide = rules("±0.1 抖动")
    cases = [
        (
            " ".join(map(str, range(1, 201))) + " end",
            (" " * 30).join(map(str, range(1, 201))) + " END",
        ),
        (" ... ".join(["a"] * 50) + " ... 1 b", "a " * 60000 + "1 c"),
        ("1 ... 2 ... 3", " " * 120000 + "1"),
    ]
    for shown, got in cases:
        started = time.perf_counter()
        assert not compare(shown, got, wide).ok
        assert time.perf_counter() - started < 2, shown[:40]
    assert compare(" ... ".join(["a"] * 50) + " ... 1 b", "a " * 600 + "1.05 b", wide).ok


@pytest.mark.parametrize(
    ("shown", "got"),
    [
        ("１２", "12"),  # full-width digits: Decimal reads them as 12, a reader sees others
        ("١٢", "12"),  # Arabic-Indic digits
        ("1,234,5", "1,240,5"),  # print(*xs, sep=","): a list, not 1234 and 5
    ],
)
def test_only_ascii_numbers_standing_alone_get_a_tolerance(shown, got):
    assert not compare(shown, got, rules("any 任意")).ok


def test_a_number_too_large_for_decimal_is_a_miss_not_a_crash():
    comparison = compare("x 1e999999999", "x 1", rules("±0.1 抖动"))
    assert not comparison.ok and comparison.misses[0].shown == "1e999999999"


def test_rules_that_do_not_fit_the_shown_output_are_page_mistakes():
    no_numbers = only(page(py("print('好')", "好", TOLERANT)))
    assert "holds no number" in (no_numbers.problem or "")
    too_few = only(page(py("print(1)", "1", "<!-- tolerance: #4:any 理由 -->")))
    assert "the block shows 1 numbers" in (too_few.problem or "")
    not_percent = only(page(py("print(1)", "1", "<!-- tolerance: ±1pp 理由 -->")))
    assert "is for percentages" in (not_percent.problem or "")
    assert "unknown marker <!-- tol -->" in (
        only(page(py("print(1)", "1", "<!-- tol: ±1 理由 -->"))).problem or ""
    )


# --- in a throw-away site: pytest, then docs-update --------------------------------------------
PAGE = page(
    py("print(0.5 + 0.0049)\nprint('用时', 3.25, '秒')", "0.5\n用时 1.00 秒", TOLERANT),
    py(">>> print(round(2 / 3, 3))\n0.67", marker="<!-- tolerance: ±0.001 四舍五入 -->"),
)


def test_in_a_site_docs_update_rewrites_only_numbers_outside_their_tolerance(tmp_path, pytester):
    site = make_site(tmp_path, {"docs/p.md": PAGE})
    run = run_inprocess(pytester, site, "docs/p.md")
    assert run.returncode == 1
    assert "number #1: the page shows 0.67, the code printed 0.667; tolerance ±0.001" in (
        run.stdout
    )
    assert "1 passed" in run.stdout  # the 输出 block: 0.5049 within ±0.02, the timing any
    update = run_inprocess(pytester, site, "docs/p.md", "--docs-update")
    assert update.returncode == 0, update.stdout
    text = (site / "docs" / "p.md").read_text(encoding="utf-8")
    assert text == PAGE.replace("\n0.67\n", "\n0.667\n")  # the rest, markers too, untouched
    assert run_inprocess(pytester, site, "docs/p.md").returncode == 0
