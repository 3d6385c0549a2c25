"""Progress reports typed in one chat line, read against the sample plan's indicators and tasks."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from config import settings as app_settings
from storage.documents import load_plan
from storage.typed_reports import (
    MAX_LENGTH,
    IndicatorInfo,
    ReportReader,
    TaskInfo,
    TypedReport,
    read_typed_report,
    report_reader,
)
from storage.vietnamese import (
    Lang,
    Qualifier,
    Quantity,
    VietnameseParseError,
    _plain,
    format_number,
)


@cache
def sample() -> tuple[tuple[IndicatorInfo, ...], dict[str, TaskInfo], tuple[str, ...]]:
    """The sample plan's indicators, tasks (by code) and organization codes."""
    plan = load_plan(app_settings.SAMPLE_PLAN)
    indicators = tuple(IndicatorInfo(i.code, i.unit, i.kind) for i in plan.indicators)
    tasks = {t.code: TaskInfo(t.code, dict(t.targets)) for t in plan.tasks}
    return indicators, tasks, tuple(o.code for o in plan.organizations)


INDICATORS, TASKS, ORGS = sample()
ALL_UNITS = ", ".join(i.unit for i in INDICATORS)
ALL_CHOICES = ", ".join(f"{i.code} ({i.unit})" for i in INDICATORS)


