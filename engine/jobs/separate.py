"""Pipeline step 2 on a worker: split the original soundtrack into dialogue and M&E stems."""

from pathlib import Path

import numpy as np

from dubstudio.engine.jobs import CancelFlag, relay
from dubstudio.media import load_audio
from dubstudio.mix.separate import separate as split
from dubstudio.mix.separate import speech_residual_db


def _demucs(job, audio: np.ndarray, folder: str) -> tuple[np.ndarray, np.ndarray]:
    from dubstudio.engine.backends.demucs_separator import DemucsSeparator

    separator = job.model(f"demucs:{folder}", lambda: DemucsSeparator(Path(folder)))
    return separator.separate(audio, progress=relay(job))


def separate(inputs: dict, job) -> dict:
    """inputs: media (InputFile), spans ([(start, end)] of the lines, samples at 48 kHz), demucs (a studio
    model folder; None: the embedded separator). Returns the M&E (stereo) and dialogue (mono) stems at
    48 kHz, and the residual figure."""
    folder = inputs.get("demucs")
    spans = [tuple(span) for span in inputs.get("spans", [])]
    # demucs takes stereo: ffmpeg downmixes surround and spreads mono
    audio = load_audio(inputs["media"], channels=2 if folder else None, cancel=CancelFlag(job))
    job.progress("separate", 0, 1, f"{len(audio) / 48_000:.0f} s of audio")
    if folder:
        music_effects, dialogue = _demucs(job, audio, folder)
        residual_db = speech_residual_db(music_effects.mean(axis=1), spans, len(audio))
    else:
        result = split(audio, spans)
        music_effects, dialogue, residual_db = result.music_effects, result.dialogue, result.residual_db
    job.progress("separate", 1, 1, f"{residual_db:+.1f} dB under the lines")
    return {"music_effects": music_effects.astype(np.float32), "dialogue": dialogue, "residual_db": residual_db}
