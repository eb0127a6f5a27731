"""Timeline paint benchmark (issue 10): a 2-hour film with 2,000 lines over 4 speakers, every line with
a take, dialogue and M&E waveforms of the whole 2 hours; the time to paint the timeline, frame by
frame, while zooming from the whole film to single frames and back, while scrolling at several zooms,
and while following the playhead during playback.

Each frame renders the whole widget (1920x400) into a QImage through its paintEvent, the same code
that paints it on screen. Target: under 16 ms a frame (60 frames a second) on the team's 2-core
machine. The waveforms are made from generated noise with a speech-like envelope; under 1,024
samples a pixel they read samples from a 60-second buffer in memory (a real project reads its cached
WAV, which costs a little more). With --video the thumbnail track shows a generated 2-hour video
(made once into the cache, a minute or two), decoded in the background while the frames are timed.

    .venv/bin/python bench/timeline_bench.py [--lines 2000] [--hours 2] [--video]
"""

import argparse
import dataclasses
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import numpy as np
from dubstudio.ui.timeline import TimelineView
from dubstudio.ui.timeline.viewport import ZOOM_STEP
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from dubstudio import paths, timing
from dubstudio.media import Waveform, WaveformBuilder, frame_index
from dubstudio.project import NewLine, Project, Word

TARGET_MS = 16.0
R = timing.SAMPLE_RATE
RATE = Fraction(24000, 1001)
SIZE = (1920, 400)