class Lookup:
    """find_task over the sample's tasks, remembering what it was asked."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def __call__(self, code: str) -> TaskInfo | None:
        self.asked.append(code)
        return TASKS.get(code)


def read(text: str, lang: Lang = "vi") -> TypedReport:
    return read_typed_report(
        text, find_task=Lookup(), indicators=INDICATORS, org_codes=ORGS, lang=lang
    )


def refusal(text: str, lang: Lang = "vi") -> tuple[str, dict[str, str]]:
    with pytest.raises(VietnameseParseError) as caught:
        read(text, lang)
    return caught.value.code, caught.value.params


def q(value: int | str, qualifier: Qualifier | None = None) -> Quantity:
    return Quantity(Decimal(value), qualifier)


# --- the examples officers type ----------------------------------------------------------------

EXAMPLES = [
    (
        "R09: đã xây dựng 14/20 tổ tự quản",
        TypedReport("R09", None, {"MH": q(14)}, {"MH": Decimal(20)}, "đã xây dựng tổ tự quản"),
    ),
    (
        "CT01 HND 22 hội nghị, 6.150 lượt người",
        TypedReport("CT01", "HND", {"HN": q(22), "LN": q(6150)}, {}, ""),
    ),
    ("R27 LN 2100", TypedReport("R27", None, {"LN": q(2100)}, {}, "")),
    ("r27 ln 2.100", TypedReport("R27", None, {"LN": q(2100)}, {}, "")),
    (
        "CT04 xây mới 15 ngôi nhà, trị giá trên 7 tỷ đồng",
        TypedReport("CT04", None, {"NHA": q(15), "TIEN": q(7000, "over")}, {}, "xây mới, trị giá"),
    ),
    (
        "CT06: 1.200 suất quà, gần 500 triệu đồng",
        TypedReport("CT06", None, {"SQ": q(1200), "TIEN": q(500, "approx")}, {}, ""),
    ),
]


@pytest.mark.parametrize(("text", "expected"), EXAMPLES)
def test_the_design_examples_read_exactly(text: str, expected: TypedReport) -> None:
    """Each example line of the brief gives its task, organization, values, targets and remark."""
    assert read(text) == expected


def test_values_keep_the_typed_order() -> None:
    """Values come out in the order they were typed, whatever the indicator order."""
    assert list(read("CT05 62.000 lượt người, 795 buổi").values) == ["LN", "BUOI"]
    assert list(read("CT05 795 buổi, 62.000 lượt người").values) == ["BUOI", "LN"]


@pytest.mark.parametrize(
    "text",
    [
        "CT01 HND 22 hoi nghi, 6.150 luot nguoi",
        "ct01 hnd 22 HỘI NGHỊ, 6.150 Lượt Người",
        "  CT01   HND   22  hội nghị ,   6.150   lượt người  ",
        "CT01 HND 22 hội nghị; 6.150 lượt người",
        "CT01 HND 22 hội nghị và 6.150 lượt người",
        "CT01 HND 22 hoi nghi va 6.150 luot nguoi",
        "CT01 HND\n22 hội nghị\n6.150 lượt người",
        "CT01: HND: 22 hội nghị, 6.150 lượt người",
        "CT01 HND 22 hội nghị 6.150 lượt người",
        "CT01 HND 22 HN, 6.150 LN",
        "CT01 HND HN 22, LN 6.150",
        "CT01 HND hn: 22; ln = 6.150",
        "CT01 HND 22 HN 6.150 LN",
        "CT01 HND HN 22 LN 6.150",
        "CT01 HND\n- 22 hội nghị\n- 6.150 lượt người",
        "CT01 22 hội nghị, 6.150 lượt người HND",
    ],
)
def test_the_same_report_typed_many_ways(text: str) -> None:
    """Diacritics, case, spaces, separators, bullets and code-or-unit style do not change it."""
    report = read(text)
    assert (report.task, report.org, report.values, report.remark) == (
        "CT01",
        "HND",
        {"HN": q(22), "LN": q(6150)},
        "",
    )


def test_english_users_write_english_separators() -> None:
    """lang="en" reads 6,150 as six thousand one hundred fifty, with indicator codes."""
    report = read("CT01 HND 22 HN, 6,150 LN", lang="en")
    assert report == TypedReport("CT01", "HND", {"HN": q(22), "LN": q(6150)}, {}, "")
    assert read("CT06 over 7 billion VND and 1,200 SQ", lang="en").values == {
        "TIEN": q(7000, "over"),
        "SQ": q(1200),
    }


def test_filler_words_are_left_for_the_remark() -> None:
    """Verbs and connectives do not disturb the figures; they come back tidied as the remark."""
    report = read("CT01 đã tổ chức 22 hội nghị cho gần 45.000 lượt người là cán bộ, đoàn viên")
    assert report.values == {"HN": q(22), "LN": q(45000, "approx")}
    assert report.remark == "đã tổ chức cho là cán bộ, đoàn viên"


def test_the_longest_unit_wins() -> None:
    """ "lượt người" is reach (LN), not "người" (NGUOI); a bare "người" is NGUOI."""
    assert read("CT02 1.600 lượt người").values == {"LN": q(1600)}
    assert read("CT02 1.600 người").values == {"NGUOI": q(1600)}
    assert read("CT02 1.600 nguoi").values == {"NGUOI": q(1600)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("R10 500.000.000 đồng", q(500)),  # đồng into triệu đồng
        ("R10 500.000.000đ", q(500)),
        ("R10 4.000 triệu đồng", q(4000)),  # the indicator's own unit
        ("R10 4.000 trieu", q(4000)),  # a scale word alone is money
        ("R10 4 tỷ", q(4000)),
        ("R10 2 tỷ 500 triệu", q(2500)),
        ("R10 khoảng 2,5 tỷ đồng", q(2500, "approx")),
        ("R10 TIEN 4.000", q(4000)),  # code: a bare number in the indicator's unit
        ("R10 4.000", q(4000)),  # the task's only target
    ],
)
def test_money_goes_to_the_money_indicator_in_its_unit(text: str, expected: Quantity) -> None:
    """Amounts with scale or currency words land in TIEN converted to million đồng."""
    assert read(text).values == {"TIEN": expected}


def test_scale_words_multiply_counted_units() -> None:
    """ "2 nghìn lượt người" is 2.000 person-times, not money."""
    assert read("CT05 2 nghìn lượt người").values == {"LN": q(2000)}
    assert read("CT05 6k lượt người").values == {"LN": q(6000)}


def test_qualifiers_with_and_without_diacritics() -> None:
    """gần/gan, trên/tren, hơn/hon, khoảng, ~ and > keep their meaning beside the number."""
    report = read("CT05 gần 10 buổi, tren 20 lượt người, hon 30 người, ~ 4 lớp, khoảng 5 mô hình")
    assert report.values == {
        "BUOI": q(10, "approx"),
        "LN": q(20, "over"),
        "NGUOI": q(30, "more_than"),
        "LOP": q(4, "approx"),
        "MH": q(5, "approx"),
    }


def test_a_number_without_a_known_unit_goes_to_the_only_target() -> None:
    """With one target indicator, a bare number or an unknown unit word is that indicator."""
    assert read("R27 2100").values == {"LN": q(2100)}
    assert read("R04 đóng góp 1.500 công lao động").values == {"NC": q(1500)}
    assert read("CT04 15 nhà").values == {"NHA": q(15)}  # "nhà" alone is no unit; NHA targeted


def test_times_are_not_figures() -> None:
    """ "năm 2019" and "6 tháng" are periods, kept in the remark, not read as values."""
    report = read("R36 12 tác phẩm năm 2019, trong 6 tháng")
    assert report.values == {"SP": q(12)}
    assert report.remark == "năm 2019, trong 6 tháng"


def test_targets_said_belong_to_their_indicator() -> None:
    """The "/20" of "14/20" is kept per indicator and does not become a value."""
    report = read("CT03 đạt 5 / 12 xã, 3/4 mô hình")
    assert report.values == {"XA": q(5), "MH": q(3)}
    assert report.targets_said == {"XA": Decimal(12), "MH": Decimal(4)}


def test_the_task_code_may_be_split_from_its_number() -> None:
    """ "CT 01" is read as CT01 when CT is not a task; find_task is asked at most twice."""
    lookup = Lookup()
    reader = report_reader(INDICATORS, ORGS)
    assert reader.read("CT 01 22 HN", lookup).task == "CT01"
    assert lookup.asked == ["CT", "CT01"]
    lookup = Lookup()
    assert reader.read("ct 01 22 HN", lookup).values == {"HN": q(22)}
    assert lookup.asked == ["CT01"]


def test_find_task_is_asked_once_with_the_upper_cased_token() -> None:
    """A program may have 100,000 tasks: the reader asks for one code, never for the list."""
    lookup = Lookup()
    report_reader(INDICATORS, ORGS).read("r27: ln 2.100", lookup)
    assert lookup.asked == ["R27"]


def test_an_org_code_that_is_also_an_indicator_code() -> None:
    """Such a token is the organization only right after the task code, elsewhere an indicator."""
    indicators = (*INDICATORS, IndicatorInfo("TD", "tình nguyện viên", "persons"))
    reader = ReportReader(indicators, ORGS)
    lookup = Lookup()
    report = reader.read("R13 TD 40 TD", lookup)
    assert (report.org, report.values) == ("TD", {"TD": q(40)})
    report = reader.read("R13 40 TD", lookup)
    assert (report.org, report.values) == (None, {"TD": q(40)})


def test_the_reader_is_compiled_once_per_program() -> None:
    """The same indicators, organizations and language give back the same compiled reader."""
    assert report_reader(INDICATORS, ORGS) is report_reader(list(INDICATORS), set(ORGS))
    assert report_reader(INDICATORS, ORGS) is not report_reader(INDICATORS, ORGS, "en")


# --- refusals ----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\n\t "])
def test_empty(text: str) -> None:
    """Nothing but whitespace is typed_empty."""
    assert refusal(text) == ("typed_empty", {})


def test_too_long() -> None:
    """More than 1000 characters is refused before any reading, with the limit."""
    assert refusal("CT01 22 HN " + "x" * MAX_LENGTH) == ("typed_too_long", {"limit": "1000"})
    assert read("CT01 22 HN" + " " * (MAX_LENGTH - 10)).values == {"HN": q(22)}


@pytest.mark.parametrize("text", ["xin chào", "Xin chào bạn", "đã làm 5 hội nghị", "?? CT01 5"])
def test_no_task(text: str) -> None:
    """A line that does not start with something code-like is typed_no_task, with the text."""
    assert refusal(text) == ("typed_no_task", {"text": text})


def test_unknown_task() -> None:
    """A code-like first token that find_task does not know is unknown_task, upper-cased."""
    assert refusal("ct99: 5 hội nghị") == ("unknown_task", {"task": "CT99"})
    assert refusal("XIN: 5") == ("unknown_task", {"task": "XIN"})
    assert refusal("XIN 5") == ("unknown_task", {"task": "XIN5"})  # as "CT 01" is CT01


@pytest.mark.parametrize("text", ["CT01", "CT01 HND", "CT01: đã tổ chức hội nghị", "R36 năm 2019"])
def test_no_values(text: str) -> None:
    """A known task with no figure is typed_no_values, with the canonical task code."""
    assert refusal(text) == ("typed_no_values", {"task": "CT01" if "CT01" in text else "R36"})


def test_unknown_unit() -> None:
    """A unit word no indicator has, on a task without exactly one target (or whose one target
    is already given), names the unit."""
    assert refusal("CT05 120 cây xanh") == (
        "typed_unknown_unit",
        {"unit": "cây xanh", "task": "CT05", "units": ALL_UNITS},
    )
    assert refusal("R09 80%") == (
        "typed_unknown_unit",
        {"unit": "%", "task": "R09", "units": ALL_UNITS},
    )
    assert refusal("CT01 22 hội nghị cho 45.000 lượt cán bộ") == (
        "typed_unknown_unit",
        {"unit": "lượt cán bộ", "task": "CT01", "units": ALL_UNITS},
    )
    assert ALL_UNITS.startswith("hội nghị, buổi, lớp, mô hình, lượt người, người")


def test_which_indicator() -> None:
    """A bare number on a task with no or several targets asks which indicator, with choices."""
    assert refusal("CT05 gần 120") == (
        "typed_which_indicator",
        {"task": "CT05", "number": "gần 120", "choices": ALL_CHOICES},
    )
    two = ReportReader(INDICATORS, ORGS)
    with pytest.raises(VietnameseParseError) as caught:
        two.read("CT01 22", lambda code: TaskInfo("CT01", {"HN": Decimal(150), "LN": Decimal(1)}))
    assert (caught.value.code, caught.value.params) == (
        "typed_which_indicator",
        {"task": "CT01", "number": "22", "choices": "HN (hội nghị), LN (lượt người)"},
    )


def test_money_without_one_money_indicator() -> None:
    """Money typed where the program has no money indicator, or two, is refused clearly."""
    no_money = ReportReader([i for i in INDICATORS if i.kind != "money"], ORGS)
    with pytest.raises(VietnameseParseError) as caught:
        no_money.read("CT06 7 tỷ đồng", Lookup())
    assert caught.value.code == "typed_unknown_unit"
    assert caught.value.params["unit"] == "tỷ đồng"
    loans = IndicatorInfo("VAY", "triệu đồng vay", "money")
    two_money = ReportReader([*INDICATORS, loans], ORGS)
    with pytest.raises(VietnameseParseError) as caught:
        two_money.read("CT06 7 tỷ", Lookup())
    assert (caught.value.code, caught.value.params) == (
        "typed_which_indicator",
        {"task": "CT06", "number": "7 tỷ", "choices": "TIEN (triệu đồng), VAY (triệu đồng vay)"},
    )
    # The task's targeted money indicator settles it.
    report = two_money.read("R10 7 tỷ", Lookup())
    assert report.values == {"TIEN": q(7000)}


@pytest.mark.parametrize(
    "text", ["CT01 22 HN, 30 hội nghị", "CT01 HN 22 HN 30", "R27 2100, 300 lượt người"]
)
def test_repeated_indicator(text: str) -> None:
    """The same indicator twice in one line is refused with its code."""
    indicator = "HN" if "CT01" in text else "LN"
    assert refusal(text) == ("typed_repeated_indicator", {"indicator": indicator})


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("CT01 1.2.3 hội nghị", "1.2.3"),
        ("CT01 -5 hội nghị", "-5"),
        ("CT01 gần 1,234.5 HN", "gần 1,234.5"),
        ("CT01 " + "9" * 200 + " HN", "9" * 59 + "…"),
    ],
)
def test_bad_number(text: str, said: str) -> None:
    """Number-like text that parse_quantity refuses (or a negative) is typed_bad_number."""
    assert refusal(text) == ("typed_bad_number", {"text": said})


def test_refusals_have_messages_in_every_language() -> None:
    """Each code the reader raises is worded in both catalogs as op-<code>."""
    from bot.i18n import translator
    from bot.render import render_operation_error

    codes = {
        "typed_empty": {},
        "typed_too_long": {"limit": "1000"},
        "typed_no_task": {"text": "xin chào"},
        "typed_no_values": {"task": "CT01"},
        "typed_unknown_unit": {"unit": "cây", "task": "CT05", "units": ALL_UNITS},
        "typed_which_indicator": {"task": "CT05", "number": "5", "choices": ALL_CHOICES},
        "typed_repeated_indicator": {"indicator": "HN"},
        "typed_bad_number": {"text": "1.2.3"},
    }
    for lang in ("vi", "en"):
        for code, params in codes.items():
            text = render_operation_error(VietnameseParseError(code, **params), translator(lang))
            assert all(value in text for value in params.values()), (lang, code)


# --- properties --------------------------------------------------------------------------------

QUALIFIER_WORDS: dict[Lang, dict[Qualifier, tuple[str, ...]]] = {
    "vi": {"approx": ("gần", "gan"), "over": ("trên", "tren"), "more_than": ("hơn", "hon")},
    "en": {"approx": ("about", "nearly"), "over": ("over",), "more_than": ("more than",)},
}
SEPARATORS = (", ", "; ", " và ", " va ", "\n", " , ", ";\n")
FILLERS = ("", "đã tổ chức ", "xây dựng ", "cho ", "da to chuc ")
STYLES = ("unit", "plain unit", "upper unit", "code after", "code before")


@st.composite
def typed_lines(draw: st.DrawFn) -> tuple[str, Lang, str, str | None, dict[str, Quantity]]:
    """A line as an officer would type it, with what it must read back to."""
    lang: Lang = draw(st.sampled_from(("vi", "en")))
    task = draw(st.sampled_from(sorted(TASKS)))
    org = draw(st.none() | st.sampled_from(ORGS))
    chosen = draw(
        st.lists(st.sampled_from(INDICATORS), min_size=1, max_size=5, unique_by=lambda i: i.code)
    )
    items, expected = [], {}
    for indicator in chosen:
        value = draw(
            st.integers(0, 10**9).map(Decimal)
            | st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False)
        )
        qualifier: Qualifier | None = draw(st.sampled_from((None, "approx", "over", "more_than")))
        number = format_number(value, lang=lang)
        if qualifier:
            number = draw(st.sampled_from(QUALIFIER_WORDS[lang][qualifier])) + " " + number
        style = draw(st.sampled_from(STYLES))
        unit = {
            "unit": indicator.unit,
            "plain unit": _plain(indicator.unit),
            "upper unit": indicator.unit.upper(),
        }.get(style, indicator.code if draw(st.booleans()) else indicator.code.lower())
        item = f"{unit} {number}" if style == "code before" else f"{number} {unit}"
        items.append(draw(st.sampled_from(FILLERS)) + item)
        expected[indicator.code] = Quantity(value, qualifier)
    separator = " and " if lang == "en" else draw(st.sampled_from(SEPARATORS))
    head = task + draw(st.sampled_from(("", ":"))) + (f" {org}" if org else "")
    return f"{head} {separator.join(items)}", lang, task, org, expected


@settings(max_examples=400, deadline=None)
@given(typed_lines())
def test_formatted_lines_read_back(
    line: tuple[str, Lang, str, str | None, dict[str, Quantity]],
) -> None:
    """Any values, qualifiers and indicators written out as people write them read back."""
    text, lang, task, org, expected = line
    report = read(text, lang)
    assert (report.task, report.org, report.values) == (task, org, expected)
    assert list(report.values) == list(expected)
    assert not any(c.isdigit() for c in report.remark)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [*"CTR0123456789 .,;:/-%~>\nđãêôơưhnlguoiHNDLNtyiêụệ", "gần ", " tỷ", " và ", "CT01 "]
        ),
        max_size=40,
    ).map("".join)
)
def test_any_text_reads_or_is_refused_with_a_code(text: str) -> None:
    """Whatever is typed, the reader answers a report or a catalogued refusal, never a crash."""
    find: Callable[[str], TaskInfo | None] = lambda code: TaskInfo(code, {})  # noqa: E731
    outcome: TypedReport | VietnameseParseError
    try:
        outcome = report_reader(INDICATORS, ORGS).read(text, find)
    except VietnameseParseError as error:
        outcome = error
    if isinstance(outcome, VietnameseParseError):
        assert outcome.code.startswith("typed_") or outcome.code == "unknown_task"
        assert all(isinstance(v, str) for v in outcome.params.values())
    else:
        assert outcome.values
        assert all(v.value >= 0 for v in outcome.values.values())
