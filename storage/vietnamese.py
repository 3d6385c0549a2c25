"""Numbers, dates and periods written the Vietnamese way: read as people type them, printed as
administrative documents print them.

`45.000` is forty-five thousand and `2,8` is 2.8; `7 tỷ` read into an indicator counted in million
đồng is 7.000; `gần 45.000` keeps its qualifier (approx). `14/6` is this year's 14 June,
`14/06/2019`, `14-6-2019` and `ngày 14 tháng 6 năm 2019` are one day; `6 tháng đầu năm`, `quý III`
and `năm 2019` name periods. Officers type on phones and often without diacritics, so the words
are matched with and without them (`gan 45.000`, `quy 3`, `hom nay`). English forms are read too,
and English users get English separators (`45,000`, `2.8`).

Everything here is a pure function of its arguments: the clock comes in as `today`. Problems are
`VietnameseParseError`s with a catalog code (`op-<code>`) and the offending text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Literal

Qualifier = Literal["approx", "over", "more_than"]
Lang = Literal["vi", "en"]
DateStyle = Literal["numeric", "party", "words"]


class VietnameseParseError(ValueError):
    """Text that is not a number, date or period; `code` names the problem for the catalogs."""

    def __init__(self, code: str, **params: str) -> None:
        self.code = code
        self.params = params
        super().__init__(f"{code}: {params}")


@dataclass(frozen=True)
class Quantity:
    """A reported number and the qualifier said beside it (gần, trên, hơn), if any."""

    value: Decimal
    qualifier: Qualifier | None = None


@dataclass(frozen=True)
class DateRange:
    """A period, both ends included."""

    start: date
    end: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


def _plain(text: str) -> str:
    """Lower case, single spaces, no diacritics: as a phone keyboard may or may not type it."""
    text = unicodedata.normalize("NFD", text.strip().lower()).replace("đ", "d")
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return " ".join(text.replace("\u00a0", " ").split())


# --- numbers -----------------------------------------------------------------------------------

# Longest first, so that "hon" does not eat the start of a longer phrase. Matched on plain text.
_QUALIFIERS: tuple[tuple[str, Qualifier], ...] = (
    ("xap xi", "approx"),
    ("uoc tinh", "approx"),
    ("uoc khoang", "approx"),
    ("uoc dat", "approx"),
    ("uoc", "approx"),
    ("khoang", "approx"),
    ("gan", "approx"),
    ("approximately", "approx"),
    ("approx.", "approx"),
    ("approx", "approx"),
    ("about", "approx"),
    ("around", "approx"),
    ("nearly", "approx"),
    ("~", "approx"),
    ("tren", "over"),
    ("over", "over"),
    ("hon", "more_than"),
    ("more than", "more_than"),
    (">", "more_than"),
)
_SCALES: dict[str, Decimal] = {
    "tram": Decimal(100),
    "nghin": Decimal(10**3),
    "ngan": Decimal(10**3),
    "k": Decimal(10**3),
    "thousand": Decimal(10**3),
    "trieu": Decimal(10**6),
    "tr": Decimal(10**6),
    "million": Decimal(10**6),
    "ty": Decimal(10**9),
    "ti": Decimal(10**9),
    "billion": Decimal(10**9),
}
# "7 tỷ đồng": the currency word may follow; the indicator's unit says what is counted.
_CURRENCY = r"(?:\s*(?:dong|vnd|d))?"
_SCALE_WORDS = "|".join(sorted(_SCALES, key=len, reverse=True))
_TERM = re.compile(r"\s*(?P<number>\d(?:[\d.,]*\d)?)\s*(?P<scale>" + _SCALE_WORDS + r")?(?![a-z])")


def _number(token: str, lang: Lang) -> Decimal | None:
    """One written number; `lang` says which of `.` and `,` groups thousands."""
    group, point = (".", ",") if lang == "vi" else (",", ".")
    if group in token and point in token:
        whole, _, fraction = token.rpartition(point)
        if not re.fullmatch(r"\d{1,3}(?:" + re.escape(group) + r"\d{3})+", whole):
            return None
        token = whole.replace(group, "") + "." + fraction
    elif group in token:
        if re.fullmatch(r"\d{1,3}(?:" + re.escape(group) + r"\d{3})+", token):
            token = token.replace(group, "")
        elif token.count(group) == 1:
            # "2.5" from someone used to the other convention: one separator that cannot
            # group thousands is a decimal point.
            token = token.replace(group, ".")
        else:
            return None
    elif point in token:
        if token.count(point) == 1:
            token = token.replace(point, ".")
        elif re.fullmatch(r"\d{1,3}(?:" + re.escape(point) + r"\d{3})+", token):
            token = token.replace(point, "")
        else:
            return None
    if not re.fullmatch(r"\d+(?:\.\d+)?", token):
        return None
    try:
        return Decimal(token)
    except InvalidOperation:  # pragma: no cover - the pattern above admits only digits
        return None


def _tidy(value: Decimal) -> Decimal:
    """The same number without trailing zeros or exponent: 7E+3 -> 7000, 2.50 -> 2.5."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def unit_scale(unit: str) -> Decimal:
    """What one unit is worth when it starts with a scale word: 10**6 for "triệu đồng", else 1."""
    words = _plain(unit).split()
    return _SCALES.get(words[0], Decimal(1)) if words else Decimal(1)


