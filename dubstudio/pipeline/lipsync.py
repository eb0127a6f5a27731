"""Step 11: lip-sync each line's frames to its dub, one engine job per line, and the picture a master
shows from the results.

A line's frames are those showing while its chosen take plays, placed as the mixer places it (the
line's start plus the fit's offset: a take may start early into the silence before it) to its last
sample. The job hears the dub dialogue over those frames: every take placed there, not only the line's
own, and no M&E.

Lines whose frames overlap (a take that starts early, a quick reply) get their frames in turn: each
line's frames end where the next line's begin, so every frame is lip-synced once. The later line's job
hears both takes over the shared frames and moves the face it finds speaking; a second face speaking
across that cut keeps its original mouth there.

Jobs are journaled like synthesis jobs, so a dead client's work resumes on the next run. A result is
kept per line and language with the segment's cache key; it is used until the line's chosen take
changes or the line moves (then it is stale), and a segment missing from the cache is made again.
"""

import hashlib
import json
import math
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path

import numpy as np
import soundfile

from dubstudio import paths
from dubstudio.jobs import BATCH, INTERACTIVE, InputFile
from dubstudio.lipsync.errors import LipSyncError
from dubstudio.lipsync.segments import in_turn, segment_key, segment_path, shown_spans
from dubstudio.media import frame_index, probe
from dubstudio.media.ffmpeg import partial_name
from dubstudio.media.frame_index import FrameIndex
from dubstudio.media.splice import SMART_CONTAINERS, Replacement, splice
from dubstudio.mix.mixer import Placed, dialogue_bus
from dubstudio.pipeline import render as render_stage  # the module: render imports this one too
from dubstudio.pipeline.run import Run
from dubstudio.project import Line, Lipsync, Take
from dubstudio.timing import SAMPLE_RATE as RATE
from dubstudio.timing import format_frame_rate

METHODS = ("embedded", "wav2lip", "wav2lip-gan")
SPLICE_VERSION = 1  # bump when the same segments would splice into a different picture


@dataclass(frozen=True)
class Span:
    """The frames one line's job re-renders, and the take they follow."""

    line: Line
    take: Take
    dub_start: int  # project sample where the take starts
    first: int
    end: int        # exclusive


@dataclass(frozen=True)
class Outcome:
    line: Line
    result: Lipsync
    reused: bool  # already up to date: no job ran


@dataclass(frozen=True)
class Settings:
    """How to lip-sync: the method and its model folders (wav2lip needs one; SyncNet's is optional)."""

    method: str = "embedded"
    folder: str | None = None
    syncnet: str | None = None

    @classmethod
    def of(cls, run: Run) -> "Settings":
        return cls(run.options.lipsync_method, run.options.lipsync_folder, run.options.syncnet)


def _frame_sample(index: FrameIndex, frame: int) -> int:
    """The first project sample at or after the time frame starts (frame may be len(index): the end)."""
    time = index.time(frame) if frame < len(index) else index.end * index.time_base - index.start_time
    return math.ceil(time * RATE)


def plan(run: Run, language: str, index: FrameIndex) -> tuple[list[Span], list[Placed]]:
    """The spans of the lines with a chosen take, in turn, and every take as the mixer places it."""
    takes = render_stage.chosen_takes(run, language)
    placed = [Placed(line.start + int(take.fit.get("offset", 0)), audio) for line, take, audio in takes]
    spans = []
    for (line, take, audio), put in zip(takes, placed):
        first = index.frame_at(Fraction(max(0, put.start), RATE))
        end = index.frame_at(Fraction(put.start + len(audio) - 1, RATE)) + 1
        spans.append((first, end, Span(line, take, put.start, first, end)))
    return [replace(span, first=first, end=end) for first, end, span in in_turn(spans)], placed


def dub_audio(placed: list[Placed], start: int, stop: int) -> np.ndarray:
    """The dub dialogue from project sample start to stop: the takes there, mixed as on the dialogue bus."""
    near = [Placed(put.start - start, put.audio) for put in placed
            if put.start < stop and put.start + len(put.audio) > start]
    return dialogue_bus(near, stop - start)


def job_inputs(run: Run, language: str, span: Span, placed: list[Placed], index: FrameIndex,
               settings: Settings) -> dict:
    """The lipsync job's inputs (dubstudio.engine.jobs.lipsync) and what storing its result needs; the
    dub over the span is written to the cache, named by its content."""
    media = run.media_path
    audio = dub_audio(placed, _frame_sample(index, span.first), _frame_sample(index, span.end))
    digest = hashlib.sha256(audio.tobytes()).hexdigest()[:24]
    dub = paths.cache_dir("lipsync", "dub") / f"{digest}.wav"
    if not dub.is_file():
        partial = partial_name(dub)
        soundfile.write(partial, audio, RATE, subtype="FLOAT")
        partial.replace(dub)
    folder = settings.folder if settings.method != "embedded" else None
    key = segment_key(run.project.media().content_hash, (span.first, span.end), digest, settings.method,
                      {"folder": folder})
    return {"video": InputFile(str(media)), "frame_rate": format_frame_rate(run.project.settings.frame_rate),
            "first": span.first, "end": span.end, "dub": InputFile(str(dub)), "method": settings.method,
            "folder": folder, "syncnet": settings.syncnet, "out": str(segment_path(key)),
            "line_id": span.line.id, "language": language, "take_id": span.take.id, "dub_start": span.dub_start,
            "key": key}


