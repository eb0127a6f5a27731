"""Smart render: replaced frames show the replacement, every other frame the source, with the source's
frame count and timestamps; GOPs without replaced frames are copied packet for packet."""

import sys
import threading
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "media"))
import media_factory as make  # the numbered test media of tests/media

from dubstudio.media import CancelledError, FrameReader, MediaError, frame_index
from dubstudio.media.splice import Replacement, splice

pytestmark = pytest.mark.slow
FRAMES, GOP = 120, 12
H264 = ("-c:v", "libx264", "-preset", "veryfast", "-g", str(GOP), "-sc_threshold", "0")  # B-frames, closed GOPs


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("splice") / "épissure: test"
    folder.mkdir()
    return folder


def segment(folder: Path, first_number: int, frames: int, rate: Fraction = Fraction(25)) -> Path:
    """Lossless frames showing first_number, first_number + 1, ... (as a lip-sync job writes them)."""
    path = folder / f"segment-{first_number}-{frames}.mkv"
    if not path.exists():
        chain = make.number_filter(rate, first_number + frames)
        make.ffmpeg("-f", "lavfi", "-i", f"{chain},trim=start_frame={first_number},setpts=PTS-STARTPTS",
                    "-c:v", "ffv1", "-pix_fmt", "yuv444p", str(path))
    return path


def gop_spans(path: Path) -> list[tuple[int, int]]:
    keys = [int(k) for k in frame_index(path).keyframes]
    return list(zip(keys, [*keys[1:], len(frame_index(path))]))


def check_frames(source: Path, out: Path, shown: dict[int, int], copied: list[tuple[int, int]]) -> None:
    """Replaced frame n shows shown[n]; frames of copied GOPs equal the source's; the others are close."""
    copied_frames = {n for first, end in copied for n in range(first, end)}
    with FrameReader(source) as original, FrameReader(out) as spliced:
        assert len(spliced) == len(original)
        for n in range(len(original)):
            picture, before = spliced.frame(n), original.frame(n)
            assert make.read_number(picture) == shown.get(n, n), f"frame {n}"
            if n in copied_frames:
                assert np.array_equal(picture, before), f"frame {n} of a copied GOP changed"
            elif n not in shown:
                assert np.abs(picture.astype(int) - before).mean() < 3, f"frame {n} re-encoded badly"


def check_times(source: Path, out: Path, same_keyframes: bool = True) -> None:
    before, after = frame_index(source), frame_index(out)
    assert len(after) == len(before)
    assert [after.time(n) for n in range(len(after))] == [before.time(n) for n in range(len(before))]
    if same_keyframes:
        assert list(after.keyframes) == list(before.keyframes)


@pytest.mark.parametrize("name, rate", [("h264 25.mp4", Fraction(25)), ("h264 ntsc.mkv", Fraction(30000, 1001)),
                                        ("h264 ntsc.mov", Fraction(30000, 1001))])
def test_only_gops_with_replaced_frames_are_encoded_again(folder, name, rate):
    source = make.counter_video(folder / name, rate, FRAMES, codec=H264)
    out = folder / f"spliced {name}"
    result = splice(source, [Replacement(30, 42, segment(folder, 500, 12, rate)),
                             Replacement(90, 95, segment(folder, 700, 8, rate))], out)
    assert (result.frames, result.whole) == (FRAMES, None)
    spans = gop_spans(source)
    touched = [(a, b) for a, b in spans if a < 42 and b > 30 or a < 95 and b > 90]
    copied = [span for span in spans if span not in touched]
    assert (result.encoded_gops, result.copied_gops) == (len(touched), len(copied)) == (3, 7)
    shown = {n: 500 + n - 30 for n in range(30, 42)} | {n: 700 + n - 90 for n in range(90, 95)}
    check_frames(source, out, shown, copied)
    check_times(source, out)
    # one packet per frame, GOP after GOP: a copied GOP's packets sit where they were
    before, after = make.packet_hashes(source), make.packet_hashes(out)
    for first, end in copied:
        assert after[first:end] == before[first:end]
    for first, end in touched:
        assert after[first:end] != before[first:end]


