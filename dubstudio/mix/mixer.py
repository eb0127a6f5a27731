"""The dub mix: takes placed at exact sample positions on a dialogue bus, short fades at take edges,
the M&E ducked under the dialogue (attack and release), then loudness and the true-peak limiter."""

from dataclasses import dataclass

import numpy as np

from dubstudio.mix.loudness import Preset, normalize

from dubstudio.timing import SAMPLE_RATE as RATE
EDGE_FADE = RATE * 5 // 1000  # 5 ms: no click where a take starts or ends
DUCK_DB = -6.0
ATTACK = RATE * 60 // 1000    # the bed dips just before and while a line speaks...
RELEASE = RATE * 350 // 1000  # ...and comes back gently after it


@dataclass
class Placed:
    start: int            # project sample where the take starts
    audio: np.ndarray     # mono float32 at 48 kHz


@dataclass
class Mix:
    audio: np.ndarray     # stereo [n, 2]
    dialogue: np.ndarray  # the dialogue bus, mono, before loudness (a stem)
    lufs: float
    true_peak: float


def take_start(line, take) -> int:
    """Where a line's take starts on the timeline: the line's start moved by the fit's offset (negative:
    the take starts early, into the silence before the line)."""
    return line.start + int(take.fit.get("offset", 0))


def take_audio(project, take) -> np.ndarray:
    """A take's samples as the mix places them: mono float32 (takes are stored at the project rate)."""
    samples, _ = project.load_audio(take.audio_hash)
    return np.asarray(samples, np.float32).reshape(-1)


def dialogue_bus(takes: list[Placed], length: int) -> np.ndarray:
    bus = np.zeros(length, np.float32)
    for take in takes:
        audio = take.audio.astype(np.float32).copy()
        fade = min(EDGE_FADE, len(audio) // 2)
        if fade:
            audio[:fade] *= np.linspace(0.0, 1.0, fade, dtype=np.float32)
            audio[-fade:] *= np.linspace(1.0, 0.0, fade, dtype=np.float32)
        start, end = max(0, take.start), min(length, take.start + len(audio))
        if end > start:
            bus[start:end] += audio[start - take.start:end - take.start]
    return bus


def duck_gain(bus: np.ndarray, depth_db: float = DUCK_DB) -> np.ndarray:
    """Per-sample gain for the M&E: depth_db while the dialogue bus speaks, ramped by attack/release."""
    from scipy.ndimage import maximum_filter1d
    from scipy.signal import lfilter

    active = (maximum_filter1d(np.abs(bus), size=RATE // 50) > 10 ** (-50 / 20)).astype(np.float64)
    # look ahead by the attack time, so the dip is complete when the first word lands
    active = np.maximum(active, np.concatenate([active[ATTACK:], np.zeros(ATTACK)]))
    coefficient = np.exp(-1.0 / RELEASE)
    held = np.maximum(active, lfilter([1 - coefficient], [1, -coefficient], active))
    attack = np.exp(-1.0 / (ATTACK / 4))
    smooth = lfilter([1 - attack], [1, -attack], held)
    return (10 ** (depth_db * smooth / 20)).astype(np.float32)


def mix(music_effects: np.ndarray, takes: list[Placed], preset: Preset, duck_db: float = DUCK_DB) -> Mix:
    """music_effects: stereo [n, 2] at 48 kHz; the result has exactly its length."""
    length = len(music_effects)
    bus = dialogue_bus(takes, length)
    bed = music_effects * duck_gain(bus, duck_db)[:, None]
    audio, lufs, peak = normalize(bed + bus[:, None], preset)
    return Mix(audio, bus, lufs, peak)