def parse_quantity(text: str, *, unit_scale: Decimal = Decimal(1), lang: Lang = "vi") -> Quantity:
    """Read a reported number with its qualifier and scale words, in units of `unit_scale`.

    `unit_scale` is what one unit of the indicator is worth: 10**6 for "triệu đồng", so that
    "7 tỷ" reads as 7000 and "5.100 triệu" as 5100.
    """
    plain = _plain(text)
    qualifier: Qualifier | None = None
    for word, meaning in _QUALIFIERS:
        if plain.startswith(word) and (
            not word[-1].isalpha() or len(plain) == len(word) or not plain[len(word)].isalpha()
        ):
            qualifier, plain = meaning, plain[len(word) :].strip()
            break
    negative = plain.startswith(("-", "\u2212"))
    if negative:
        plain = plain[1:].strip()
    total, pos, terms = Decimal(0), 0, 0
    previous_scale: Decimal | None = None  # of the last term; None when it had no scale word
    while pos < len(plain):
        match = _TERM.match(plain, pos)
        if match is None:
            break
        number = _number(match["number"], lang)
        if number is None:
            raise VietnameseParseError("unreadable_number", text=text.strip())
        # A bare number is in the indicator's own unit; a scale word names an absolute amount.
        scale = _SCALES[match["scale"]] / unit_scale if match["scale"] else None
        # "7 tỷ 500 triệu": each further term has a smaller scale word. "1 triệu 2" is refused:
        # said aloud it means 1,2 triệu, but typed it is too easily a slip.
        if terms and (previous_scale is None or scale is None or scale >= previous_scale):
            raise VietnameseParseError("unreadable_number", text=text.strip())
        total += number if scale is None else number * scale
        previous_scale, pos, terms = scale, match.end(), terms + 1
    rest = plain[pos:]
    if terms == 0 or (rest and not re.fullmatch(_CURRENCY, rest)):
        raise VietnameseParseError("unreadable_number", text=text.strip())
    if negative and total != 0:
        raise VietnameseParseError("negative_number", text=text.strip())
    return Quantity(_tidy(total), qualifier)


def format_number(value: Decimal | int | float, *, lang: Lang = "vi") -> str:
    """A number as a Vietnamese (44.850, 12,5) or English (44,850, 12.5) reader writes it."""
    number = _tidy(value if isinstance(value, Decimal) else Decimal(str(value)))
    sign = "-" if number < 0 else ""
    whole, _, fraction = format(abs(number), "f").partition(".")
    group, point = (".", ",") if lang == "vi" else (",", ".")
    grouped = f"{int(whole):,}".replace(",", group)
    return sign + grouped + (point + fraction if fraction else "")


# --- dates -------------------------------------------------------------------------------------