def build_project(path: Path, count: int, hours: float) -> tuple[Project, float]:
    """Lines of 1-5 s with pauses, spread over the film; a take for every line in every state."""
    rng = random.Random(7)
    project = Project.create(path, source_language="en", target_languages=["es"], frame_rate=RATE, title="Bench")
    speakers = [project.add_speaker(name) for name in ("Ana", "Ben", "Cleo", "Dev")]
    film = int(hours * 3600 * R)
    spacing = film // count
    new_lines = []
    for n in range(count):
        start = n * spacing + rng.randint(0, spacing // 4)
        length = rng.randint(R, min(5 * R, spacing - spacing // 4))
        words = tuple(Word(start + k * length // 6, start + (k + 1) * length // 6, f"w{k}") for k in range(6))
        new_lines.append(NewLine(start, start + length, " ".join(w.text for w in words), rng.choice(speakers), words))
    project.add_lines(new_lines)
    lines = project.lines()
    project.set_machine_translations("es", {line.id: f"la traducción número {line.number} de esta línea"
                                            for line in lines})
    silence = np.zeros(R // 20, np.int16)
    for line in lines:
        slot = line.end - line.start
        length = int(slot * rng.uniform(0.8, 1.25))
        over = max(0, length - slot)
        qa = {"cer": 0.4, "flagged": True} if rng.random() < 0.05 else {"cer": 0.02, "flagged": False}
        project.add_take(line.id, "es", silence, R, text="x", backend="bench", qa=qa,
                         fit={"strategy": "auto", "slot": slot, "natural": length, "length": length, "over": over,
                              "offset": 0})
    project.approve([line.id for line in lines if line.number % 7 == 0], "es")
    return project, film / R


def synthetic_waveform(hours: float, seed: int) -> Waveform:
    """Noise under a syllable-like envelope, louder and softer minute by minute, with a reader."""
    rng = np.random.default_rng(seed)
    block = 60 * R
    t = np.arange(block) / R
    envelope = (0.5 + 0.5 * np.sin(2 * np.pi * 4 * t) ** 2) * (np.sin(2 * np.pi * t / 7) > -0.3)
    noise = (rng.standard_normal(block) * 0.25 * envelope).astype(np.float32)[:, None]
    builder = WaveformBuilder(1, R)
    total = int(hours * 3600 * R)
    for k in range(-(-total // block)):
        builder.add(noise[:min(block, total - k * block)] * np.float32(0.3 + 0.7 * ((k * 7) % 10) / 10))

    def read(start: int, stop: int) -> np.ndarray:  # the noise over and over: a copy, as reading a file is
        parts, at = [], start
        while at < stop:
            offset = at % block
            parts.append(noise[offset:offset + min(block - offset, stop - at)])
            at += len(parts[-1])
        return np.concatenate(parts)

    return builder.finish(read)


def generated_video(hours: float) -> Path:
    """A tiny 2-hour video at the project's rate (made once, kept in the cache)."""
    path = paths.cache_dir("bench-timeline") / f"film-{hours}h.mp4"
    if not path.exists():
        partial = path.with_suffix(".partial.mp4")
        subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
                        f"testsrc2=s=128x72:r={RATE.numerator}/{RATE.denominator}:d={hours * 3600}",
                        "-c:v", "libx264", "-preset", "ultrafast", "-crf", "40", "-g", "48", "-pix_fmt", "yuv420p",
                        str(partial)],
                       check=True)
        partial.rename(path)
    return path


def timed_frames(app: QApplication, view: TimelineView, steps, save: Path | None = None) -> list[tuple[float, float]]:
    """Run each step (a zoom, a scroll) and time the paint that follows it: (wall, CPU) ms. CPU time is
    the main thread's: what the frame costs without the neighbours' load. Events are handled after
    each paint, untimed: thumbnails that arrived, as between two frames on screen."""
    image = QImage(*SIZE, QImage.Format.Format_ARGB32_Premultiplied)
    times = []
    for step in steps:
        step()
        started, started_cpu = time.perf_counter(), time.thread_time()
        view.render(image)
        times.append(((time.perf_counter() - started) * 1e3, (time.thread_time() - started_cpu) * 1e3))
        app.processEvents()
    if save is not None:
        image.save(str(save))
    return times


def zoom_steps(view: TimelineView, inward: bool):
    """One step per zoom-in (or out) until the closest zoom (or the whole film)."""
    trial = dataclasses.replace(view.viewport)
    count = 0
    while trial.spp != (trial.min_spp if inward else trial.max_spp):
        trial.zoom_by(ZOOM_STEP if inward else 1 / ZOOM_STEP, trial.width / 2)
        count += 1
    return [view.zoom_in if inward else view.zoom_out] * count


def scroll_steps(view: TimelineView, frames: int, pixels: int):
    return [lambda: view.scroll_by(pixels)] * frames


def playback_steps(view: TimelineView, frames: int):
    def step():
        view.set_playhead(view.playhead + R // 60)
    return [step] * frames


def summary(name: str, times: list[tuple[float, float]]) -> bool:
    """Prints wall and CPU figures; the verdict is on CPU time (median and p95 under the target), as
    wall time on a shared machine measures the neighbours too."""
    def stats(values):
        ordered = sorted(values)
        return statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))], ordered[-1]
    wall, cpu = stats(t for t, _ in times), stats(c for _, c in times)
    ok = cpu[0] < TARGET_MS and cpu[1] < TARGET_MS
    print(f"{name:<46} {len(times):>4} frames  CPU median {cpu[0]:5.2f} p95 {cpu[1]:5.2f} max {cpu[2]:6.2f} ms | "
          f"wall median {wall[0]:5.2f} p95 {wall[1]:6.2f} max {wall[2]:6.2f} ms  {'OK' if ok else 'MISSED'}", flush=True)
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--hours", type=float, default=2.0)
    parser.add_argument("--video", action="store_true", help="a generated 2-hour video in the thumbnail track")
    parser.add_argument("--save", type=Path, help="a folder for a picture of the last frame of each run")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory(prefix="dubstudio-bench-") as folder:
        started = time.perf_counter()
        project, seconds = build_project(Path(folder) / "bench.dubproj", args.lines, args.hours)
        print(f"built a {args.lines}-line, {seconds / 3600:.1f}-hour project with a take per line in "
              f"{time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        dialogue, effects = synthetic_waveform(args.hours, 1), synthetic_waveform(args.hours, 2)
        print(f"built two {args.hours:g}-hour waveform summaries in {time.perf_counter() - started:.1f} s")
        video = None
        if args.video:
            started = time.perf_counter()
            video = generated_video(args.hours)
            frame_index(video)  # indexed once, then cached: what the editor has after ingest
            print(f"generated and indexed a {args.hours:g}-hour video in {time.perf_counter() - started:.1f} s")
        view = TimelineView()
        view.resize(*SIZE)
        view.show()
        started = time.perf_counter()
        view.set_project(project, "es", dialogue=dialogue, effects=effects, video_path=video)
        print(f"set_project (read 2,000 lines and their chosen takes): {(time.perf_counter() - started) * 1e3:.0f} ms")
        view.set_follow_playhead(False)
        view.set_playhead(int(seconds * R * 0.4))
        timed_frames(app, view, [lambda: None] * 3)  # warm up: fonts, first images
        if video is not None:  # the first pictures, then the rest arrive while the frames are timed
            deadline = time.monotonic() + 30
            while not view.thumbnails.widths and time.monotonic() < deadline:
                app.processEvents()
                time.sleep(0.01)

        results = []

        def run(name: str, steps) -> None:
            save = args.save / f"{len(results) + 1:02d}.png" if args.save else None
            results.append((name, timed_frames(app, view, steps, save)))

        run("zoom in: whole film to single frames", zoom_steps(view, True))
        assert view.viewport.spp == view.viewport.min_spp
        run("zoom out: single frames to whole film", zoom_steps(view, False))
        for label, seconds_shown in (("10 minutes", 600), ("1 minute", 60), ("10 seconds", 10), ("frames", 0)):
            spp = max(seconds_shown * R // view.viewport.width, 1)
            view.restore_view_state({"samples_per_pixel": spp, "start": int(seconds * R * 0.3), "follow": False})
            run(f"scroll, {label} in view ({view.viewport.spp} samples/px)",
                scroll_steps(view, 90, view.viewport.width // 45))
        view.restore_view_state({"samples_per_pixel": 60 * R // view.viewport.width, "follow": True})
        run("playback, following the playhead", playback_steps(view, 600))

        verdicts = [summary(name, times) for name, times in results]  # every line printed
        ok = all(verdicts)
        summary(f"all frames (target < {TARGET_MS:.0f} ms)", [t for _, times in results for t in times])

        line = project.lines()[1000]
        changes = project.retime_line(line.id, line.start + R // 10, line.end)
        started = time.perf_counter()
        view.apply_changes(changes)
        print(f"apply_changes after a retime (a full rebuild, as a retime may re-order the script): "
              f"{(time.perf_counter() - started) * 1e3:.0f} ms")
        changes = project.edit_translation(line.id, "es", "otra traducción")
        started = time.perf_counter()
        view.apply_changes(changes)
        print(f"apply_changes after a translation edit (one block): {(time.perf_counter() - started) * 1e3:.1f} ms")
        view.close()
        project.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
