"""Waveform summaries: min, max and RMS per block of 256 and of 65,536 samples, per channel (the
pyramid Audacity keeps), so a view draws any zoom, from a whole film to single samples, without
touching more than a few thousand values.

A view asks `waveform.span(start, stop, pixels)`: the samples [start, stop) spread over that many
pixels. It uses the coarsest level with at least four blocks a pixel, so that a peak is drawn at most
a quarter of a pixel from where it is; under 1,024 samples a pixel it reads the samples themselves
through its reader (the decoded WAV, or the array it was made from).

Summaries are built streaming, block by block, as audio is decoded; `decoded.decode_audio` builds
and caches one for every media file it decodes."""

import os
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

BLOCK_SIZES = (256, 65_536)
FORMAT_VERSION = 1

Reader = Callable[[int, int], np.ndarray]  # (start, stop) -> float32 [stop - start, channels]


@dataclass(frozen=True)
class Peaks:
    """One value per pixel; NaN where the pixel lies outside the audio."""

    min: np.ndarray
    max: np.ndarray
    rms: np.ndarray


@dataclass(frozen=True)
class Level:
    """Statistics of consecutive blocks of `size` samples, float32 [blocks, channels]."""

    size: int
    min: np.ndarray
    max: np.ndarray
    rms: np.ndarray


