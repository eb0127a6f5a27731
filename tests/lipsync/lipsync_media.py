"""Helpers for the lip-sync tests: a line's frames in the sample, a dub cut to them, the lower-face region."""

from fractions import Fraction

import numpy as np

from dubstudio.timing import frame_to_samples


def line_frames(sample, index: int) -> tuple[int, int]:
    """Frames [first, end) of a line of the sample."""
    line = sample.info["lines"][index]
    fps = Fraction(sample.info["fps"])
    return int(Fraction(line["start"], 48_000) * fps), int(Fraction(line["end"], 48_000) * fps) + 1


def dub_for(dub: np.ndarray, first: int, end: int, fps: Fraction) -> np.ndarray:
    """The dub cut or padded to exactly frames [first, end)."""
    samples = frame_to_samples(end, fps) - frame_to_samples(first, fps)
    return np.pad(dub[:samples], (0, max(0, samples - len(dub))))


def ssim_outside(before: np.ndarray, after: np.ndarray, inside: np.ndarray) -> float:
    """SSIM of two RGB frames over the pixels outside a boolean region (its mean SSIM map there)."""
    from skimage.metrics import structural_similarity

    _, full = structural_similarity(before, after, channel_axis=2, full=True, data_range=255)
    return float(full.mean(axis=2)[~inside].mean())
