"""Sample-rate conversion of mono float audio in memory (polyphase: exact rational ratios, no drift)."""

from fractions import Fraction

import numpy as np


def resample(audio: np.ndarray, rate: int, to_rate: int) -> np.ndarray:
    """audio at `rate` as float32 at `to_rate`."""
    if rate == to_rate:
        return audio.astype(np.float32)
    from scipy.signal import resample_poly

    ratio = Fraction(to_rate, rate)
    return resample_poly(audio, ratio.numerator, ratio.denominator).astype(np.float32)
