"""Pipeline step 6 on a worker: translate a script's lines with the glossary enforced."""

from pathlib import Path

from dubstudio.engine.jobs import relay
from dubstudio.translation.glossary import Glossary
from dubstudio.translation.translate import translate_lines


def translator(job, backend: str, folder: str | None):
    if backend == "apertium":
        from dubstudio.engine.backends.apertium import Apertium

        return job.model("apertium", Apertium)
    if backend == "marian":
        from dubstudio.engine.backends.marian import MarianTranslator

        return job.model(f"marian:{folder}", lambda: MarianTranslator(Path(folder)))
    if backend == "opus-mt-ct2":
        from dubstudio.engine.backends.marian_ct2 import OpusMTCT2

        return job.model(f"opus-mt-ct2:{folder}", lambda: OpusMTCT2(Path(folder)))
    raise ValueError(f"unknown translation backend {backend!r}")


def translate(inputs: dict, job) -> list:
    """inputs: lines (texts), source, target, glossary ({term: translation or None}), n_best,
    backend ("apertium", "marian", "opus-mt-ct2") and folder for the studio ones.
    Returns each line's candidates, best first."""
    model = translator(job, inputs.get("backend", "apertium"), inputs.get("folder"))
    return translate_lines(model, inputs["lines"], inputs["source"], inputs["target"],
                           Glossary.of(inputs.get("glossary") or {}), n_best=inputs.get("n_best", 1),
                           progress=relay(job))
