"""Lip-sync on a short sample clip, end to end through the real CLI, engine and embedded method: the line's
mouth follows the Spanish dub better than the source's did, the master keeps every other frame and
every GOP it did not touch, the editor's preview shows the new frames, and `dub --lipsync` does all."""

import itertools
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "media"))
import media_factory as make  # the numbered test media of tests/media

from dubstudio.lipsync.preview import LipsyncFrames
from dubstudio.lipsync.segments import segment_path, shown_spans
from dubstudio.media import FrameReader, frame_index
from dubstudio.media.splice import Replacement, splice
from dubstudio.project import Project
from dubstudio.sample.make import SampleParams, make_sample

pytestmark = pytest.mark.slow
SCORE = re.compile(r"es: line (\d+): sync (-?[\d.]+) -> (-?[\d.]+), (\d+) frames changed, (\d+) skipped")


def cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dubstudio", *map(str, args)], capture_output=True, text=True,
                          timeout=1500, check=False)


@pytest.fixture(scope="module")
def dubbed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lipsync sample")
    sample = make_sample(folder, SampleParams(lines=2))
    out = folder / "out"
    run = cli("dub", sample.video, "--to", "es", "-o", out, "--no-qa")
    assert run.returncode == 0, run.stderr[-3000:]
    return sample.video, out / "sample.dubproj"


def test_one_line_scores_higher_and_the_master_changes_only_its_frames(dubbed, tmp_path, figures):
    video, path = dubbed
    run = cli("lipsync", path, "--line", 1, "--lang", "es")
    assert run.returncode == 0, run.stderr[-3000:]
    found = SCORE.search(run.stdout)
    assert found and found[1] == "1", run.stdout
    before, after, changed = float(found[2]), float(found[3]), int(found[4])
    figures("sample line 1: sync score before -> after", f"{before:.2f} -> {after:.2f}", "after > before")
    assert after > before and changed > 0
    with Project.open(path) as project:
        line = project.lines()[0]
        result = project.lipsync(line.id, "es")
        assert not result.stale and result.scores["score_after"] > result.scores["score_before"]
        assert project.lipsyncs("es").keys() == {line.id} and segment_path(result.segment_key).is_file()
        with LipsyncFrames(project, "es") as preview:
            shown = {n: preview.frame(n) for n in range(result.first_frame - 2, result.end_frame + 2)}
    first, end = result.first_frame, result.end_frame

    rendered = cli("render", path, "-o", tmp_path)
    assert rendered.returncode == 0, rendered.stderr[-3000:]
    master = tmp_path / "sample.dub.mp4"
    source_index, master_index = frame_index(video), frame_index(master)
    assert len(master_index) == len(source_index)
    assert [master_index.time(n) for n in range(len(master_index))] == \
        [source_index.time(n) for n in range(len(source_index))]
    keys = [int(k) for k in source_index.keyframes] + [len(source_index)]
    touched = [(a, b) for a, b in itertools.pairwise(keys) if a < end and b > first]
    copied = [(a, b) for a, b in itertools.pairwise(keys) if (a, b) not in touched]
    assert copied, "the test needs a GOP without lip-synced frames"
    with FrameReader(video) as original, FrameReader(master) as dubbed_picture:
        for n in range(len(source_index)):
            picture, source = dubbed_picture.frame(n), original.frame(n)
            difference = np.abs(picture.astype(np.int16) - source).mean()
            if any(a <= n < b for a, b in copied):
                assert difference == 0, f"frame {n} of a copied GOP changed"
            elif not first <= n < end:
                assert difference < 2, f"frame {n}, re-encoded beside the line, changed ({difference:.2f})"
            else:
                assert shown[n] is not None and np.abs(picture.astype(np.int16) - shown[n]).mean() < 3
        assert shown[first - 1] is None and shown[end] is None
    source_packets, master_packets = make.packet_hashes(video), make.packet_hashes(master)
    for a, b in copied:  # one packet per frame, GOP after GOP
        assert master_packets[a:b] == source_packets[a:b]

    replacements = [Replacement(a, b, segment_path(key)) for a, b, key in shown_spans([result])]
    timings = {}
    for name in ("smart.mp4", "whole.mkv"):
        start = time.perf_counter()
        done = splice(video, replacements, tmp_path / name)
        timings[name] = time.perf_counter() - start
        assert done.frames == len(source_index)
    figures("sample splice of line 1: GOPs encoded / copied", f"{len(touched)} / {len(copied)}")
    figures("sample splice of line 1 vs whole re-encode (s)",
            f"{timings['smart.mp4']:.1f} vs {timings['whole.mkv']:.1f}", "2 shared cores: pessimistic")
    assert timings["smart.mp4"] < timings["whole.mkv"]


def test_dub_with_lipsync_syncs_every_line_and_the_master_keeps_its_frame_count(dubbed, figures):
    video, path = dubbed
    run = cli("dub", video, "--to", "es", "-o", path.parent, "--no-qa", "--lipsync")
    assert run.returncode == 0, run.stderr[-3000:]
    found = re.search(r"lip-sync: (\d+) lines, mean sync score (-?[\d.]+) -> (-?[\d.]+)", run.stdout)
    assert found, run.stdout
    with Project.open(path) as project:
        lines = project.lines()
        results = project.lipsyncs("es")
    assert int(found[1]) == len(results) == len(lines) and not any(r.stale for r in results.values())
    figures("sample, every line: mean sync score before -> after", f"{found[2]} -> {found[3]}", "after > before")
    assert float(found[3]) > float(found[2])
    assert len(frame_index(path.parent / "sample.dub.mp4")) == len(frame_index(video))
