"""The lipsync engine job end to end on a real local engine: a line of the sample re-animated to a
Spanish dub and written losslessly, a video without faces left as it was, cancellation, bad requests."""

import subprocess
import time
from fractions import Fraction

import numpy as np
import pytest
import soundfile
from lipsync_media import dub_for, line_frames

from dubstudio.jobs import JobCancelledError
from dubstudio.jobs.files import InputFile
from dubstudio.media import FrameReader

pytestmark = pytest.mark.slow
FPS = Fraction(25)


@pytest.fixture(scope="module")
def engine(local_engine):
    return local_engine


def request(video, first: int, end: int, dub, out, **more) -> dict:
    return {"video": InputFile(str(video)), "frame_rate": "25/1", "first": first, "end": end,
            "dub": InputFile(str(dub)), "method": "embedded", "folder": None, "out": str(out), **more}


def test_a_line_is_lip_synced_to_its_dub_and_written_losslessly(engine, short_sample, spanish_dub, tmp_path, figures):
    first, end = line_frames(short_sample, 1)
    dub = tmp_path / "dub.wav"
    soundfile.write(dub, dub_for(spanish_dub, first, end, FPS), 48_000, subtype="FLOAT")
    job = engine.submit("lipsync", request(short_sample.video, first, end, dub, tmp_path / "line.mkv"))
    steps = set()
    job.subscribe(lambda event: steps.add(getattr(event, "step", None)))
    result = job.result(timeout=300)
    assert {"read frames", "find faces", "lip-sync"} <= steps
    assert result["segment"] == str(tmp_path / "line.mkv") and (result["first"], result["end"]) == (first, end)
    assert result["method"] == "embedded" and result["changed"] == end - first
    assert result["skipped"] == {"no face": [], "profile": [], "occluded": []}
    figures("lipsync job sync score, sample line 1", f"{result['score_before']:+.2f} -> {result['score_after']:+.2f}",
            "after > before")
    assert result["score_after"] > result["score_before"] + 0.3
    assert "lse" not in result
    with FrameReader(tmp_path / "line.mkv") as segment, FrameReader(short_sample.video) as source:
        assert len(segment) == end - first
        for k in (0, (end - first) // 2, end - first - 1):
            new, old = segment.frame(k), source.frame(first + k)
            assert np.array_equal(new[:250], old[:250])  # above the nose: the source's own pixels
            assert not np.array_equal(new, old)
    assert not list(tmp_path.glob(".*partial*"))


def test_frames_without_faces_are_skipped_reported_and_written_as_they_were(engine, tmp_path):
    video = tmp_path / "blank.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=1",
                    "-c:v", "libx264", "-pix_fmt", "yuv420p", str(video)], check=True)
    dub = tmp_path / "dub.wav"
    soundfile.write(dub, 0.1 * np.sin(np.arange(48_000 * 10 // 25) / 9.0), 48_000)
    result = engine.submit("lipsync", request(video, 5, 15, dub, tmp_path / "out.mkv")).result(timeout=120)
    assert result["changed"] == 0
    assert result["skipped"] == {"no face": list(range(5, 15)), "profile": [], "occluded": []}
    assert result["score_before"] == result["score_after"] == 0.0
    with FrameReader(tmp_path / "out.mkv") as out, FrameReader(video) as source:
        assert len(out) == 10
        assert all(np.array_equal(out.frame(k), source.frame(5 + k)) for k in range(10))


def test_a_cancelled_job_stops_and_leaves_no_file(engine, short_sample, spanish_dub, tmp_path):
    frames = short_sample.info["frames"]
    dub = tmp_path / "dub.wav"
    soundfile.write(dub, dub_for(spanish_dub, 0, frames, FPS), 48_000)
    job = engine.submit("lipsync", request(short_sample.video, 0, frames, dub, tmp_path / "long.mkv"))
    deadline = time.monotonic() + 120
    while (job.progress is None or job.progress.step != "find faces") and time.monotonic() < deadline:
        time.sleep(0.02)
    job.cancel()
    with pytest.raises(JobCancelledError):
        job.result(timeout=60)
    probe = engine.submit("noop")  # the worker is free again
    probe.result(timeout=60)
    assert not list(tmp_path.glob("*.mkv")) and not list(tmp_path.glob(".*"))


def test_bad_requests_are_refused_in_one_sentence(engine, short_sample, tmp_path):
    from dubstudio.lipsync.errors import LipSyncError

    dub = tmp_path / "dub.wav"
    soundfile.write(dub, np.zeros(4800, np.float32), 48_000)
    with pytest.raises(LipSyncError, match="end must come after its start"):
        engine.submit("lipsync", request(short_sample.video, 10, 10, dub, tmp_path / "a.mkv")).result(timeout=60)
    with pytest.raises(LipSyncError, match="no lip-sync method 'magic'"):
        engine.submit("lipsync", request(short_sample.video, 0, 5, dub, tmp_path / "a.mkv", method="magic")
                      ).result(timeout=60)
    with pytest.raises(LipSyncError, match="needs its model folder"):
        engine.submit("lipsync", request(short_sample.video, 0, 5, dub, tmp_path / "a.mkv", method="wav2lip")
                      ).result(timeout=60)
