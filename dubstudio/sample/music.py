"""A quiet, wide stereo music bed synthesised from scratch: slow pad chords plus a panned arpeggio.

The dialogue sits in the centre and the music has a strong side component, as in real mixes, so
separation and "music still audible between lines" can be measured against it.
"""

import numpy as np

# C - Am - F - G, as MIDI notes
CHORDS = [(48, 55, 60, 64), (45, 52, 57, 60), (41, 48, 53, 57), (43, 50, 55, 59)]
CHORD_SECONDS = 2.4


def _hz(note: float) -> float:
    return 440.0 * 2 ** ((note - 69) / 12)


def _envelope(n: int, rate: int, attack: float, release: float) -> np.ndarray:
    env = np.ones(n, np.float32)
    a, r = min(n, int(attack * rate)), min(n, int(release * rate))
    env[:a] = np.linspace(0, 1, a, dtype=np.float32)
    env[n - r:] *= np.linspace(1, 0, r, dtype=np.float32)
    return env


def music_bed(samples: int, rate: int) -> np.ndarray:
    """Stereo float32 [samples, 2], peak about 0.5 before the mix sets its level."""
    out = np.zeros((samples, 2), np.float32)
    chord_len = int(CHORD_SECONDS * rate)
    t = np.arange(chord_len + rate, dtype=np.float64) / rate  # one second of release overlap
    for index, start in enumerate(range(0, samples, chord_len)):
        chord = CHORDS[index % len(CHORDS)]
        n = min(len(t), samples - start)
        env = _envelope(len(t), rate, 0.6, 1.4)[:n]
        for voice, note in enumerate(chord):
            for side, detune in ((0, -0.12), (1, 0.12)):  # detuned left/right: a wide pad
                freq = _hz(note + detune)
                wave = np.sin(2 * np.pi * freq * t[:n]) + 0.3 * np.sin(4 * np.pi * freq * t[:n] + voice)
                out[start:start + n, side] += (0.06 * env * wave).astype(np.float32)
        # an arpeggio an octave up, eighth notes alternating hard left and right
        step = chord_len // 8
        for k in range(8):
            s = start + k * step
            if s >= samples:
                break
            m = min(step * 2, samples - s)
            tt = np.arange(m) / rate
            note = chord[k % len(chord)] + 12
            pluck = np.sin(2 * np.pi * _hz(note) * tt) * np.exp(-tt * 5.0)
            out[s:s + m, k % 2] += (0.08 * pluck).astype(np.float32)
    return out
