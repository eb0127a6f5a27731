"""Delivery loudness: integrated loudness (ITU BS.1770 via pyloudnorm), true peak (4x oversampled),
normalisation to a preset, and a look-ahead true-peak limiter so the mix never clips."""

from dataclasses import dataclass

import numpy as np

from dubstudio.timing import SAMPLE_RATE as RATE
OVERSAMPLE = 4


@dataclass(frozen=True)
class Preset:
    name: str
    lufs: float
    true_peak: float  # dBTP ceiling


PRESETS = {
    "ebu": Preset("EBU R128", -23.0, -1.0),
    "atsc": Preset("ATSC A/85", -24.0, -2.0),
    "web": Preset("web", -16.0, -1.0),
}


def integrated(audio: np.ndarray) -> float:
    import pyloudnorm

    return float(pyloudnorm.Meter(RATE).integrated_loudness(audio))


def true_peak_db(audio: np.ndarray) -> float:
    from scipy.signal import resample_poly

    peak = np.max(np.abs(resample_poly(audio, OVERSAMPLE, 1, axis=0)))
    return float(20 * np.log10(max(peak, 1e-12)))


def limit(audio: np.ndarray, ceiling_db: float, lookahead: int = RATE // 200, release: int = RATE // 20) -> np.ndarray:
    """Gain that keeps the oversampled peak under the ceiling: it reaches its value `lookahead`
    samples before the peak (no overshoot) and recovers over `release` samples (no pumping)."""
    from scipy.ndimage import minimum_filter1d
    from scipy.signal import lfilter, resample_poly

    ceiling = 10 ** (ceiling_db / 20) * 0.995  # a hair under, for the interpolation between samples
    over = np.abs(resample_poly(audio, OVERSAMPLE, 1, axis=0)).reshape(len(audio), OVERSAMPLE, -1)
    peak = over.max(axis=(1, 2)) if audio.ndim == 2 else over.max(axis=1).ravel()
    need = np.minimum(1.0, ceiling / np.maximum(peak, 1e-12))
    need = minimum_filter1d(need, size=2 * lookahead + 1, origin=0)
    # release: the gain may fall at once but rises back smoothly (one-pole on 1 - gain's drops)
    coefficient = np.exp(-1.0 / release)
    smoothed = 1.0 - lfilter([1 - coefficient], [1, -coefficient], 1.0 - need)
    gain = np.minimum(need, np.maximum(smoothed, need))
    gain = minimum_filter1d(gain, size=lookahead + 1)
    return (audio * (gain[:, None] if audio.ndim == 2 else gain)).astype(np.float32)


def normalize(audio: np.ndarray, preset: Preset) -> tuple[np.ndarray, float, float]:
    """Gain to the preset's loudness, then limit to its true-peak ceiling; limiting takes a little
    loudness off, so measure and correct twice. Returns (audio, LUFS, dBTP)."""
    out = audio
    for _ in range(3):
        loudness = integrated(out)
        if not np.isfinite(loudness):  # silence: nothing to normalise
            return out, loudness, true_peak_db(out)
        out = limit(out * 10 ** ((preset.lufs - loudness) / 20), preset.true_peak)
        if abs(integrated(out) - preset.lufs) < 0.1:
            break
    return out, integrated(out), true_peak_db(out)
