"""Auto-QA of stored takes: each take is transcribed back by ASR in its own engine job (kind "check").

The check follows the take instead of being part of its synthesis, so a regenerated take is stored
and playable as soon as it is fitted; its QA figures land on the take when the check is done. Like
the takes, checks are journaled: a client that dies before storing one resubmits it (resume_jobs).
"""

from pathlib import Path

import numpy as np
import soundfile

from dubstudio import paths
from dubstudio.errors import DubStudioError
from dubstudio.jobs import BATCH, INTERACTIVE, InputFile, JobHandle
from dubstudio.jobs.journal import decode_inputs
from dubstudio.pipeline.run import Run

# A regenerated line's check runs before the batch work queued, but after any line the user waits for.
AFTER_INTERACTIVE = INTERACTIVE - 1


def take_file(run: Run, take_id: int, path: Path | None = None) -> Path:
    """The take's audio as a WAV in the cache (named by its content), for the engine; written once."""
    take = run.project.take(take_id)
    if take is None:
        raise DubStudioError(f"take id {take_id} is not in this project: refresh the view and try again.")
    path = path or paths.cache_dir("takes") / f"{take.audio_hash}.wav"
    if not path.is_file():
        samples, rate = run.project.load_audio(take.audio_hash)
        partial = path.with_name(path.name + ".partial.wav")
        soundfile.write(partial, np.asarray(samples, np.float32), rate, subtype="FLOAT")
        partial.replace(path)
    return path


def check_inputs(run: Run, take_id: int) -> dict:
    """The check job's inputs: JSON data and the take's audio file, so the journal can keep them."""
    take = run.project.take(take_id)
    return {"take_id": take_id, "take": InputFile(str(take_file(run, take_id))), "text": take.text,
            "language": take.language}


def submit_check(run: Run, take_id: int, interactive: bool = False) -> JobHandle:
    """Queue the back-transcription of a stored take; store its result with store_check."""
    return run.engine.submit("check", check_inputs(run, take_id), priority=AFTER_INTERACTIVE if interactive else BATCH,
                             journal=run.project.jobs)


def store_check(run: Run, take_id: int, qa: dict) -> None:
    """Keep a finished check's figures on its take."""
    run.project.set_take_figures(take_id, qa=qa)


def restore_files(run: Run, records: list[dict]) -> None:
    """Write again the take files of journaled checks that the cache has lost since (before resuming)."""
    for record in records:
        if record["kind"] == "check":
            inputs = decode_inputs(record["inputs"])
            take_file(run, inputs["take_id"], Path(inputs["take"].path))


def finish(run: Run, handles: dict[int, JobHandle], language: str | None = None) -> None:
    """Wait for the checks of takes (by take id) and store their figures."""
    if not handles:
        return
    bar = run.report.stage(f"check takes ({language})" if language else "check takes", len(handles))
    try:
        for done, (take_id, handle) in enumerate(handles.items(), 1):
            qa = handle.result()
            store_check(run, take_id, qa)
            bar.update(done, len(handles), f"CER {qa['cer']:.0%}" + (" FLAGGED" if qa["flagged"] else ""))
    finally:
        bar.close()
