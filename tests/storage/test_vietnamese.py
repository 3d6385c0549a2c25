"""Vietnamese numbers, dates and periods: read as officers type them, printed as documents do."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storage.vietnamese import (
    DateRange,
    Lang,
    Qualifier,
    Quantity,
    VietnameseParseError,
    format_date,
    format_number,
    format_period,
    parse_date,
    parse_period,
    parse_quantity,
)

TODAY = date(2019, 6, 14)
MILLION = Decimal(10**6)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("45.000", Quantity(Decimal(45000))),
        ("2,8", Quantity(Decimal("2.8"))),
        ("1.600", Quantity(Decimal(1600))),
        ("1.234.567,25", Quantity(Decimal("1234567.25"))),
        ("6150", Quantity(Decimal(6150))),
        ("0", Quantity(Decimal(0))),
        ("gần 45.000", Quantity(Decimal(45000), "approx")),
        ("khoảng 300", Quantity(Decimal(300), "approx")),
        ("xấp xỉ 2,5", Quantity(Decimal("2.5"), "approx")),
        ("ước 1.000", Quantity(Decimal(1000), "approx")),
        ("trên 20", Quantity(Decimal(20), "over")),
        ("hơn 5.000", Quantity(Decimal(5000), "more_than")),
        ("3 nghìn", Quantity(Decimal(3000))),
        ("3 ngàn", Quantity(Decimal(3000))),
        ("3k", Quantity(Decimal(3000))),
        ("2,5 triệu", Quantity(Decimal(2500000))),
        ("7 tỷ 500 triệu", Quantity(Decimal(7500000000))),
        # Typed without diacritics on a phone.
        ("gan 45.000", Quantity(Decimal(45000), "approx")),
        ("tren 7 ty", Quantity(Decimal(7000000000), "over")),
        ("  Hơn   5 ", Quantity(Decimal(5), "more_than")),
    ],
)
def test_reads_numbers_the_vietnamese_way(text: str, expected: Quantity) -> None:
    """Dots group thousands, a comma is the decimal point, qualifiers and scale words are kept."""
    assert parse_quantity(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7 tỷ", Quantity(Decimal(7000))),
        ("trên 7 tỷ đồng", Quantity(Decimal(7000), "over")),
        ("5.100 triệu", Quantity(Decimal(5100))),
        ("5.120", Quantity(Decimal(5120))),
        ("500 nghìn", Quantity(Decimal("0.5"))),
    ],
)
def test_reads_money_in_the_indicators_unit(text: str, expected: Quantity) -> None:
    """Into an indicator counted in million đồng, "7 tỷ" is 7.000 and "5.100 triệu" is 5.100."""
    assert parse_quantity(text, unit_scale=MILLION) == expected


def test_reads_english_separators_for_english_users() -> None:
    """An English user's 45,000 is forty-five thousand and 2.8 is two point eight."""
    assert parse_quantity("45,000", lang="en") == Quantity(Decimal(45000))
    assert parse_quantity("about 2.8", lang="en") == Quantity(Decimal("2.8"), "approx")
    assert parse_quantity("more than 1,234.5", lang="en") == Quantity(
        Decimal("1234.5"), "more_than"
    )


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "unreadable_number"),
        ("abc", "unreadable_number"),
        ("gần", "unreadable_number"),
        ("45.000,", "unreadable_number"),
        ("2..3", "unreadable_number"),
        ("1.23.4", "unreadable_number"),
        ("45 người", "unreadable_number"),
        ("7 triệu 8 tỷ", "unreadable_number"),
        ("1 triệu 2", "unreadable_number"),
        ("-5", "negative_number"),
        ("− 3.000", "negative_number"),
    ],
)
def test_refuses_what_is_not_a_number(text: str, code: str) -> None:
    """Unreadable or negative numbers are refused with a catalog code and the text as typed."""
    with pytest.raises(VietnameseParseError) as caught:
        parse_quantity(text)
    assert (caught.value.code, caught.value.params) == (code, {"text": text.strip()})


