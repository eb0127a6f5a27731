"""Wav2Lip's audio front end: the mel spectrogram its generator was trained on, and one window of it per
video frame.

The published code's settings (its audio.py and hparams.py): 16 kHz mono, preemphasis 0.97, a centred
STFT (n_fft 800, hop 200, periodic Hann window of 800, reflect padding: librosa 0.7, which it pins, pads
that way), 80 mel bands from 55 to 7600 Hz (librosa's default Slaney scale and area normalisation),
magnitude in dB minus ref_level_db 20, then mapped symmetrically onto [-4, 4] over min_level_db -100 and
clipped. That gives 80 mel frames per second; video frame n reads the 16 starting at int(80 n / fps).
numpy only (scipy to resample), so that the core never needs librosa.
"""

from fractions import Fraction

import numpy as np

from dubstudio.dsp.resample import resample
from dubstudio.timing import SPEECH_RATE

RATE = SPEECH_RATE  # 16 kHz
N_FFT = 800
HOP = 200
WIN = 800
N_MELS = 80
FMIN = 55.0
FMAX = 7600.0
PREEMPHASIS = 0.97
MIN_LEVEL_DB = -100.0
REF_LEVEL_DB = 20.0
MAX_ABS = 4.0
MEL_PER_SECOND = RATE // HOP  # 80
WINDOW = 16  # mel frames per video frame's window (0.2 s)
SILENCE = -MAX_ABS  # the normalised level of silence, which pads windows past the audio's end


def _hz_to_mel(hz: np.ndarray) -> np.ndarray:
    """Slaney's scale: linear below 1 kHz (3 mels per 200 Hz), logarithmic above."""
    hz = np.asarray(hz, np.float64)
    linear = hz / (200.0 / 3)
    return np.where(hz >= 1000.0, 15.0 + np.log(np.maximum(hz, 1e-10) / 1000.0) / (np.log(6.4) / 27), linear)


def _mel_to_hz(mel: np.ndarray) -> np.ndarray:
    mel = np.asarray(mel, np.float64)
    return np.where(mel >= 15.0, 1000.0 * np.exp((np.log(6.4) / 27) * (mel - 15.0)), mel * (200.0 / 3))


def mel_filterbank() -> np.ndarray:
    """[80, 401] triangular filters, each of unit area over Hz (Slaney), as librosa.filters.mel makes them."""
    bins = np.linspace(0, RATE / 2, 1 + N_FFT // 2)
    edges = _mel_to_hz(np.linspace(_hz_to_mel(FMIN), _hz_to_mel(FMAX), N_MELS + 2))
    widths = np.diff(edges)
    rising = (bins[None, :] - edges[:-2, None]) / widths[:-1, None]
    falling = (edges[2:, None] - bins[None, :]) / widths[1:, None]
    weights = np.maximum(0.0, np.minimum(rising, falling))
    return weights * (2.0 / (edges[2:] - edges[:-2]))[:, None]


def _magnitude(audio: np.ndarray) -> np.ndarray:
    """|STFT| [401, 1 + len // HOP] of the preemphasised audio, frames centred on multiples of HOP."""
    emphasised = np.empty_like(audio)
    emphasised[:1] = audio[:1]
    emphasised[1:] = audio[1:] - PREEMPHASIS * audio[:-1]
    # reflect padding needs more than N_FFT // 2 samples; shorter audio is zero-extended first
    if len(emphasised) <= N_FFT // 2:
        emphasised = np.pad(emphasised, (0, N_FFT // 2 + 1 - len(emphasised)))
    padded = np.pad(emphasised, N_FFT // 2, mode="reflect")
    count = 1 + (len(padded) - N_FFT) // HOP
    frames = np.lib.stride_tricks.sliding_window_view(padded, N_FFT)[::HOP][:count]
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(WIN) / WIN)
    return np.abs(np.fft.rfft(frames * window, axis=1)).T


def melspectrogram(audio: np.ndarray, rate: int) -> np.ndarray:
    """float32 [80, frames] in [-4, 4], 80 frames per second, of mono audio at any rate."""
    audio = np.asarray(audio)
    if audio.ndim != 1:
        raise ValueError(f"audio must be mono, one dimension; got shape {audio.shape}")
    audio = resample(audio, rate, RATE).astype(np.float64)
    if len(audio) == 0:
        raise ValueError("no audio to make a mel spectrogram of")
    mel = mel_filterbank() @ _magnitude(audio)
    decibels = 20 * np.log10(np.maximum(10 ** (MIN_LEVEL_DB / 20), mel)) - REF_LEVEL_DB
    scaled = 2 * MAX_ABS * (decibels - MIN_LEVEL_DB) / -MIN_LEVEL_DB - MAX_ABS
    return np.clip(scaled, -MAX_ABS, MAX_ABS).astype(np.float32)


def window_starts(frames: int, fps: Fraction) -> np.ndarray:
    """The first mel frame of each video frame's window: int(80 n / fps), computed exactly."""
    fps = Fraction(fps)
    n = np.arange(frames, dtype=np.int64)
    return (MEL_PER_SECOND * fps.denominator * n) // fps.numerator


def mel_windows(mel: np.ndarray, frames: int, fps: Fraction) -> np.ndarray:
    """float32 [frames, 80, 16]: video frame n's window of `mel`, padded with silence past its end (the
    published inference code instead reuses the last full window, which would shift the last frames'
    audio earlier)."""
    starts = window_starts(frames, fps)
    needed = int(starts[-1]) + WINDOW if frames else 0
    if mel.shape[1] < needed:
        mel = np.pad(mel, ((0, 0), (0, needed - mel.shape[1])), constant_values=SILENCE)
    columns = starts[:, None] + np.arange(WINDOW)[None, :]
    return np.ascontiguousarray(mel[:, columns].transpose(1, 0, 2), dtype=np.float32)


def frame_windows(audio: np.ndarray, rate: int, frames: int, fps: Fraction) -> np.ndarray:
    """float32 [frames, 80, 16]: the mel windows of `frames` video frames for mono audio at any rate that
    starts at the first frame. Audio past what the last window reads (plus the STFT's reach) is left out,
    so that the cost does not grow with what the caller passes beyond the frames."""
    reach = Fraction(int(window_starts(frames, fps)[-1]) + WINDOW + 1, MEL_PER_SECOND) if frames else Fraction(0)
    keep = int(np.ceil(reach * rate)) + N_FFT * rate // RATE
    return mel_windows(melspectrogram(np.asarray(audio)[:keep], rate), frames, fps)
