"""User-facing texts: Fluent catalogs in `bot/locales/<lang>/*.ftl`, Vietnamese first.

Each language's catalog is every `.ftl` file of its folder (one per feature: `phoihop.ftl` for
status and the command line, `chat.ftl` for the conversation, ...); a key is defined once.

Handlers and renderers never hold literal text; they ask a `Translator` for a message by key with
named parameters. A missing key is a bug and raises, so the tests find it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from fluent.runtime import FluentBundle, FluentResource

Language = Literal["vi", "en"]
LANGUAGES: tuple[Language, ...] = ("vi", "en")
LOCALES = Path(__file__).with_name("locales")


def catalog_paths(lang: Language) -> list[Path]:
    """The files of a language's catalog, in a stable order."""
    return sorted((LOCALES / lang).glob("*.ftl"))


@cache
def _bundle(lang: Language) -> FluentBundle:
    bundle = FluentBundle([lang], use_isolating=False)
    for path in catalog_paths(lang):
        bundle.add_resource(FluentResource(path.read_text(encoding="utf-8")))
    return bundle


class Translator:
    """Messages of one language."""

    def __init__(self, lang: Language) -> None:
        self.lang: Language = lang
        self._bundle = _bundle(lang)

    def has(self, key: str) -> bool:
        return bool(self._bundle.has_message(key))

    def __call__(self, key: str, /, **params: object) -> str:
        """The message `key` with its parameters (numbers pre-formatted by the caller)."""
        if not self._bundle.has_message(key):
            raise KeyError(f"no message {key!r} in the {self.lang} catalog")
        message = self._bundle.get_message(key)
        if message.value is None:
            raise KeyError(f"message {key!r} in the {self.lang} catalog has no text")
        args = {k: (v if isinstance(v, int | str) else str(v)) for k, v in params.items()}
        text, errors = self._bundle.format_pattern(message.value, args)
        if errors:
            raise ValueError(f"message {key!r} ({self.lang}): {errors}")
        return str(text)


def translator(lang: str | None) -> Translator:
    """The translator for a language code, Vietnamese when unknown."""
    return Translator("en" if lang == "en" else "vi")
