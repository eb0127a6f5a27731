"""The lip-sync score: how well the mouth opening measured on the pictures follows the loudness of
the speech, frame by frame (Pearson correlation, best over a small audio/video lag).

Loud frames are vowels, which open the mouth; silences and closures (p, b, m) are quiet. The score
is about 0 for a mouth that ignores the audio and rises towards 1 as it follows it.
"""

from fractions import Fraction

import numpy as np

FLOOR_DB = 40.0        # the envelope spans this many dB below the clip's loud frames
SILENCE_DBFS = -60.0   # anything quieter is silence, however quiet the clip
MIN_FRAMES = 5


def speech_envelope(audio_16k: np.ndarray, fps: Fraction, frames: int, rate: int = 16_000) -> np.ndarray:
    """float32 [frames] in [0, 1]: each video frame's loudness (a window of 1.5 frames centred on the
    frame), in dB above FLOOR_DB under the clip's loud frames (its 95th percentile)."""
    audio = np.asarray(audio_16k, np.float64).reshape(-1)
    fps = Fraction(fps)
    per_frame = rate / fps
    half = max(1, int(per_frame * 3 / 4))
    centres = np.array([int((k + Fraction(1, 2)) * per_frame) for k in range(frames)], np.int64)
    power = np.concatenate([[0.0], np.cumsum(audio * audio)])
    lo = np.clip(centres - half, 0, len(audio))
    hi = np.clip(centres + half, 0, len(audio))
    mean = (power[hi] - power[lo]) / np.maximum(1, hi - lo)
    db = 10 * np.log10(mean + 1e-12)
    if not frames:
        return np.zeros(0, np.float32)
    top = max(float(np.percentile(db, 95)), SILENCE_DBFS + FLOOR_DB / 4)
    floor = max(top - FLOOR_DB, SILENCE_DBFS)
    return np.clip((db - floor) / (top - floor), 0.0, 1.0).astype(np.float32)


def _pearson(a: np.ndarray, b: np.ndarray) -> float | None:
    valid = np.isfinite(a) & np.isfinite(b)
    if valid.sum() < MIN_FRAMES:
        return None
    a, b = a[valid] - a[valid].mean(), b[valid] - b[valid].mean()
    scale = float(np.sqrt((a * a).sum() * (b * b).sum()))
    return float((a * b).sum() / scale) if scale > 1e-12 else None


def sync_score(openings: np.ndarray, envelope: np.ndarray, max_lag_frames: int = 2) -> float:
    """Best Pearson correlation of openings[t] with envelope[t + lag] for |lag| <= max_lag_frames.
    Frames whose opening is NaN (no face) are left out; 0.0 when too few frames are left or either
    side does not vary."""
    openings = np.asarray(openings, np.float64)
    envelope = np.asarray(envelope, np.float64)
    count = min(len(openings), len(envelope))
    best = None
    for lag in range(-max_lag_frames, max_lag_frames + 1):
        a = openings[max(0, -lag):count - max(0, lag)]
        b = envelope[max(0, lag):count - max(0, -lag)]
        found = _pearson(a, b)
        if found is not None and (best is None or found > best):
            best = found
    return best if best is not None else 0.0
