"""Cut the silence a synthesizer leaves before and after speech, so a take's length is its speech."""

import numpy as np


def trim_silence(audio: np.ndarray, rate: int, floor_db: float = -45.0, pad_ms: int = 20) -> np.ndarray:
    """Keep from the first to the last 10 ms frame within floor_db of the peak, plus pad_ms each side."""
    hop = max(1, rate // 100)
    frames = len(audio) // hop
    if frames == 0:
        return audio
    rms = np.sqrt(np.mean(np.square(audio[:frames * hop].reshape(frames, hop)), axis=1))
    loud = np.nonzero(rms > np.max(np.abs(audio)) * 10 ** (floor_db / 20))[0]
    if len(loud) == 0:
        return audio[:0]
    pad = rate * pad_ms // 1000
    return audio[max(0, loud[0] * hop - pad):min(len(audio), (loud[-1] + 1) * hop + pad)]