def _block_stats(audio: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """min, max, rms of whole blocks of `size` samples of audio [n * size, channels]."""
    # channel-major first: reducing contiguous runs is ten times faster than strided ones
    blocks = np.ascontiguousarray(audio.T).reshape(audio.shape[1], -1, size)
    squares = np.einsum("cbs,cbs->cb", blocks, blocks)
    return blocks.min(axis=2).T, blocks.max(axis=2).T, np.sqrt(squares / size).T


def _combine(level: Level, starts: np.ndarray, stop: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Merge runs of blocks [starts[i], starts[i + 1]) (the last one up to stop) into one value each;
    an empty run takes its first block, as np.ufunc.reduceat does."""
    first = starts[0]
    index = starts - first
    lows, highs = level.min[first:stop], level.max[first:stop]
    squares = level.rms[first:stop].astype(np.float64) ** 2
    counts = np.maximum(np.diff(np.append(index, stop - first)), 1)[:, None]
    return (np.minimum.reduceat(lows, index), np.maximum.reduceat(highs, index),
            np.sqrt(np.add.reduceat(squares, index) / counts))


class Waveform:
    """A summary of `samples` frames of `channels`-channel audio at `rate`."""

    def __init__(self, rate: int, samples: int, levels: list[Level], reader: Reader | None = None):
        self.rate = rate
        self.samples = samples
        self.levels = sorted(levels, key=lambda level: level.size)
        self.channels = self.levels[0].min.shape[1]
        self.reader = reader

    def span(self, start: int, stop: int, pixels: int, channel: int | None = None) -> Peaks:
        """min/max/rms of samples [start, stop) over `pixels` pixels. Pixel i covers samples
        [start + i*(stop-start)//pixels, start + (i+1)*(stop-start)//pixels), at least one sample.
        channel=None merges the channels (the lowest min, the highest max, the RMS of all)."""
        if pixels < 1 or stop <= start:
            raise ValueError(f"span needs stop > start and pixels >= 1, not [{start}, {stop}) on {pixels}")
        edges = start + (np.arange(pixels + 1, dtype=np.int64) * (stop - start)) // pixels
        firsts = edges[:-1]
        # a pixel shows audio if its first sample exists, or if it straddles sample 0
        valid = ((firsts >= 0) | (edges[1:] > 0)) & (firsts < self.samples)
        out = Peaks(*(np.full(pixels, np.nan, np.float32) for _ in range(3)))
        if not valid.any():
            return out
        lo = np.clip(firsts[valid], 0, self.samples)
        hi = min(int(edges[1:][valid][-1]), self.samples)
        per_pixel = (stop - start) / pixels
        # A block straddling two pixels counts for one of them: with at least four blocks a pixel,
        # a peak lands at most a quarter of a pixel away from where it is.
        level = next((lv for lv in reversed(self.levels) if lv.size * 4 <= per_pixel), None)
        if level is None:
            lows, highs, rms = self._from_samples(lo, max(hi, int(lo[-1]) + 1))
        else:
            lows, highs, rms = _combine(level, lo // level.size, -(-hi // level.size))
        if channel is None:
            lows, highs = lows.min(axis=1), highs.max(axis=1)
            rms = np.sqrt(np.mean(np.square(rms, dtype=np.float64), axis=1))
        else:
            lows, highs, rms = lows[:, channel], highs[:, channel], rms[:, channel]
        out.min[valid], out.max[valid], out.rms[valid] = lows, highs, rms
        return out

    def _from_samples(self, starts: np.ndarray, stop: int):
        if self.reader is None:
            raise ValueError("this waveform has no reader for zooms under 1,024 samples a pixel")
        audio = self.reader(int(starts[0]), stop).astype(np.float32, copy=False)
        index = starts - starts[0]
        counts = np.maximum(np.diff(np.append(index, len(audio))), 1)[:, None]
        squares = np.add.reduceat(np.square(audio, dtype=np.float64), index)
        return (np.minimum.reduceat(audio, index), np.maximum.reduceat(audio, index),
                np.sqrt(squares / counts))

    def save(self, path: str | os.PathLike) -> None:
        arrays = {"meta": np.array([FORMAT_VERSION, self.rate, self.samples], np.int64)}
        for level in self.levels:
            for stat in ("min", "max", "rms"):
                arrays[f"{stat}{level.size}"] = getattr(level, stat)
        with open(path, "wb") as handle:  # a file handle, so numpy adds no '.npz' to the name
            np.savez(handle, **arrays)

    @classmethod
    def load(cls, path: str | os.PathLike, reader: Reader | None = None) -> "Waveform | None":
        """The saved summary, or None if it was written by another version of this format."""
        with np.load(path) as data:
            version, rate, samples = (int(v) for v in data["meta"])
            if version != FORMAT_VERSION:
                return None
            levels = [Level(size, data[f"min{size}"], data[f"max{size}"], data[f"rms{size}"])
                      for size in BLOCK_SIZES]
        return cls(rate, samples, levels, reader)

    @classmethod
    def from_array(cls, audio: np.ndarray, rate: int) -> "Waveform":
        """The summary of audio in memory (a take, a mix): [samples] or [samples, channels]."""
        audio = np.asarray(audio, np.float32)
        audio = audio[:, None] if audio.ndim == 1 else audio
        builder = WaveformBuilder(audio.shape[1], rate)
        builder.add(audio)
        return builder.finish(lambda start, stop: audio[start:stop])


class WaveformBuilder:
    """Feed decoded blocks of any length in order with add(); finish() gives the Waveform. Memory: the
    256-sample level (48 bytes a second for stereo at 48 kHz) plus one partial block."""

    def __init__(self, channels: int, rate: int):
        self.channels, self.rate = channels, rate
        self.samples = 0
        self._rest = np.zeros((0, channels), np.float32)
        self._parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def add(self, block: np.ndarray) -> None:
        if block.ndim != 2 or block.shape[1] != self.channels:
            raise ValueError(f"expected blocks [n, {self.channels}], got {block.shape}")
        self.samples += len(block)
        size = BLOCK_SIZES[0]
        if len(self._rest):
            need = size - len(self._rest)
            self._rest = np.concatenate([self._rest, block[:need]])
            block = block[need:]
            if len(self._rest) < size:
                return
            self._parts.append(_block_stats(self._rest, size))
        whole = len(block) // size * size
        if whole:
            self._parts.append(_block_stats(np.ascontiguousarray(block[:whole], np.float32), size))
        self._rest = block[whole:].astype(np.float32, copy=True)

    def finish(self, reader: Reader | None = None) -> "Waveform":
        size = BLOCK_SIZES[0]
        parts = list(self._parts)
        if len(self._rest):  # the last, partial block: its own samples only
            rest = self._rest
            parts.append((rest.min(axis=0, keepdims=True), rest.max(axis=0, keepdims=True),
                          np.sqrt(np.mean(np.square(rest, dtype=np.float64), axis=0, keepdims=True))
                          .astype(np.float32)))
        if not parts:
            empty = np.zeros((0, self.channels), np.float32)
            return Waveform(self.rate, 0, [Level(s, empty, empty, empty) for s in BLOCK_SIZES], reader)
        fine = Level(size, *(np.concatenate([p[i] for p in parts]) for i in range(3)))
        levels = [fine]
        for coarse in BLOCK_SIZES[1:]:
            ratio = coarse // levels[-1].size
            starts = np.arange(0, len(levels[-1].min), ratio)
            stats = _combine(levels[-1], starts, len(levels[-1].min))
            levels.append(Level(coarse, *(s.astype(np.float32) for s in stats)))
        return Waveform(self.rate, self.samples, levels, reader)
