"""Pipeline step 2 on a worker: split the original soundtrack into dialogue and M&E stems."""

import numpy as np

from dubstudio.engine.jobs import CancelFlag
from dubstudio.media import load_audio
from dubstudio.mix.separate import separate as split


def separate(inputs: dict, job) -> dict:
    """inputs: media (InputFile), spans ([(start, end)] of the lines, samples at 48 kHz).
    Returns the M&E (stereo) and dialogue (mono) stems at 48 kHz, and the residual figure."""
    audio = load_audio(inputs["media"], cancel=CancelFlag(job))
    job.progress("separate", 0, 1, f"{len(audio) / 48_000:.0f} s of audio")
    result = split(audio, [tuple(span) for span in inputs.get("spans", [])])
    job.progress("separate", 1, 1, f"{result.residual_db:+.1f} dB under the lines")
    return {"music_effects": result.music_effects.astype(np.float32), "dialogue": result.dialogue,
            "residual_db": result.residual_db}
