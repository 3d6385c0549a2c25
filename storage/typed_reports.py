"""A progress report typed in one chat line, read into a task, an organization and figures.

Officers type as people write: "R09: đã xây dựng 14/20 tổ tự quản", "CT01 HND 22 hội nghị, 6.150
lượt người", "r27 ln 2.100", "CT04 xây mới 15 ngôi nhà, trị giá trên 7 tỷ đồng", with or without
diacritics, in any case, with commas, semicolons, "và" or new lines between the figures. The
grammar, in order:

- the task code first (letters, digits and `._-`, optionally followed by `:`); "CT 01" is tried as
  CT01 when CT alone is not a task;
- an optional organization code right after it (any case), or anywhere else in capitals ("HND")
  unless it is also an indicator code;
- figures: an optional qualifier (gần, trên, hơn, khoảng, ~ ...), a number written the Vietnamese
  way (or the English way for English users), an optional "/target" ("14/20"), optional scale
  words (tỷ, triệu, nghìn ...) and currency (đồng, đ, VND);
- each figure names its indicator by a unit after it ("22 hội nghị"; the longest unit wins, so
  "lượt người" before "người"), by an indicator code after or before it ("22 HN", "LN 2100"), by
  being money ("7 tỷ đồng" goes to the money indicator, converted into its unit), or, with no unit
  it knows, by the task having exactly one target indicator not given yet ("80%" never does);
- every other word is left for the remark. Numbers that name a time ("năm 2019", "6 tháng") are
  not figures and stay in the remark too.

Everything is a pure function of its arguments. Problems raise `VietnameseParseError` with a
catalog code (`op-<code>`): `typed_*`, and `unknown_task` as the write operations say it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from storage.vietnamese import (
    _QUALIFIERS,
    _SCALES,
    Lang,
    Quantity,
    VietnameseParseError,
    _plain,
    _tidy,
    parse_quantity,
)

MAX_LENGTH = 1000  # characters of one typed report


@dataclass(frozen=True)
class IndicatorInfo:
    """One indicator of the program."""

    code: str
    unit: str
    kind: str  # count, reach, money, ...


@dataclass(frozen=True)
class TaskInfo:
    """What the reader needs of one task."""

    code: str  # canonical code as stored (e.g. "CT01")
    targets: Mapping[str, Decimal]  # indicator code -> target, possibly empty


@dataclass(frozen=True)
class TypedReport:
    """What a typed line says: task, organization, figures in typed order, leftover words."""

    task: str
    org: str | None
    values: dict[str, Quantity]
    targets_said: dict[str, Decimal]
    remark: str


FindTask = Callable[[str], TaskInfo | None]


# --- folding -----------------------------------------------------------------------------------


class _FoldTable(dict[int, str]):
    """str.translate table: each character to one lower-case character without diacritics, so
    that positions in the folded text are positions in the typed text."""

    def __missing__(self, key: int) -> str:
        char = chr(key)
        if char in "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029":
            folded = "\n"
        elif char.isspace():
            folded = " "
        else:
            folded = (_plain(char) or "\ufffd")[0]  # a stray combining mark: not a letter
        self[key] = folded
        return folded


_FOLD = _FoldTable()


def _fold(text: str) -> str:
    return text.translate(_FOLD)


# --- fixed patterns ----------------------------------------------------------------------------

_NUM = r"\d(?:[\d.,]*\d)?"
_QUALIFIER_WORDS = "|".join(
    r"\s+".join(re.escape(part) for part in word.split())
    for word, _ in sorted(_QUALIFIERS, key=lambda q: len(q[0]), reverse=True)
)
_SCALE_WORDS = "|".join(sorted(_SCALES, key=len, reverse=True))
_MONEY_SCALES = frozenset({"ty", "ti", "trieu", "tr", "billion", "million"})
_TIME_WORDS = r"nam|thang|ngay|tuan|quy|gio|years?|months?|weeks?|days?|hours?"

# Applied to the typed text.
_TASK = re.compile(
    r"\s*(?P<task>[A-Za-z0-9](?:[A-Za-z0-9._\-]*[A-Za-z0-9])?)(?:[ \t]*[:.]|(?=[\s,;]|$))"
)
_TASK_DIGITS = re.compile(r"[ \t]+(?P<digits>\d+)(?:[ \t]*[:.]|(?=[\s,;]|$))")
_ORG = re.compile(r"\s*[,:\-]?\s*(?P<org>[^\s,;:]+)(?:[ \t]*:)?")
_TOKEN = re.compile(r"[^\s,;:.()]+")
# Applied to the folded text.
_BEFORE_CODE = re.compile(r"(?<![a-z0-9_])(?P<code>[a-z][a-z0-9_]*)[ \t]*[:=]?[ \t]*$")
_BEFORE_TIME = re.compile(rf"(?<![a-z])(?:{_TIME_WORDS})[ \t]*$")
_AFTER_CODE = re.compile(r"[ \t]*(?P<code>[a-z][a-z0-9_]*)(?![a-z0-9_])")
_AFTER_TIME = re.compile(rf"[ \t]*(?:{_TIME_WORDS})(?![a-z0-9])")
_AFTER_PERCENT = re.compile(r"[ \t]*%")
_AFTER_WORDS = re.compile(r"[ \t]*(?P<words>[^\W\d_]+(?:[ \t]+[^\W\d_]+){0,2})")
# Words after a number that do not name what it counts.
_NOT_UNITS = frozenset({"va", "and", "cho", "trong", "tai", "voi", "of", "in", "for", "with"})
# The remark: pieces between separators, without dangling joiners and punctuation.
_PIECES = re.compile(r"[,;\n]")
_EDGE_JOINERS = re.compile(r"^(?:(?:và|va|and|&)(?:\s+|$))+|(?:(?:^|\s+)(?:và|va|and|&))+$", re.I)
_EDGE_PUNCTUATION = " \t:=-–—.+*•/"


def _unit_scale(unit: str) -> Decimal:
    """What one unit is worth when it starts with a scale word: 10**6 for "triệu đồng", else 1."""
    words = _plain(unit).split()
    return _SCALES.get(words[0], Decimal(1)) if words else Decimal(1)


def _tidy_remark(leftover: str) -> str:
    pieces = []
    for piece in _PIECES.split(leftover):
        piece = " ".join(piece.split()).strip(_EDGE_PUNCTUATION)
        piece = _EDGE_JOINERS.sub("", piece).strip(_EDGE_PUNCTUATION)
        if piece:
            pieces.append(piece)
    return ", ".join(pieces)


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- the reader --------------------------------------------------------------------------------


class ReportReader:
    """Reads typed reports for one program: its indicators, organizations and language.

    Compiles its patterns once; `read` is then a pure function of the text and the task lookup.
    """

    def __init__(
        self, indicators: Sequence[IndicatorInfo], org_codes: Collection[str], lang: Lang = "vi"
    ) -> None:
        self.indicators = tuple(indicators)
        self.lang: Lang = lang
        self._by_code = {i.code.upper(): i for i in self.indicators}
        self._orgs = {code.upper(): code for code in org_codes}
        self._money = tuple(i for i in self.indicators if i.kind == "money")
        self._scale = {i.code: _unit_scale(i.unit) for i in self.indicators}
        self._by_unit: dict[str, IndicatorInfo] = {}
        for indicator in self.indicators:
            self._by_unit.setdefault(_plain(indicator.unit), indicator)
        self._by_unit.pop("", None)
        units = "|".join(
            r"\s+".join(re.escape(word) for word in unit.split())
            for unit in sorted(self._by_unit, key=len, reverse=True)
        )
        # A scale word is no scale where a unit starts ("500 triệu đồng" in "triệu đồng").
        not_unit = rf"(?!(?:{units})(?![a-z0-9]))" if units else ""
        scale = rf"{not_unit}(?:{_SCALE_WORDS})(?![a-z0-9])"
        self._value = re.compile(
            rf"(?:(?<![a-z0-9_])(?P<qual>{_QUALIFIER_WORDS})[ \t]*)?"
            r"(?:(?<=[ \t:=])(?P<neg>-))?"
            r"(?<![a-z0-9_/])(?<![a-z0-9_.,/]-)"  # not inside a code, a date or a range
            rf"(?P<num>{_NUM})"
            rf"(?:[ \t]*/[ \t]*(?P<target>{_NUM}))?"
            rf"(?P<scales>[ \t]*{scale}(?:[ \t]+{_NUM}[ \t]*{scale})*)?"
            r"(?P<cur>[ \t]*(?:dong|vnd|d)(?![a-z0-9]))?"
        )
        self._after_unit = re.compile(rf"[ \t]*(?P<unit>{units})(?![a-z0-9])") if units else None
        self._all_units = ", ".join(i.unit for i in self.indicators)

    # --- helpers ---

    def _choices(self, codes: Iterable[str]) -> str:
        """Indicators as a list to choose from: "HN (hội nghị), LN (lượt người)"."""
        listed = []
        for code in codes:
            indicator = self._by_code.get(code.upper())
            listed.append(f"{code} ({indicator.unit})" if indicator else code)
        return ", ".join(listed)

    def _code_at(self, text: str, start: int, end: int) -> IndicatorInfo | None:
        """The indicator whose code is typed at text[start:end] (ASCII, any case), if any."""
        token = text[start:end]
        return self._by_code.get(token.upper()) if token.isascii() else None

    def _find_task(self, text: str, find_task: FindTask) -> tuple[TaskInfo, int]:
        match = _TASK.match(text)
        if match is None:
            raise VietnameseParseError("typed_no_task", text=_short(text))
        token, end = match["task"], match.end()
        candidates: list[tuple[str, int]] = []
        if any(c.isdigit() for c in token) or token.isupper():
            candidates.append((token.upper(), end))
        if token.isalpha():  # "CT 01"
            digits = _TASK_DIGITS.match(text, match.end("task"))
            if digits is not None:
                candidates.append((token.upper() + digits["digits"], digits.end()))
        if not candidates:
            raise VietnameseParseError("typed_no_task", text=_short(text))
        for code, code_end in candidates:
            task = find_task(code)
            if task is not None:
                return task, code_end
        raise VietnameseParseError("unknown_task", task=candidates[-1][0])

    def _money_indicator(self, task: TaskInfo, said: str, number: str) -> IndicatorInfo:
        targeted = [i for i in self._money if i.code in task.targets]
        if len(targeted) == 1:
            return targeted[0]
        if len(self._money) == 1:
            return self._money[0]
        if not self._money:
            raise VietnameseParseError(
                "typed_unknown_unit", unit=said, task=task.code, units=self._all_units
            )
        raise VietnameseParseError(
            "typed_which_indicator",
            task=task.code,
            number=number,
            choices=self._choices([i.code for i in self._money]),
        )

    def _only_target(self, task: TaskInfo, given: Collection[str]) -> IndicatorInfo | None:
        """The task's one target indicator, unless it has several or its value is given."""
        if len(task.targets) != 1:
            return None
        (code,) = task.targets
        indicator = self._by_code.get(code.upper()) or IndicatorInfo(code, "", "")
        return None if indicator.code in given else indicator

    def _quantity(self, expression: str, said: str, scale: Decimal) -> Quantity:
        try:
            return parse_quantity(expression, unit_scale=scale, lang=self.lang)
        except (VietnameseParseError, ArithmeticError):  # ArithmeticError: a thousand digits
            raise VietnameseParseError("typed_bad_number", text=said) from None

    # --- reading ---

    def read(self, text: str, find_task: FindTask) -> TypedReport:
        """Read one typed report; `find_task` gets a code upper-cased, at most twice."""
        if len(text) > MAX_LENGTH:
            raise VietnameseParseError("typed_too_long", limit=str(MAX_LENGTH))
        text = unicodedata.normalize("NFC", text)
        if not text.strip():
            raise VietnameseParseError("typed_empty")
        task, pos = self._find_task(text, find_task)
        org: str | None = None
        org_match = _ORG.match(text, pos)
        if org_match is not None and org_match["org"].upper() in self._orgs:
            org, pos = self._orgs[org_match["org"].upper()], org_match.end()

        folded = _fold(text)
        consumed: list[tuple[int, int]] = [(0, pos)]
        values: dict[str, Quantity] = {}
        targets_said: dict[str, Decimal] = {}
        matches = list(self._value.finditer(folded, pos))
        gap_start = pos  # where the words before the next figure begin
        for index, match in enumerate(matches):
            start, end = match.span()
            limit = matches[index + 1].start() if index + 1 < len(matches) else len(text)
            if _BEFORE_TIME.search(folded, gap_start, start):
                continue  # "năm 2019", "tháng 5": a time, not a figure
            said = _short(text[start:end])

            # What the figure counts: a code before it, a unit or code after it, money, or the
            # task's only target.
            indicator: IndicatorInfo | None = None
            spans = [(start, end)]
            before = _BEFORE_CODE.search(folded, gap_start, start)
            if before is not None:
                indicator = self._code_at(text, *before.span("code"))
                if indicator is not None:
                    spans.append(before.span("code"))
            unit = self._after_unit.match(folded, end, limit) if self._after_unit else None
            if unit is not None:  # "LN 2100 lượt người" says it twice: both are consumed
                after = self._by_unit[" ".join(unit["unit"].split())]
                if indicator is None or indicator == after:
                    indicator = after
                    spans.append(unit.span("unit"))
            elif indicator is None:  # "HN 22 LN 30": LN belongs to 30
                code = _AFTER_CODE.match(folded, end, limit)
                if code is not None:
                    indicator = self._code_at(text, *code.span("code"))
                    if indicator is not None:
                        spans.append(code.span("code"))
            in_dong = bool(match["cur"]) and not match["scales"]
            if indicator is None:
                if _AFTER_TIME.match(folded, end, limit):
                    continue  # "6 tháng", "2 năm"
                indicator = self._unnamed(task, values, match, text, folded, end, limit, said)
            scale = self._scale.get(indicator.code, Decimal(1))
            expression = " ".join(
                part
                for part in (
                    match["qual"],
                    (match["neg"] or "") + match["num"],
                    match["scales"],
                    match["cur"],
                )
                if part
            )
            quantity = self._quantity(expression, said, scale)
            if in_dong and scale != 1:  # "500.000.000 đồng" into "triệu đồng"
                quantity = Quantity(_tidy(quantity.value / scale), quantity.qualifier)
            if indicator.code in values:
                raise VietnameseParseError("typed_repeated_indicator", indicator=indicator.code)
            values[indicator.code] = quantity
            if match["target"]:
                targets_said[indicator.code] = self._quantity(match["target"], said, scale).value
            consumed.extend(spans)
            gap_start = max(s[1] for s in spans)

        if not values:
            raise VietnameseParseError("typed_no_values", task=task.code)
        gaps = self._gaps(consumed, len(text))
        if org is None:
            org, gaps = self._org_elsewhere(text, gaps)
        remark = _tidy_remark(" ".join(text[a:b] for a, b in gaps))
        return TypedReport(task.code, org, values, targets_said, remark)

    def _unnamed(
        self,
        task: TaskInfo,
        given: Collection[str],
        match: re.Match[str],
        text: str,
        folded: str,
        end: int,
        limit: int,
        said: str,
    ) -> IndicatorInfo:
        """The indicator of a figure typed without a known unit or code."""
        scales = (match["scales"] or "").split()
        if match["cur"] or any(word in _MONEY_SCALES for word in scales):
            money_words = text[match.start("scales") if scales else match.start("cur") : end]
            return self._money_indicator(task, " ".join(money_words.split()), said)
        only = self._only_target(task, given)
        if _AFTER_PERCENT.match(folded, end, limit) and "%" not in self._by_unit:
            raise VietnameseParseError(
                "typed_unknown_unit", unit="%", task=task.code, units=self._all_units
            )
        if only is not None:
            return only
        words = _AFTER_WORDS.match(folded, end, limit)
        if words is not None:
            kept = []
            offset = words.start("words")
            for word in words["words"].split():
                offset = folded.index(word, offset)
                original = text[offset : offset + len(word)]
                if word in _NOT_UNITS or (original.isupper() and original.upper() in self._orgs):
                    break
                kept.append(original)
                offset += len(word)
            if kept:
                raise VietnameseParseError(
                    "typed_unknown_unit",
                    unit=" ".join(kept),
                    task=task.code,
                    units=self._all_units,
                )
        # The choices: the task's targets not given yet, else every indicator not given yet.
        choices = [code for code in task.targets if code not in given] or [
            i.code for i in self.indicators if i.code not in given
        ]
        raise VietnameseParseError(
            "typed_which_indicator", task=task.code, number=said, choices=self._choices(choices)
        )

    @staticmethod
    def _gaps(consumed: list[tuple[int, int]], length: int) -> list[tuple[int, int]]:
        gaps, cursor = [], 0
        for start, end in sorted(consumed):
            if start > cursor:
                gaps.append((cursor, start))
            cursor = max(cursor, end)
        if cursor < length:
            gaps.append((cursor, length))
        return gaps

    def _org_elsewhere(
        self, text: str, gaps: list[tuple[int, int]]
    ) -> tuple[str | None, list[tuple[int, int]]]:
        """An organization code typed in capitals anywhere among the leftover words."""
        for index, (start, end) in enumerate(gaps):
            for token in _TOKEN.finditer(text, start, end):
                word = token[0]
                if word.isupper() and word in self._orgs and word not in self._by_code:
                    rest = [(start, token.start()), (token.end(), end)]
                    return self._orgs[word], gaps[:index] + rest + gaps[index + 1 :]
        return None, gaps


@lru_cache(maxsize=64)
def _cached_reader(
    indicators: tuple[IndicatorInfo, ...], org_codes: frozenset[str], lang: Lang
) -> ReportReader:
    return ReportReader(indicators, org_codes, lang)


def report_reader(
    indicators: Sequence[IndicatorInfo], org_codes: Collection[str], lang: Lang = "vi"
) -> ReportReader:
    """The reader for a program's indicators and organizations, compiled once per set."""
    return _cached_reader(tuple(indicators), frozenset(org_codes), lang)


def read_typed_report(
    text: str,
    *,
    find_task: FindTask,
    indicators: Sequence[IndicatorInfo],
    org_codes: Collection[str],
    lang: Lang = "vi",
) -> TypedReport:
    """Read a progress report typed in one chat line (see the module's docstring)."""
    return report_reader(indicators, org_codes, lang).read(text, find_task)