def store(run: Run, inputs: dict, result: dict) -> None:
    """Keep a finished job's result in the project."""
    scores = {name: result[name] for name in ("score_before", "score_after", "changed", "skipped", "lse")
              if name in result}
    scores = json.loads(json.dumps(scores, default=lambda value: value.item()))  # numpy numbers as JSON
    run.project.set_lipsync(inputs["line_id"], inputs["language"], take_id=inputs["take_id"],
                            dub_start=inputs["dub_start"], method=result.get("method", inputs["method"]),
                            frames=(result["first"], result["end"]), segment_key=inputs["key"], scores=scores,
                            params={"folder": inputs["folder"], "syncnet": inputs["syncnet"]})


def summary(project, language: str) -> dict | None:
    """Lines with a current lip-sync, and their mean sync score before and after; None if none has one."""
    scores = [result.scores for result in project.lipsyncs(language).values() if not result.stale]
    if not scores:
        return None
    return {"lines": len(scores), "before": float(np.mean([score["score_before"] for score in scores])),
            "after": float(np.mean([score["score_after"] for score in scores]))}


def _fresh(result: Lipsync | None, inputs: dict) -> bool:
    return (result is not None and not result.stale and result.segment_key == inputs["key"]
            and (inputs["syncnet"] is None or "lse" in result.scores) and segment_path(result.segment_key).is_file())


def _frames_of(run: Run) -> FrameIndex:
    media = run.media_path
    info = probe(media)
    if not info.has_picture:
        raise LipSyncError(f"{media.name} has no picture: there are no lips to sync, only the mix to deliver.")
    return frame_index(media, info=info)


def lipsync(run: Run, language: str, line_ids: list[int] | None = None, interactive: bool = False,
            settings: Settings | None = None) -> list[Outcome]:
    """Lip-sync the language's lines that have a chosen take and no current result (or line_ids, again
    even if current), with the run's settings; returns each line's result in script order."""
    settings = settings or Settings.of(run)
    if settings.method not in METHODS:
        raise LipSyncError(f"there is no lip-sync method '{settings.method}': use one of {', '.join(METHODS)}.")
    project = run.project
    index = _frames_of(run)
    spans, placed = plan(run, language, index)
    if line_ids is not None:
        covered = {span.line.id for span in spans}
        for line_id in line_ids:
            if line_id not in covered:
                line = project.line(line_id)
                raise LipSyncError(f"line {line.number if line else line_id} has no {language} take to lip-sync "
                                   "(or its frames belong to the line around it): synthesize it first.")
        spans = [span for span in spans if span.line.id in set(line_ids)]
    existing = project.lipsyncs(language)
    outcomes, todo = [], []
    for span in spans:
        inputs = job_inputs(run, language, span, placed, index, settings)
        if line_ids is None and _fresh(existing.get(span.line.id), inputs):
            outcomes.append(Outcome(span.line, existing[span.line.id], True))
        else:
            todo.append((span, inputs))
    outcomes += _run_jobs(run, language, todo, interactive)
    return sorted(outcomes, key=lambda outcome: outcome.line.number)


def _run_jobs(run: Run, language: str, todo: list[tuple[Span, dict]], interactive: bool) -> list[Outcome]:
    if not todo:
        return []
    project = run.project
    bar = run.report.stage(f"lip-sync ({language})", len(todo))
    outcomes = []
    try:
        priority = INTERACTIVE if interactive else BATCH
        handles = [(span, inputs, run.engine.submit("lipsync", inputs, priority=priority, journal=project.jobs))
                   for span, inputs in todo]
        for done, (span, inputs, handle) in enumerate(handles, 1):
            store(run, inputs, handle.result())
            result = project.lipsync(span.line.id, language)
            outcomes.append(Outcome(span.line, result, False))
            bar.update(done, len(todo), f"line {span.line.number}: {result.scores['score_before']:.2f} -> "
                                        f"{result.scores['score_after']:.2f}")
    finally:
        bar.close()
    return outcomes


def picture(run: Run, language: str, progress=None) -> Path:
    """The video a master shows with `language` as its first track: the source with the language's
    lip-synced frames spliced in (cached), or the source itself when it has none."""
    project, media = run.project, run.media_path
    results = project.lipsyncs(language)
    stale = sum(result.stale for result in results.values())
    if stale:
        run.report.note(f"{stale} line(s) changed take or moved since their {language} lip-sync: they show their "
                        "original frames; run dubstudio lipsync again to lip-sync them.")
    if not shown_spans(results.values()):
        return media
    _remake_missing(run, language, results)
    spans = shown_spans(project.lipsyncs(language).values())
    key = json.dumps([project.media().content_hash, spans, SPLICE_VERSION])
    suffix = media.suffix.lower() if media.suffix.lower() in SMART_CONTAINERS else ".mkv"
    out = paths.cache_dir("lipsync", "pictures") / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}{suffix}"
    if not out.is_file():
        spliced = splice(media, [Replacement(first, end, segment_path(key)) for first, end, key in spans], out,
                         progress=progress)
        if spliced.whole:
            run.report.note(f"The lip-synced picture was encoded whole: {spliced.whole}.")
    return out


def _remake_missing(run: Run, language: str, results: dict[int, Lipsync]) -> None:
    """Run again, with their own method and folders, the jobs whose segments left the cache."""
    missing = {line_id: result for line_id, result in results.items() if not result.stale
               and result.scores.get("changed", 1) and not segment_path(result.segment_key).is_file()}
    if not missing:
        return
    index = _frames_of(run)
    spans, placed = plan(run, language, index)
    todo = []
    for span in spans:
        if span.line.id in missing:
            old = missing[span.line.id]
            settings = Settings(old.method, old.params.get("folder"), old.params.get("syncnet"))
            todo.append((span, job_inputs(run, language, span, placed, index, settings)))
    _run_jobs(run, language, todo, interactive=False)