_MONTHS_EN = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
_MONTH_EN = "|".join(m + ("" if len(m) <= 3 else f"|{m[:3]}") for m in _MONTHS_EN)
_RELATIVE_DAYS = {
    "hom nay": 0,
    "nay": 0,
    "today": 0,
    "hom qua": -1,
    "yesterday": -1,
    "hom kia": -2,
    "ngay mai": 1,
    "mai": 1,
    "tomorrow": 1,
}
_YEAR = r"(?P<year>\d{4}|\d{2})"
_DATE_FORMS = (
    re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"),
    re.compile(rf"(?P<day>\d{{1,2}})\s*([/.\-])\s*(?P<month>\d{{1,2}})(?:\s*\2\s*{_YEAR})?"),
    re.compile(
        r"(?P<day>\d{1,2})\s+thang\s+(?P<month>\d{1,2})(?:\s*(?:,\s*)?(?:nam\s+)?(?P<year>\d{4}))?"
    ),
    re.compile(rf"(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<name>{_MONTH_EN})\.?,?(?:\s+{_YEAR})?"),
    re.compile(rf"(?P<name>{_MONTH_EN})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?(?:\s+{_YEAR})?"),
)


def _month_number(name: str) -> int:
    return next(i for i, m in enumerate(_MONTHS_EN, start=1) if m.startswith(name[:3]))


def parse_date(text: str, *, today: date) -> date:
    """Read a day as people write it: 14/6 (this year), 14/06/2019, 14-6-2019, 2019-06-14,
    ngày 14 tháng 6 năm 2019, 14 June 2019, hôm nay, hôm qua."""
    plain = _plain(text)
    if plain in _RELATIVE_DAYS:
        return today + timedelta(days=_RELATIVE_DAYS[plain])
    plain = re.sub(r"^(?:ngay|on)\s+", "", plain)
    for form in _DATE_FORMS:
        match = form.fullmatch(plain)
        if match is None:
            continue
        parts = match.groupdict()
        year = int(parts["year"]) if parts.get("year") else today.year
        if parts.get("year") and len(parts["year"]) == 2:
            year += 2000
        month = _month_number(parts["name"]) if parts.get("name") else int(parts["month"])
        try:
            return date(year, month, int(parts["day"]))
        except ValueError:
            raise VietnameseParseError("no_such_date", text=text.strip()) from None
    raise VietnameseParseError("unreadable_date", text=text.strip())


def format_date(day: date, *, style: DateStyle = "numeric", lang: Lang = "vi") -> str:
    """A day as tables print it (14/06/2019), as Party documents write it in running text
    (14-6-2019), or in words for a document's date line (ngày 14 tháng 6 năm 2019)."""
    if style == "party":
        return f"{day.day}-{day.month}-{day.year}"
    if style == "words":
        if lang == "en":
            return f"{day.day} {_MONTHS_EN[day.month - 1].capitalize()} {day.year}"
        return f"ngày {day.day} tháng {day.month} năm {day.year}"
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


# --- periods -----------------------------------------------------------------------------------

_ROMAN = ("i", "ii", "iii", "iv")
_ROMAN_UPPER = ("I", "II", "III", "IV")


def _month_end(year: int, month: int) -> date:
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def _months(year: int, first: int, last: int) -> DateRange:
    return DateRange(date(year, first, 1), _month_end(year, last))


def _year_of(text: str | None, today: date) -> int:
    return int(text) if text else today.year


