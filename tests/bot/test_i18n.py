"""The Fluent catalogs: same keys and variables in every language, and every key code asks for."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from fluent.syntax import FluentParser
from fluent.syntax import ast as fl
from fluent.syntax.visitor import Visitor

from bot.i18n import LANGUAGES, LOCALES, Translator, catalog_paths, translator

ROOT = Path(__file__).resolve().parents[2]
BOT = ROOT / "bot"
STORAGE = ROOT / "storage"
# Names a translator goes by in the code: `t("key")`, `self.t("key")`, `translator(x)("key")`.
TRANSLATOR_NAMES = frozenset({"t", "_t", "tr", "translate"})
# Sections whose issues come from refused operations and are worded by `op-<code>`
# (see bot.render.render_issue); every other section's issues are worded by `error-<code>`.
OPERATION_SECTIONS = frozenset({"reports", "people"})


class _Variables(Visitor):
    def __init__(self) -> None:
        self.names: set[str] = set()

    def visit_VariableReference(self, node: fl.VariableReference) -> None:  # noqa: N802
        self.names.add(node.id.name)


@cache
def catalog(lang: str) -> dict[str, frozenset[str]]:
    """Message key -> the variables it uses, parsed from the language's .ftl files."""
    messages: dict[str, frozenset[str]] = {}
    for path in catalog_paths(lang):  # type: ignore[arg-type]
        resource = FluentParser().parse(path.read_text(encoding="utf-8"))
        junk = [entry for entry in resource.body if isinstance(entry, fl.Junk)]
        assert not junk, f"{path}: unparsable entries: {[j.content for j in junk]}"
        for entry in resource.body:
            if isinstance(entry, fl.Message):
                assert entry.id.name not in messages, f"{path}: {entry.id.name} defined twice"
                visitor = _Variables()
                visitor.visit(entry)
                messages[entry.id.name] = frozenset(visitor.names)
    return messages


def all_keys() -> set[str]:
    return {key for lang in LANGUAGES for key in catalog(lang)}


def python_files(root: Path) -> Iterator[Path]:
    yield from sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)


def _is_translator(func: ast.expr) -> bool:
    if isinstance(func, ast.Name):
        return func.id in TRANSLATOR_NAMES
    if isinstance(func, ast.Attribute):
        return func.attr in TRANSLATOR_NAMES
    if isinstance(func, ast.Call):  # translator("vi")("key") / Translator("vi")("key")
        inner = func.func
        name = inner.id if isinstance(inner, ast.Name) else getattr(inner, "attr", "")
        return name in {"translator", "Translator"}
    return False


