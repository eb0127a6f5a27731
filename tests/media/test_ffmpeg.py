"""The ffmpeg runner: ffmpeg's own reason when it fails, cancellation that stops it at once, and no
half-written output either way."""

import threading
import time

import pytest

from dubstudio.media import CancelledError, FFmpegError, ffmpeg


def test_a_failure_carries_ffmpegs_reason(tmp_path):
    with pytest.raises(FFmpegError) as caught:
        ffmpeg.run(["-i", ffmpeg.file_arg(tmp_path / "absent.wav"), ffmpeg.file_arg(tmp_path / "out.wav")],
                   what="convert the test file")
    text = str(caught.value)
    assert text.startswith("ffmpeg could not convert the test file (") and "No such file" in text
    assert "\n" not in text and text.endswith(".")


def test_cancelling_stops_a_long_run_and_removes_its_output(tmp_path):
    cancel = threading.Event()
    reports = []

    def progress(step, done, total):
        reports.append(done)
        cancel.set()  # at the first report

    started = time.monotonic()
    with pytest.raises(CancelledError), ffmpeg.atomic_output(tmp_path / "long.mkv") as partial:
        # an hour of picture at full speed takes minutes: only cancelling ends it this soon
        ffmpeg.run(["-re", "-f", "lavfi", "-i", "testsrc2=s=64x64:r=25:d=3600", "-c:v", "libx264",
                    "-preset", "ultrafast", ffmpeg.file_arg(partial)],
                   what="encode a long test video", total_us=3_600_000_000, progress=progress, cancel=cancel)
    assert reports and time.monotonic() - started < 30
    assert list(tmp_path.iterdir()) == []
