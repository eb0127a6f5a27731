"""Step 6: translate the lines, keep every candidate, and pick the one whose spoken length fits.

Lines a person edited or approved are never sent: their text stands.
"""

from dubstudio.jobs import BATCH, JobHandle
from dubstudio.pipeline.run import Run
from dubstudio.project import OpChanges
from dubstudio.translation.length import choose, with_estimates
from dubstudio.voices.pace import paced_rate


def glossary_for(run: Run, language: str) -> dict[str, str | None]:
    """The project's glossary as the translator takes it: an empty target, or one equal to the
    term, means "do not translate"."""
    out = {}
    for entry in run.project.glossary(language):
        target = entry.target_term.strip()
        out[entry.source_term] = None if not target or target == entry.source_term else target
    return out


def cast_voice_name(run: Run, language: str, speaker_id: int | None) -> tuple[str, str]:
    """(backend, voice) of the speaker's cast voice, for the speaking-rate estimate."""
    voice_id = run.project.casting(language).get(speaker_id) if speaker_id is not None else None
    voice = next((v for v in run.project.voices() if v.id == voice_id), None)
    if voice is None:
        return "kokoro", ""
    return voice.backend, voice.backend_voice


def submit_translate(run: Run, language: str, lines, n_best: int | None = None, priority: int = BATCH) -> JobHandle:
    """A translate job for these lines (n_best candidates each, the run's by default)."""
    return run.engine.submit("translate", {
        "lines": [line.source_text for line in lines], "source": run.project.settings.source_language,
        "target": language, "glossary": glossary_for(run, language),
        "n_best": run.options.n_best if n_best is None else n_best,
        "backend": run.options.translator, "folder": run.options.translator_folder}, priority=priority)


def store_translations(run: Run, language: str, lines, candidates) -> OpChanges:
    """Keep a translate job's candidates: for each line, the one whose spoken length fits its slot
    becomes the machine translation, the others its alternatives."""
    texts, alternatives = {}, {}
    for line, found in zip(lines, candidates, strict=True):
        if not found:
            continue
        rate = paced_rate(*cast_voice_name(run, language, line.speaker_id), language)
        estimated = with_estimates(found, language, rate)
        best = choose(estimated, line.end - line.start)
        texts[line.id] = found[best].text
        alternatives[line.id] = [c.text for i, c in enumerate(found) if i != best]
    return run.project.set_machine_translations(language, texts, alternatives)


def translate(run: Run, language: str, refresh: bool = False) -> int:
    """Translate lines with no translation (refresh: machine translations too); returns how many."""
    project = run.project
    existing = project.translations(language)
    lines = [line for line in project.lines() if line.source_text.strip() and (
        line.id not in existing or (refresh and existing[line.id].status == "machine"))]
    if not lines:
        return 0
    bar = run.report.stage(f"translate → {language}", len(lines))
    try:
        candidates = run.wait(submit_translate(run, language, lines), bar)
    finally:
        bar.close()
    store_translations(run, language, lines, candidates)
    return sum(1 for found in candidates if found)