def test_h265_gops_are_spliced_and_the_header_s_parameter_sets_come_back_after_them(folder):
    codec = ("-c:v", "libx265", "-x265-params", f"log-level=error:keyint={GOP}:open-gop=0", "-tag:v", "hvc1")
    source = make.counter_video(folder / "h265.mp4", Fraction(25), FRAMES, codec=codec)
    out = folder / "spliced h265.mp4"
    result = splice(source, [Replacement(50, 52, segment(folder, 900, 2))], out)
    assert (result.whole, result.encoded_gops, result.copied_gops) == (None, 1, 9)
    spans = gop_spans(source)
    copied = [span for span in spans if not span[0] <= 50 < span[1]]
    check_frames(source, out, {50: 900, 51: 901}, copied)
    check_times(source, out)
    before, after = make.packet_hashes(source), make.packet_hashes(out)
    resumed = next(first for first, _ in copied if first > 50)
    for first, end in copied:
        for k in range(first, end):
            # the first copied keyframe after the run carries the parameter sets again, then its own bytes
            assert (after[k] != before[k]) == (k == resumed), f"packet {k}"


def test_a_variable_rate_source_keeps_every_timestamp(folder):
    source = make.counter_video(folder / "variable.mkv", vfr=True, codec=H264)
    out = folder / "spliced variable.mkv"
    result = splice(source, [Replacement(13, 20, segment(folder, 300, 7))], out)
    assert result.whole is None
    check_frames(source, out, {n: 300 + n - 13 for n in range(13, 20)},
                 [span for span in gop_spans(source) if span[1] <= 12 or span[0] >= 24])
    check_times(source, out)


@pytest.mark.parametrize("name, codec, reason", [
    ("mpeg4.mkv", ("-c:v", "mpeg4", "-q:v", "2", "-g", str(GOP)), "not H.264 or H.265"),
    ("open gops.mp4", ("-c:v", "libx264", "-preset", "veryfast", "-g", str(GOP), "-x264-params", "open-gop=1"),
     "open"),
])
def test_what_cannot_be_spliced_by_gop_is_encoded_whole(folder, name, codec, reason):
    source = make.counter_video(folder / name, Fraction(25), FRAMES, codec=codec)
    out = folder / f"whole {Path(name).stem}.mkv" if name.endswith(".mkv") else folder / f"whole {name}"
    result = splice(source, [Replacement(40, 44, segment(folder, 600, 4))], out)
    assert reason in result.whole and result.copied_gops == 0
    with FrameReader(out) as spliced:
        assert [make.read_number(picture) for picture in spliced.frames()] == \
            [600 + n - 40 if 40 <= n < 44 else n for n in range(FRAMES)]
    check_times(source, out, same_keyframes=False)


def test_into_another_container_the_video_is_encoded_whole(folder):
    source = make.counter_video(folder / "h264 25.mp4", Fraction(25), FRAMES, codec=H264)
    result = splice(source, [Replacement(0, 3, segment(folder, 800, 3))], folder / "other container.mkv")
    assert "same container" in result.whole and result.frames == FRAMES


@pytest.mark.parametrize("replacements, message", [
    ([(10, 20, "a"), (15, 25, "a")], "overlap"),
    ([(110, 130, "a")], "cannot be replaced"),
    ([(10, 12, "missing")], "does not exist"),
    ([(10, 12, "small")], "not the video's 160x96"),
])
def test_bad_replacements_are_refused_and_write_nothing(folder, replacements, message):
    source = make.counter_video(folder / "h264 25.mp4", Fraction(25), FRAMES, codec=H264)
    files = {"a": segment(folder, 500, 12), "missing": folder / "no such segment.mkv"}
    if any(name == "small" for *_, name in replacements):
        files["small"] = folder / "small.mkv"
        make.ffmpeg("-f", "lavfi", "-i", "testsrc2=s=64x48:r=25:d=0.2", "-c:v", "ffv1", str(files["small"]))
    out = folder / "refused.mp4"
    with pytest.raises(MediaError, match=message):
        splice(source, [Replacement(a, b, files[name]) for a, b, name in replacements], out)
    assert not out.exists() and not list(folder.glob(".refused*"))


def test_cancelling_leaves_no_file(folder):
    source = make.counter_video(folder / "h264 25.mp4", Fraction(25), FRAMES, codec=H264)
    cancel = threading.Event()
    cancel.set()
    out = folder / "cancelled.mp4"
    with pytest.raises(CancelledError):
        splice(source, [Replacement(30, 42, segment(folder, 500, 12))], out, cancel=cancel)
    assert not out.exists() and not list(folder.glob(".cancelled*"))
