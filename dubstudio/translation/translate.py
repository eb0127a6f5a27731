"""Translating a script's lines through one backend with the glossary enforced: protect, translate
in batches, restore, check, and order each line's candidates so those that honour the glossary come
first. Pure given its translator, so an engine task can call it on a warm backend."""

from collections.abc import Sequence
from dataclasses import replace

from dubstudio.translation.glossary import Glossary
from dubstudio.translation.pairs import UnsupportedPairError, describe
from dubstudio.translation.protect import Protected, protect, restore
from dubstudio.translation.types import Candidate, Progress, Translator


def translate_lines(translator: Translator, lines: Sequence[str], source: str, target: str,
                    glossary: Glossary | None = None, n_best: int = 1, batch_size: int | None = None,
                    progress: Progress | None = None) -> list[list[Candidate]]:
    """Candidates for each line, best first, each carrying its QA flags. A blank line gets none.
    Lines go to the backend batch_size at a time (by default the backend's own batch size)."""
    if (source, target) not in translator.pairs():
        raise UnsupportedPairError(f"{translator.name} does not translate {source}->{target} (it has "
                                   f"{describe(translator.pairs())}): choose another backend or pair.")
    glossary = glossary or Glossary()
    batch_size = batch_size or translator.batch_size
    results: list[list[Candidate]] = [[] for _ in lines]
    todo = [i for i, line in enumerate(lines) if line.strip()]
    protected = {i: protect(" ".join(lines[i].split()), glossary) for i in todo}
    for begin in range(0, len(todo), batch_size):
        batch = todo[begin:begin + batch_size]
        raw = translator.translate([protected[i].text for i in batch], source, target, n_best)
        for i, candidates in zip(batch, raw, strict=True):
            results[i] = _finish(lines[i], candidates, protected[i], glossary)
        if progress:
            progress("translate", begin + len(batch), len(todo), lines[batch[-1]])
    return results


def _finish(source: str, candidates: list[Candidate], protected: Protected,
            glossary: Glossary) -> list[Candidate]:
    finished, seen = [], set()
    for candidate in candidates:
        text, lost = restore(candidate.text, protected)
        text = " ".join(text.split())
        if not text or text in seen:  # beam search often spells one sentence with different tokens
            continue
        seen.add(text)
        flags = glossary.check(source, text) + lost
        finished.append(replace(candidate, text=text, flags=flags))
    # sorted() is stable: within each group the backend's own order holds
    return sorted(finished, key=lambda candidate: bool(candidate.flags))