@pytest.mark.parametrize(
    ("value", "vi", "en"),
    [
        (Decimal(44850), "44.850", "44,850"),
        (Decimal("12.5"), "12,5", "12.5"),
        (Decimal("7E+3"), "7.000", "7,000"),
        (Decimal("2.50"), "2,5", "2.5"),
        (Decimal(0), "0", "0"),
        (163, "163", "163"),
        (Decimal("1234567.125"), "1.234.567,125", "1,234,567.125"),
        (Decimal("-1600"), "-1.600", "-1,600"),
    ],
)
def test_formats_numbers(value: Decimal | int, vi: str, en: str) -> None:
    """Numbers print with the reader's separators and without trailing zeros."""
    assert (format_number(value), format_number(value, lang="en")) == (vi, en)


@pytest.mark.parametrize(
    "text",
    [
        "14/6",
        "14/06",
        "14/06/2019",
        "14-6-2019",
        "14.6.2019",
        "14/6/19",
        "2019-06-14",
        "ngày 14/6",
        "ngày 14 tháng 6 năm 2019",
        "14 tháng 6",
        "ngay 14 thang 6 nam 2019",
        "hôm nay",
        "Hom nay",
        "today",
        "14 June 2019",
        "June 14, 2019",
        "14 Jun",
    ],
)
def test_reads_dates_as_people_write_them(text: str) -> None:
    """Every usual way of writing 14 June 2019 reads as that day; "14/6" is this year's."""
    assert parse_date(text, today=TODAY) == date(2019, 6, 14)


def test_reads_relative_days() -> None:
    """Yesterday and tomorrow are counted from the given today, not from the machine's clock."""
    assert parse_date("hôm qua", today=TODAY) == date(2019, 6, 13)
    assert parse_date("hôm kia", today=TODAY) == date(2019, 6, 12)
    assert parse_date("ngày mai", today=TODAY) == date(2019, 6, 15)
    assert parse_date("12/6", today=date(2020, 1, 3)) == date(2020, 6, 12)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("31/2", "no_such_date"),
        ("29/2/2019", "no_such_date"),
        ("32/1", "no_such_date"),
        ("14/13/2019", "no_such_date"),
        ("2019-02-30", "no_such_date"),
        ("abc", "unreadable_date"),
        ("14/6/2019/1", "unreadable_date"),
        ("14", "unreadable_date"),
        ("", "unreadable_date"),
    ],
)
def test_refuses_days_that_do_not_exist(text: str, code: str) -> None:
    """A day that does not exist is named as such; text that is no date at all is unreadable."""
    with pytest.raises(VietnameseParseError) as caught:
        parse_date(text, today=TODAY)
    assert (caught.value.code, caught.value.params) == (code, {"text": text})


def test_leap_day_exists_in_leap_years() -> None:
    """29/2 reads in a leap year."""
    assert parse_date("29/2", today=date(2020, 1, 1)) == date(2020, 2, 29)


def test_formats_dates_in_each_style() -> None:
    """Tables print 14/06/2019, Party documents' running text 14-6-2019, date lines in words."""
    assert format_date(TODAY) == "14/06/2019"
    assert format_date(TODAY, style="party") == "14-6-2019"
    assert format_date(TODAY, style="words") == "ngày 14 tháng 6 năm 2019"
    assert format_date(TODAY, style="words", lang="en") == "14 June 2019"


