"""Preview and playback speed: decoding a 720p frame, a one-frame step in the preview from a cached and
an uncached frame, a jump, and reading 15 ms of the live dub mix of a 2-hour, 2,000-line project.

Targets (issue 11, on a 2-core machine): a step to a cached neighbour within a paint (< 16 ms), a step
from an uncached frame within 2 frames at 25 fps (80 ms), a random jump under 300 ms (95th percentile),
a 15 ms block of the mix in under 2 ms (it is read ~67 times a second while playing).
The test media and project are generated once into the cache.
Run: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/preview_bench.py
"""

import os
import random
import statistics
import subprocess
import time
from pathlib import Path

import numpy as np
from common import report

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
RATE = 48_000


def clip_720p() -> Path:
    from dubstudio import paths

    out = paths.cache_dir("bench-media") / "preview-720p-25.mp4"
    if not out.is_file():
        print("generating a 60 s 720p clip ...", flush=True)
        partial = out.with_name(".preview.partial.mp4")
        subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
                        "testsrc2=s=1280x720:r=25:d=60", "-c:v", "libx264", "-preset", "veryfast", "-g", "50",
                        "-pix_fmt", "yuv420p", str(partial)], check=True)
        partial.replace(out)
    return out


def percentile(values, q: float) -> float:
    return float(np.percentile(values, q))


def bench_decoding(video: Path) -> None:
    from dubstudio.media import FrameReader

    with FrameReader(video) as reader:
        reader.frame(0)
        started = time.perf_counter()
        for n in range(1, 201):
            reader.frame(n)
        per = (time.perf_counter() - started) / 200 * 1000
        report("720p decode + RGB, stepping forward", per, "ms/f", "target < 20 (50 fps)", per < 20)
        times = []
        for n in random.Random(3).sample(range(len(reader)), 40):
            started = time.perf_counter()
            reader.frame(n)
            times.append((time.perf_counter() - started) * 1000)
        report("720p random frame (2 s GOP), median", statistics.median(times), "ms")
        report("720p random frame (2 s GOP), 95th percentile", percentile(times, 95), "ms", "target < 300",
               percentile(times, 95) < 300)


def bench_preview(video: Path, folder: Path) -> None:
    from fractions import Fraction

    from dubstudio.ui.preview import PreviewWidget
    from PySide6.QtWidgets import QApplication

    from dubstudio import timing
    from dubstudio.project import Project

    app = QApplication.instance() or QApplication([])
    project = Project.create(folder / "preview.dubproj", source_language="en", target_languages=["es"],
                             frame_rate="25")
    widget = PreviewWidget(use_vlc=False)
    widget.resize(960, 560)
    widget.show()
    widget.set_project(project, video)
    rate = Fraction(25)

    def show(frame: int, settle: float = 0.0) -> float:
        started = time.perf_counter()
        widget.set_playhead(timing.frame_to_samples(frame, rate))
        while widget.displayed_frame() != frame:
            app.processEvents()
            time.sleep(0.0005)
        widget.repaint()  # what the user waits for: the picture painted
        elapsed = (time.perf_counter() - started) * 1000
        settled = time.perf_counter()
        while time.perf_counter() - settled < settle:  # the neighbours decode meanwhile
            app.processEvents()
            time.sleep(0.002)
        return elapsed

    show(0, 0.5)
    cached, uncached, jumps = [], [], []
    for target in random.Random(5).sample(range(50, 1250), 25):
        jumps.append(show(target, 0.4))
        cached += [show(target + 1), show(target)]      # neighbours decoded while it waited
        show(target + 200)
        uncached.append(show(target + 201))             # stepped at once: the neighbour is not there yet
    report("preview step, cached neighbour (to painted), median", statistics.median(cached), "ms",
           "target < 16", statistics.median(cached) < 16)
    report("preview step, uncached neighbour, median", statistics.median(uncached), "ms", "target < 80",
           statistics.median(uncached) < 80)
    report("preview random jump (to painted), 95th percentile", percentile(jumps, 95), "ms", "target < 300",
           percentile(jumps, 95) < 300)
    widget.close()
    project.close()


def long_project(folder: Path):
    """2,000 lines over 2 hours, a chosen take of 2-4 s on each, two speakers."""
    from dubstudio.project import NewLine, Project

    project = Project.create(folder / "long.dubproj", source_language="en", target_languages=["es"],
                             frame_rate="25")
    speakers = [project.add_speaker("Alice"), project.add_speaker("Bob")]
    step = 2 * 3600 * RATE // 2000
    project.add_lines([NewLine(k * step, k * step + 3 * RATE, f"Line {k}.", speakers[k % 2]) for k in range(2000)])
    lines = project.lines()
    project.set_machine_translations("es", {line.id: "x" for line in lines})
    rng = np.random.default_rng(1)
    for line in lines:
        audio = (0.2 * rng.standard_normal(int(rng.integers(2, 5)) * RATE)).astype(np.float32)
        project.add_take(line.id, "es", audio, RATE, text="x", backend="bench", choose=True,
                         fit={"length": len(audio)})
    return project


def bench_live_mix(folder: Path) -> None:
    from dubstudio.mix.live import LiveMix

    print("building a 2,000-line project ...", flush=True)
    project = long_project(folder)
    effects = (0.05 * np.random.default_rng(2).standard_normal((10 * 60 * RATE, 2))).astype(np.float32)
    started = time.perf_counter()
    live = LiveMix(project, "es", effects=effects, dialogue=None)
    report("live mix: index 2,000 lines", (time.perf_counter() - started) * 1000, "ms")
    times = []
    position = 60 * RATE
    for _ in range(4000):  # a minute of playback in 15 ms blocks
        started = time.perf_counter()
        live.read(position, RATE * 15 // 1000)
        times.append((time.perf_counter() - started) * 1000)
        position += RATE * 15 // 1000
    report("live mix: 15 ms block while playing, median", statistics.median(times), "ms", "target < 2",
           statistics.median(times) < 2)
    report("live mix: 15 ms block, 99th percentile (take loads)", percentile(times, 99), "ms")
    project.close()


if __name__ == "__main__":
    import tempfile

    video = clip_720p()
    bench_decoding(video)
    with tempfile.TemporaryDirectory() as folder:
        bench_preview(video, Path(folder))
        bench_live_mix(Path(folder))