def requested_keys() -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(literal keys, f-string prefixes) passed to a translator in bot/, each with its place."""
    literals: set[tuple[str, str]] = set()
    prefixes: set[tuple[str, str]] = set()
    for path in python_files(BOT):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and node.args and _is_translator(node.func)):
                continue
            first = node.args[0]
            place = f"{path.relative_to(ROOT)}:{node.lineno}"
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                literals.add((first.value, place))
            elif isinstance(first, ast.JoinedStr):
                lead = first.values[0] if first.values else None
                prefix = lead.value if isinstance(lead, ast.Constant) else ""
                prefixes.add((str(prefix), place))
    return literals, prefixes


def issue_codes() -> set[tuple[str, str, str]]:
    """(catalog prefix, code, place) of every literal Issue code storage/ can emit.

    Covers `Issue(section, "code", ...)`, helpers that pass one of their parameters on as an
    Issue's code (like `bad("unknown_org", ...)` in check_plan), and `_PYDANTIC_CODES`."""
    found: set[tuple[str, str, str]] = set()
    for path in python_files(STORAGE):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))

        def place(node: ast.AST, path: Path = path) -> str:
            return f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"

        helpers: dict[str, tuple[int, str]] = {}  # function -> (code param position, prefix)
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef):
                continue
            params = [a.arg for a in func.args.args]
            for call in ast.walk(func):
                code_arg, section = _issue_args(call)
                if isinstance(code_arg, ast.Name) and code_arg.id in params:
                    helpers[func.name] = (params.index(code_arg.id), _prefix(section))

        for node in ast.walk(tree):
            code_arg, section = _issue_args(node)
            if isinstance(code_arg, ast.Constant) and isinstance(code_arg.value, str):
                found.add((_prefix(section), code_arg.value, place(node)))
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in helpers
            ):
                position, prefix = helpers[node.func.id]
                arg = node.args[position] if len(node.args) > position else None
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.add((prefix, arg.value, place(node)))
            if (
                isinstance(node, ast.Assign)
                and any(
                    isinstance(t, ast.Name) and t.id == "_PYDANTIC_CODES" for t in node.targets
                )
                and isinstance(node.value, ast.Dict)
            ):
                for value in node.value.values:
                    assert isinstance(value, ast.Constant)
                    found.add(("error-", str(value.value), place(value)))
            # `code = _PYDANTIC_CODES.get(type, "invalid")` and `code = "bad_code"`
            if (
                isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "code" for t in node.targets)
                and path.name == "documents.py"
            ):
                value = node.value
                if isinstance(value, ast.Call) and len(value.args) > 1:  # mapping.get(x, "dflt")
                    value = value.args[1]
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    found.add(("error-", value.value, place(value)))
    return found


def _issue_args(node: ast.AST) -> tuple[ast.expr | None, ast.expr | None]:
    """The code and section expressions of an `Issue(...)` call, else (None, None)."""
    if not (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Issue"
    ):
        return None, None
    keywords = {k.arg: k.value for k in node.keywords}
    section = node.args[0] if node.args else keywords.get("section")
    code = node.args[1] if len(node.args) > 1 else keywords.get("code")
    return code, section


def _prefix(section: ast.expr | None) -> str:
    if isinstance(section, ast.Constant) and section.value in OPERATION_SECTIONS:
        return "op-"
    return "error-"


def operation_codes() -> set[tuple[str, str]]:
    """Literal codes of every `OperationError("code", ...)` raised in storage/."""
    found: set[tuple[str, str]] = set()
    for path in python_files(STORAGE):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in {"OperationError", "VietnameseParseError"}
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add((node.args[0].value, f"{path.relative_to(ROOT)}:{node.lineno}"))
    return found


# --- the tests ---------------------------------------------------------------------------------


def test_catalogs_exist_and_parse() -> None:
    """Every language has a catalog that parses without junk and holds messages."""
    assert set(LANGUAGES) == {"vi", "en"}
    for lang in LANGUAGES:
        paths = catalog_paths(lang)
        assert paths and all(p.parent.parent == LOCALES for p in paths)
        assert [p.name for p in paths] == [p.name for p in catalog_paths("vi")]
        assert len(catalog(lang)) > 50


def test_catalogs_have_the_same_keys() -> None:
    """A message in one language exists in every other, so no user meets a missing text."""
    vi, en = set(catalog("vi")), set(catalog("en"))
    assert sorted(vi - en) == [], "keys only in vi"
    assert sorted(en - vi) == [], "keys only in en"


def test_each_key_uses_the_same_variables_in_every_language() -> None:
    """A translation neither drops a figure nor asks for a parameter the code does not pass."""
    vi, en = catalog("vi"), catalog("en")
    differing = {
        key: (sorted(vi[key]), sorted(en[key]))
        for key in vi.keys() & en.keys()
        if vi[key] != en[key]
    }
    assert differing == {}


def test_every_literal_key_the_code_asks_for_exists() -> None:
    """`t("key")` anywhere in bot/ names a message of both catalogs."""
    literals, _ = requested_keys()
    assert len(literals) > 40  # the scan finds the calls it is meant to find
    missing = sorted(
        (key, place) for key, place in literals for lang in LANGUAGES if key not in catalog(lang)
    )
    assert missing == []


