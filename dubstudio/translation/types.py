"""What translation hands to the core: candidates with their QA flags, and the translator interface
every backend implements."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Flag:
    """An automatic QA remark on a translation, shown in the script editor."""

    code: str  # "glossary": a required term is missing; "protected": a name, number or URL was lost
    message: str


@dataclass(frozen=True)
class Candidate:
    text: str
    backend: str  # which backend (and route) produced it, e.g. "apertium:eng-spa+es-fr"
    # the backend's own confidence (mean log-probability per token); comparable within one backend only
    score: float | None = None
    estimated_samples: int | None = None  # spoken duration in the target voice, project samples
    flags: tuple[Flag, ...] = ()


class Translator(Protocol):
    """A translation backend. Lines come in already protected (see glossary.protect) and go out
    as raw candidates, best first; the core restores protected spans and checks the glossary."""

    name: str
    batch_size: int  # lines per call that amortise the call's overhead; progress comes per call

    def pairs(self) -> frozenset[tuple[str, str]]:
        """The (source, target) language pairs it translates, as DubStudio codes."""
        ...

    def translate(self, lines: Sequence[str], source: str, target: str,
                  n_best: int = 1) -> list[list[Candidate]]:
        """Up to n_best candidates for each line, in the same order as lines."""
        ...


# progress(step, done, total, detail), as the other engine stages report it
Progress = Callable[[str, int, int, str], None]
