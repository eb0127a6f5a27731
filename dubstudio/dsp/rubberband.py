"""High-quality time-stretch and pitch-shift with the rubberband program (R3 engine, formants kept).

rubberband is GPL, so it runs as a separate process. Output lengths are made sample-exact here:
the program rounds, and a take must end exactly where the fit says.
"""

import subprocess
import tempfile
from pathlib import Path

import numpy as np
import soundfile

from dubstudio import tools
from dubstudio.dsp.resample import resample
from dubstudio.errors import DubStudioError


def _run(audio: np.ndarray, rate: int, options: list[str], formants: bool = True) -> np.ndarray:
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "in.wav", Path(folder) / "out.wav"
        soundfile.write(source, audio.astype(np.float32), rate, subtype="FLOAT")
        run = subprocess.run([tools.require("rubberband"), "--fine", *(["--formant"] if formants else []), "--quiet", *options,
                              str(source), str(target)], capture_output=True, text=True, timeout=600)
        if run.returncode != 0:
            raise DubStudioError(f"rubberband failed ({run.stderr.strip().splitlines()[-1] if run.stderr.strip() else 'no message'}).")
        out, _ = soundfile.read(target, dtype="float32")
    return out


def _exact(audio: np.ndarray, samples: int) -> np.ndarray:
    if len(audio) >= samples:
        return audio[:samples]
    return np.concatenate([audio, np.zeros(samples - len(audio), audio.dtype)])


def stretch_to(audio: np.ndarray, rate: int, samples: int, made_at: int | None = None) -> np.ndarray:
    """Time-stretch mono audio to exactly `samples` long, pitch and formants unchanged.

    made_at: a lower rate the audio was made at (a 24 kHz synthesizer's take at 48 kHz), so it holds
    nothing above half of it. R3 then runs at that rate, on the same content, at a quarter of the cost."""
    if samples <= 0:
        raise DubStudioError("a take cannot be stretched to zero length.")
    if samples == len(audio):
        return audio.copy()
    ratio = samples / max(1, len(audio))
    if made_at and made_at < rate:
        stretched = _run(resample(audio, rate, made_at), made_at, ["--time", f"{ratio:.9f}"])
        return _exact(resample(stretched, made_at, rate), samples)
    return _exact(_run(audio, rate, ["--time", f"{ratio:.9f}"]), samples)


def shift_pitch(audio: np.ndarray, rate: int, semitones: float, formants: bool = True) -> np.ndarray:
    """Raise (or lower, when negative) the pitch, keeping duration. With formants=False the vocal
    tract moves with the pitch, which is what makes a voice sound like a larger or smaller person."""
    if semitones == 0:
        return audio.copy()
    return _exact(_run(audio, rate, ["--pitch", f"{semitones:.4f}"], formants), len(audio))