def test_every_fstring_key_prefix_has_messages() -> None:
    """`t(f"prefix-{...}")` in bot/ has at least one message starting with the prefix."""
    _, prefixes = requested_keys()
    assert {p for p, _ in prefixes} >= {"error-", "op-", "kind-", "headline-part-"}
    missing = sorted(
        (prefix, place)
        for prefix, place in prefixes
        if not prefix or not any(k.startswith(prefix) for k in all_keys())
    )
    assert missing == []


@pytest.mark.parametrize("kind", ["common", "registered", "focus"])
def test_every_task_kind_has_its_texts(kind: str) -> None:
    """The status text asks for `kind-<kind>` and `headline-part-<kind>` of every task kind."""
    for lang in LANGUAGES:
        assert {f"kind-{kind}", f"headline-part-{kind}"} <= catalog(lang).keys()


@pytest.mark.parametrize("style", ["yaml", "sheet"])
def test_every_location_style_has_its_texts(style: str) -> None:
    """Problems are located in YAML or spreadsheet words, so both sets of texts exist."""
    for lang in LANGUAGES:
        for part in ("section", "row", "field"):
            assert f"where-{part}-{style}" in catalog(lang)


def test_every_issue_code_of_storage_has_a_message() -> None:
    """Each code an `Issue` of storage/ can carry (literal, via a helper, or mapped from
    pydantic) has its `error-<code>` (or, for report and people entries, `op-<code>`)."""
    codes = issue_codes()
    names = {code for _, code, _ in codes}
    # The scan sees the codes it is meant to see.
    assert {"unknown_org", "duplicate_code", "yaml_syntax", "bad_date", "invalid"} <= names
    missing = sorted(
        (prefix + code, place)
        for prefix, code, place in codes
        for lang in LANGUAGES
        if prefix + code not in catalog(lang)
    )
    assert missing == []


def test_every_operation_refusal_has_a_message() -> None:
    """Each `OperationError` code raised in storage/ has its `op-<code>` message."""
    codes = operation_codes()
    assert {"unknown_program", "unknown_task", "not_lead"} <= {c for c, _ in codes}
    missing = sorted(
        (f"op-{code}", place)
        for code, place in codes
        for lang in LANGUAGES
        if f"op-{code}" not in catalog(lang)
    )
    assert missing == []


@pytest.mark.parametrize("qualifier", ["approx", "over", "more_than"])
def test_every_qualifier_has_a_message(qualifier: str) -> None:
    """gần / trên / hơn are said in every language."""
    for lang in LANGUAGES:
        assert catalog(lang)[f"qualifier-{qualifier}"] == {"value"}


def test_vietnamese_is_the_default_language() -> None:
    """Without a known language the bot speaks Vietnamese."""
    assert translator(None).lang == "vi"
    assert translator("fr").lang == "vi"
    assert translator("").lang == "vi"
    assert translator("en").lang == "en"


def test_a_missing_key_raises() -> None:
    """Asking for a message that does not exist is a bug that must surface, not blank text."""
    with pytest.raises(KeyError, match="no-such-key"):
        Translator("vi")("no-such-key")


def test_a_missing_parameter_raises() -> None:
    """A message formatted without one of its variables raises instead of printing a gap."""
    with pytest.raises(ValueError, match="status-title"):
        translator("en")("status-title")


def test_messages_format_with_their_parameters() -> None:
    """Parameters land in the text as given, with no Unicode isolation marks around them."""
    assert translator("vi")("headline-part-common", done=6, total=9) == "6/9 nhiệm vụ chung"
    assert translator("en")("headline-part-common", done=6, total=9) == "6/9 common tasks"
    assert translator("vi")("list-separator") == ", "
    assert "\u2068" not in translator("vi")("status-title", program="CTPH-2019")
