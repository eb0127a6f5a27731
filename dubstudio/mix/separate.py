"""Embedded dialogue / music-and-effects separation, without ML weights.

Dialogue is mixed to the centre; music and effects are spread. So the side signal (L-R)/2 is M&E
only, and the mid signal (L+R)/2 is dialogue plus the centred part of the M&E. Between lines (the
transcript says where) the mid is M&E only: there we learn, per frequency, how the centred M&E
relates to the side (stereo sources) or how loud it is (mono sources). Under the lines that model
predicts the M&E in the mid frame by frame, and a Wiener-style mask splits the mid into dialogue and
M&E. Outside the lines nothing is taken out. demucs is the studio backend for dense mixes.
"""

from dataclasses import dataclass

import numpy as np

FFT = 2048
HOP = 512
FLOOR = 0.05  # the M&E keeps at least this share of the mid under the lines: no holes in the music


@dataclass
class Separation:
    music_effects: np.ndarray  # stereo [n, 2]
    dialogue: np.ndarray       # mono [n]
    residual_db: float         # how much louder the M&E is under the lines than between them


def _stft(x: np.ndarray) -> np.ndarray:
    from scipy.signal import stft

    return stft(x, nperseg=FFT, noverlap=FFT - HOP, boundary="even", padded=True)[2]


def _istft(spec: np.ndarray, length: int) -> np.ndarray:
    from scipy.signal import istft

    out = istft(spec, nperseg=FFT, noverlap=FFT - HOP, boundary=True)[1]
    return np.pad(out, (0, max(0, length - len(out))))[:length].astype(np.float32)


def speech_frames(spans: list[tuple[int, int]], frames: int, pad: int = HOP * 4) -> np.ndarray:
    """Which STFT frames lie in (or within 40 ms of) a dialogue line."""
    mask = np.zeros(frames, bool)
    for start, end in spans:
        mask[max(0, (start - pad) // HOP):min(frames, (end + pad) // HOP + 1)] = True
    return mask


def separate(audio: np.ndarray, spans: list[tuple[int, int]]) -> Separation:
    """audio: [n] or [n, channels] float at the project rate; spans: the lines, in samples."""
    audio = audio if audio.ndim == 2 else audio[:, None]
    n = len(audio)
    left, right = audio[:, 0], audio[:, -1]
    mid_t, side_t = (left + right) / 2, (left - right) / 2
    mid, side = _stft(mid_t), _stft(side_t)
    speech = speech_frames(spans, mid.shape[1])
    quiet = ~speech
    power_mid, power_side = np.abs(mid) ** 2, np.abs(side) ** 2
    if quiet.sum() >= 4 and power_side[:, quiet].sum() > 1e-9 * max(power_mid[:, quiet].sum(), 1e-12):
        # stereo: the centred M&E follows the side, per frequency, as measured between the lines
        ratio = power_mid[:, quiet].sum(axis=1) / np.maximum(power_side[:, quiet].sum(axis=1), 1e-12)
        predicted = _smooth_time(power_side) * ratio[:, None]
    elif quiet.sum() >= 4:
        # mono, or a source with no side: a stationary estimate of the bed, from between the lines
        predicted = np.repeat(np.median(power_mid[:, quiet], axis=1, keepdims=True), mid.shape[1], axis=1)
    else:
        predicted = np.zeros_like(power_mid)
    keep = np.clip(predicted / np.maximum(power_mid, 1e-12), FLOOR, 1.0)
    keep[:, quiet] = 1.0
    me_mid = mid * keep
    me_mid_t = _istft(me_mid, n)
    dialogue = _istft(mid - me_mid, n)
    music_effects = np.stack([me_mid_t + side_t, me_mid_t - side_t], axis=1).astype(np.float32)
    return Separation(music_effects, dialogue, speech_residual_db(music_effects.mean(axis=1), spans, n))


def _smooth_time(power: np.ndarray, width: int = 3) -> np.ndarray:
    """Average over a few frames: a single side frame is a noisy predictor of the mid."""
    kernel = np.ones(width) / width
    return np.apply_along_axis(lambda row: np.convolve(row, kernel, mode="same"), 1, power)


def speech_residual_db(me: np.ndarray, spans: list[tuple[int, int]], n: int) -> float:
    """M&E level under the lines minus between them, in the speech band (300-3400 Hz): about 0 dB
    when no dialogue is left, more when the original voices still come through."""
    from scipy.signal import butter, sosfilt

    if not spans:
        return 0.0
    band = sosfilt(butter(4, [300, 3400], "bandpass", fs=48_000, output="sos"), me)
    inside = np.zeros(n, bool)
    for start, end in spans:
        inside[max(0, start):min(n, end)] = True
    if inside.all() or not inside.any():
        return 0.0
    level = lambda mask: 10 * np.log10(np.mean(band[mask] ** 2) + 1e-12)  # noqa: E731
    return round(float(level(inside) - level(~inside)), 2)