_Y = r"(?:\s*(?:nam\s+|/\s*|-\s*|,\s*|of\s+|\s)(?P<year>\d{4}))?"
_PERIOD_FORMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?:ca\s+)?(?:nam|year)(?:\s+(?P<year>\d{4}))?|(?P<year2>\d{4})"), "year"),
    (re.compile(r"(?P<count>\d{1,2})\s+thang\s+(?P<side>dau|cuoi)\s+nam" + _Y), "months"),
    (re.compile(r"(?P<count>\d{1,2})\s+thang\s+(?P<side>dau|cuoi)" + _Y), "months"),
    (re.compile(r"(?P<side>first|last)\s+(?P<count>\d{1,2})\s+months" + _Y), "months"),
    (re.compile(r"(?P<side>first|second)\s+half" + _Y), "half"),
    (re.compile(r"h(?P<half>[12])" + _Y), "half"),
    (re.compile(r"(?:quy|q|quarter)\s*(?P<quarter>iv|iii|ii|i|[1-4])" + _Y), "quarter"),
    (re.compile(r"(?:thang\s*|t)(?P<month>\d{1,2})" + _Y), "month"),
    (re.compile(rf"(?P<name>{_MONTH_EN})" + _Y), "month"),
    # Period codes of plans: 6T-2019 (first six months), N-2019 (the year), Q3-2019.
    (re.compile(r"(?P<count>\d{1,2})t(?P<side>c?)\s*-\s*(?P<year>\d{4})"), "months"),
    (re.compile(r"n\s*-\s*(?P<year>\d{4})"), "year"),
)


def parse_period(text: str, *, today: date) -> DateRange:
    """Read a named period: 6 tháng đầu năm (2019), 9 tháng đầu năm, quý III năm 2019, tháng 6,
    năm 2019, and the codes 6T-2019, Q3-2019, N-2019; H1 2019, Q3 2019, June 2019 in English.
    Without a year, this year's."""
    plain = _plain(text)
    for form, kind in _PERIOD_FORMS:
        match = form.fullmatch(plain)
        if match is None:
            continue
        parts = match.groupdict()
        year = _year_of(parts.get("year") or parts.get("year2"), today)
        if not 1 <= year <= 9999:  # pragma: no cover - four digits and no sign
            break
        if kind == "year":
            return _months(year, 1, 12)
        if kind == "half":
            second = parts.get("half") == "2" or parts.get("side") == "second"
            return _months(year, 7, 12) if second else _months(year, 1, 6)
        if kind == "quarter":
            q = parts["quarter"]
            quarter = int(q) if q.isdigit() else _ROMAN.index(q) + 1
            return _months(year, 3 * quarter - 2, 3 * quarter)
        if kind == "month":
            month = _month_number(parts["name"]) if parts.get("name") else int(parts["month"])
            if not 1 <= month <= 12:
                break
            return _months(year, month, month)
        count = int(parts["count"])
        if not 1 <= count <= 12:
            break
        if parts["side"] in ("cuoi", "last", "c"):
            return _months(year, 13 - count, 12)
        return _months(year, 1, count)
    raise VietnameseParseError("unreadable_period", text=text.strip())


def format_period(period: DateRange, *, lang: Lang = "vi") -> str:
    """A period by its usual name: năm 2019, 6 tháng đầu năm 2019, quý III năm 2019,
    tháng 6 năm 2019; any other range by its two days."""
    start, end, en = period.start, period.end, lang == "en"
    whole_months = (
        start.day == 1 and end == _month_end(end.year, end.month) and start.year == end.year
    )
    if whole_months:
        year, first, last = start.year, start.month, end.month
        if (first, last) == (1, 12):
            return f"{year}" if en else f"năm {year}"
        if first == last:
            return (
                f"{_MONTHS_EN[first - 1].capitalize()} {year}"
                if en
                else f"tháng {first} năm {year}"
            )
        if last - first == 2 and first % 3 == 1:
            q = (first + 2) // 3
            return f"Q{q} {year}" if en else f"quý {_ROMAN_UPPER[q - 1]} năm {year}"
        if (first, last) in ((1, 6), (7, 12)):
            half = 1 if first == 1 else 2
            return (
                f"H{half} {year}" if en else f"6 tháng {'đầu' if half == 1 else 'cuối'} năm {year}"
            )
        if first == 1:
            return f"first {last} months of {year}" if en else f"{last} tháng đầu năm {year}"
        if last == 12:
            count = 13 - first
            return f"last {count} months of {year}" if en else f"{count} tháng cuối năm {year}"
    if en:
        return f"{format_date(start)} – {format_date(end)}"
    return f"từ {format_date(start)} đến {format_date(end)}"