H1 = DateRange(date(2019, 1, 1), date(2019, 6, 30))
Q3 = DateRange(date(2019, 7, 1), date(2019, 9, 30))
YEAR = DateRange(date(2019, 1, 1), date(2019, 12, 31))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("6 tháng đầu năm", H1),
        ("6 tháng đầu năm 2019", H1),
        ("6 thang dau nam 2019", H1),
        ("6T-2019", H1),
        ("H1 2019", H1),
        ("first half of 2019", H1),
        ("6 tháng cuối năm 2019", DateRange(date(2019, 7, 1), date(2019, 12, 31))),
        ("9 tháng đầu năm", DateRange(date(2019, 1, 1), date(2019, 9, 30))),
        ("quý III", Q3),
        ("quý III năm 2019", Q3),
        ("Quý 3/2019", Q3),
        ("Q3-2019", Q3),
        ("Q3 2019", Q3),
        ("năm 2019", YEAR),
        ("N-2019", YEAR),
        ("cả năm", YEAR),
        ("2019", YEAR),
        ("tháng 6", DateRange(date(2019, 6, 1), date(2019, 6, 30))),
        ("tháng 2 năm 2020", DateRange(date(2020, 2, 1), date(2020, 2, 29))),
        ("June 2019", DateRange(date(2019, 6, 1), date(2019, 6, 30))),
    ],
)
def test_reads_named_periods(text: str, expected: DateRange) -> None:
    """Periods are read by their usual Vietnamese names, the plan's codes and English names."""
    assert parse_period(text, today=TODAY) == expected


@pytest.mark.parametrize("text", ["quý 5", "tháng 13", "13 tháng đầu năm", "sáu tháng", ""])
def test_refuses_unreadable_periods(text: str) -> None:
    """A period that cannot be read is refused with its text."""
    with pytest.raises(VietnameseParseError) as caught:
        parse_period(text, today=TODAY)
    assert (caught.value.code, caught.value.params) == ("unreadable_period", {"text": text})


def test_formats_periods_by_their_names() -> None:
    """Named periods print as reports name them; any other range by its two days."""
    assert format_period(H1) == "6 tháng đầu năm 2019"
    assert format_period(Q3) == "quý III năm 2019"
    assert format_period(YEAR) == "năm 2019"
    assert format_period(H1, lang="en") == "H1 2019"
    other = DateRange(date(2019, 6, 14), date(2019, 6, 30))
    assert format_period(other) == "từ 14/06/2019 đến 30/06/2019"
    assert date(2019, 6, 20) in other
    assert date(2019, 7, 1) not in other


# --- round trips -------------------------------------------------------------------------------

LANGS: tuple[Lang, ...] = ("vi", "en")
QUALIFIER_WORDS: dict[Lang, dict[Qualifier | None, str]] = {
    "vi": {None: "", "approx": "gần ", "over": "trên ", "more_than": "hơn "},
    "en": {None: "", "approx": "about ", "over": "over ", "more_than": "more than "},
}
amounts = st.decimals(min_value=0, max_value=10**12, places=3, allow_nan=False)
days = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))


@given(amounts, st.sampled_from(LANGS), st.sampled_from([None, "approx", "over", "more_than"]))
def test_numbers_round_trip(value: Decimal, lang: Lang, qualifier: Qualifier | None) -> None:
    """Whatever we print, with any qualifier, reads back as the same number and qualifier."""
    text = QUALIFIER_WORDS[lang][qualifier] + format_number(value, lang=lang)
    assert parse_quantity(text, lang=lang) == Quantity(value, qualifier)


@given(days, st.sampled_from(["numeric", "party", "words"]), st.sampled_from(LANGS))
def test_dates_round_trip(day: date, style: str, lang: Lang) -> None:
    """Every printed date reads back as the same day."""
    text = format_date(day, style=style, lang=lang)  # type: ignore[arg-type]
    assert parse_date(text, today=TODAY) == day


@st.composite
def named_periods(draw: st.DrawFn) -> DateRange:
    year = draw(st.integers(1900, 2200))
    first, last = draw(
        st.sampled_from(
            [(1, 12), (1, 6), (7, 12)]
            + [(3 * q - 2, 3 * q) for q in range(1, 5)]
            + [(m, m) for m in range(1, 13)]
            + [(1, m) for m in range(2, 12)]
            + [(m, 12) for m in range(2, 12)]
        )
    )
    end = date(year + last // 12, last % 12 + 1, 1) - timedelta(days=1)
    return DateRange(date(year, first, 1), end)


@given(named_periods(), st.sampled_from(LANGS))
def test_periods_round_trip(period: DateRange, lang: Lang) -> None:
    """Every named period prints under a name that reads back as the same period."""
    assert parse_period(format_period(period, lang=lang), today=TODAY) == period
