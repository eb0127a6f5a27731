"""Media layer speed: waveform summaries, audio streaming, frame index, frame stepping and jumps.

Targets (issue 4, on a 2-core machine): waveform summaries over 200x real time (decoding included);
stepping forward at least 50 frames/s at 1080p (twice real time at 25 fps); a random jump in a film
with 2-second GOPs within 150 ms (median) and 300 ms (95th percentile).
The test media are generated once into the cache (about a minute the first time).
Run: .venv/bin/python bench/media_bench.py
"""

import contextlib
import os
import random
import statistics
import subprocess
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import numpy as np
from common import peak_rss_mb, report

AUDIO_MINUTES = 30
VIDEO_SECONDS = 120


def generated(name: str, *args: str) -> Path:
    from dubstudio import paths

    out = paths.cache_dir("bench-media") / name
    if not out.is_file():
        print(f"generating {name} ...", flush=True)
        partial = out.with_name(f".{out.stem}.partial{out.suffix}")
        subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", *args, str(partial)], check=True)
        partial.replace(out)
    return out


def bench_waveform(audio: Path) -> None:
    from dubstudio.media import PROJECT_RATE, WaveformBuilder, decode_audio

    seconds = AUDIO_MINUTES * 60
    block = np.random.default_rng(0).standard_normal((1 << 16, 2)).astype(np.float32) * 0.1
    builder = WaveformBuilder(2, PROJECT_RATE)
    started = time.perf_counter()
    for _ in range(seconds * PROJECT_RATE // len(block)):
        builder.add(block)
    builder.finish()
    speed = seconds / (time.perf_counter() - started)
    report("waveform summaries alone (48 kHz stereo)", speed, "x RT", "target > 200", speed > 200)

    with scratch_cache():
        started = time.perf_counter()
        decoded = decode_audio(audio)
        elapsed = time.perf_counter() - started
        speed = seconds / elapsed
        report(f"decode {AUDIO_MINUTES} min AAC + WAV + summaries", speed, "x RT", "target > 200", speed > 200)
        wave = decoded.waveform
        started = time.perf_counter()
        for span in (decoded.samples, PROJECT_RATE * 60, PROJECT_RATE):  # the whole film, a minute, a second
            for _ in range(20):
                wave.span(1000, 1000 + span, 1920)
        per_view = (time.perf_counter() - started) / 60 * 1000
        report("waveform span at 1920 px (whole, 1 min, 1 s zooms)", per_view, "ms", "target < 16 (one paint)",
               per_view < 16)


@contextlib.contextmanager
def scratch_cache():
    """The cache in a scratch folder, so that decoding and indexing are really measured."""
    saved = os.environ.get("XDG_CACHE_HOME")
    with tempfile.TemporaryDirectory() as folder:
        os.environ["XDG_CACHE_HOME"] = folder
        try:
            yield
        finally:
            if saved is None:
                os.environ.pop("XDG_CACHE_HOME")
            else:
                os.environ["XDG_CACHE_HOME"] = saved


def bench_speech_stream(audio: Path) -> None:
    from dubstudio.media import SPEECH_RATE, audio_blocks

    started = time.perf_counter()
    samples = sum(len(block) for block in audio_blocks(audio, rate=SPEECH_RATE, channels=1))
    speed = samples / SPEECH_RATE / (time.perf_counter() - started)
    report("stream 16 kHz mono for speech models", speed, "x RT")


def bench_frames(video: Path) -> None:
    from dubstudio.media import FrameReader, frame_index, probe

    started = time.perf_counter()
    probe(video)
    report("probe (two ffprobe runs)", (time.perf_counter() - started) * 1000, "ms")
    with scratch_cache():
        started = time.perf_counter()
        index = frame_index(video)
        elapsed = time.perf_counter() - started
        report(f"frame index ({len(index)} frames, {VIDEO_SECONDS} s of 1080p)", elapsed * 1000, "ms")
        for size, label in ((None, "1080p"), ((640, 360), "640x360 preview")):
            with FrameReader(video, size=size, index=index) as reader:
                reader.frame(1000)
                started = time.perf_counter()
                for n in range(1001, 1251):
                    reader.frame(n)
                fps = 250 / (time.perf_counter() - started)
                report(f"step forward, {label}", fps, "fps", "target >= 50", fps >= 50)
        with FrameReader(video, index=index) as reader:
            rng = random.Random(5)
            jumps = []
            for _ in range(40):
                n = rng.randrange(len(reader))
                started = time.perf_counter()
                reader.frame(n)
                jumps.append(time.perf_counter() - started)
        median, p95 = statistics.median(jumps) * 1000, sorted(jumps)[int(0.95 * len(jumps))] * 1000
        report("random jump, median (1080p, 2 s GOP)", median, "ms", "target <= 150", median <= 150)
        report("random jump, 95th percentile", p95, "ms", "target <= 300", p95 <= 300)


def main() -> None:
    audio = generated(f"tone-{AUDIO_MINUTES}min.m4a", "-f", "lavfi", "-i",
                      f"sine=f=220:r=48000:d={AUDIO_MINUTES * 60},pan=stereo|c0=c0|c1=0.5*c0",
                      "-c:a", "aac", "-b:a", "192k")
    rate = Fraction(25)
    video = generated(f"testsrc-{VIDEO_SECONDS}s-1080p.mp4", "-f", "lavfi", "-i",
                      f"testsrc2=s=1920x1080:r={rate}:d={VIDEO_SECONDS}", "-c:v", "libx264", "-preset", "veryfast",
                      "-crf", "20", "-g", str(2 * rate), "-pix_fmt", "yuv420p")
    bench_waveform(audio)
    bench_speech_stream(audio)
    bench_frames(video)
    report("peak memory", peak_rss_mb(), "MB")


if __name__ == "__main__":
    main()
