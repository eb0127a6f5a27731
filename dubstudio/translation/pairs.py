"""Which source -> target pairs the installed backends translate, and which backend takes a pair."""

from collections.abc import Sequence

from dubstudio.errors import DubStudioError
from dubstudio.translation.types import Translator


class UnsupportedPairError(DubStudioError):
    """No installed backend translates the requested pair."""


def available_pairs(translators: Sequence[Translator]) -> dict[tuple[str, str], tuple[str, ...]]:
    """(source, target) -> the backends that translate it, in the order given (preference)."""
    found: dict[tuple[str, str], list[str]] = {}
    for translator in translators:
        for pair in translator.pairs():
            found.setdefault(pair, []).append(translator.name)
    return {pair: tuple(names) for pair, names in sorted(found.items())}


def describe(pairs) -> str:
    return ", ".join(f"{source}->{target}" for source, target in sorted(pairs)) or "none"


def translator_for(translators: Sequence[Translator], source: str, target: str) -> Translator:
    """The first translator that takes source -> target, or an error listing the pairs there are."""
    for translator in translators:
        if (source, target) in translator.pairs():
            return translator
    available = available_pairs(translators)
    raise UnsupportedPairError(
        f"no installed translation backend translates {source}->{target} (available: {describe(available)}): "
        f"install an Apertium pair for it or point DubStudio at a Marian or NLLB model that has it.")
