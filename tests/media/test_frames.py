"""Frame-exact decoding: frame N shows N, for constant, NTSC and variable rates, whatever the order of
requests."""

import subprocess
from fractions import Fraction

import media_factory as make
import numpy as np
import pytest

from dubstudio.media import FrameRangeError, FrameReader, frame_index, probe, thumbnails

FRAMES = 120


@pytest.fixture(params=["video_25", "video_ntsc", "video_vfr"])
def numbered(request):
    return request.getfixturevalue(request.param)


def test_frame_n_shows_n_at_the_start_middle_end_and_after_jumps(numbered):
    with FrameReader(numbered) as reader:
        assert len(reader) == FRAMES
        # start, middle, last, backward jumps (across keyframes and within a GOP), steps, a far forward jump
        order = [0, 1, 2, 60, FRAMES - 1, 7, 3, 61, 62, 63, 50, 13, 12, 11, 100, 0, FRAMES - 1]
        shown = [make.read_number(reader.frame(n)) for n in order]
    assert shown == order


def test_stepping_through_every_frame_in_order(numbered):
    with FrameReader(numbered) as reader:
        assert [make.read_number(picture) for picture in reader.frames()] == list(range(FRAMES))


def test_the_index_knows_each_rate_exactly(video_25, video_ntsc, video_vfr):
    assert frame_index(video_25).constant_rate == Fraction(25)
    ntsc = frame_index(video_ntsc)
    assert ntsc.constant_rate == Fraction(30000, 1001)
    assert ntsc.time(FRAMES - 1) == Fraction(FRAMES - 1) * Fraction(1001, 30000)
    vfr = frame_index(video_vfr)
    assert vfr.constant_rate is None
    assert [vfr.time(n) for n in range(7)] == [make.vfr_time(n) for n in range(7)]
    assert vfr.frame_at(Fraction(59, 1000)) == 1 and vfr.frame_at(Fraction(60, 1000)) == 2
    assert all(vfr.frame_at(vfr.time(n)) == n for n in range(FRAMES))
    assert probe(video_vfr).video[0].variable_frame_rate
    assert not probe(video_ntsc).video[0].variable_frame_rate


def test_avi_h264_without_presentation_times_is_counted_exactly(media_dir):
    video = make.counter_video(media_dir / "compteur.avi", frames=60)
    assert frame_index(video).by_count  # H.264 in AVI: the packets carry decoding times only
    with FrameReader(video) as reader:
        order = [0, 59, 30, 12, 11, 45, 46, 5]
        assert [make.read_number(reader.frame(n)) for n in order] == order


def test_an_edit_list_start_hides_the_frames_before_it(media_dir, video_25):
    # a stream copy cut at 1.3 s starts on a non-keyframe: the frames before it are decoded, not shown
    cut = media_dir / "coupé.mp4"
    make.ffmpeg("-ss", "1.3", "-i", str(video_25), "-map", "0:v", "-c", "copy", str(cut))
    with FrameReader(cut) as reader:
        first = make.read_number(reader.frame(0))
        assert first in (32, 33)  # 1.3 s at 25 fps, to the frame the muxer rounds to
        assert [make.read_number(reader.frame(n)) for n in (40, 5, len(reader) - 1)] == \
            [first + 40, first + 5, FRAMES - 1]


def test_rotated_video_comes_out_upright_as_ffmpeg_shows_it(media_dir, video_25):
    rotated = media_dir / "tourné.mp4"
    make.ffmpeg("-i", str(video_25), "-map", "0:v", "-c", "copy", "-metadata:s:v", "rotate=90", str(rotated))
    assert probe(rotated).video[0].rotation in (90, 270)
    shown = subprocess.run(["ffmpeg", "-v", "error", "-i", str(rotated), "-frames:v", "1", "-f", "rawvideo",
                            "-pix_fmt", "rgb24", "-"], capture_output=True, check=True).stdout
    expected = np.frombuffer(shown, np.uint8).reshape(make.WIDTH, make.HEIGHT, 3)
    with FrameReader(rotated) as reader:
        picture = reader.frame(0)
    assert picture.shape == expected.shape
    assert np.abs(picture.astype(int) - expected).mean() < 3  # two decoders' colour conversions


def test_thumbnails_are_scaled_and_exact(video_25):
    pictures = dict(thumbnails(video_25, [90, 10, 50], height=48))
    assert sorted(pictures) == [10, 50, 90]
    for n, picture in pictures.items():
        assert picture.shape == (48, 80, 3)
        assert make.read_number(picture) == n


def test_a_frame_outside_the_video_is_a_clear_error(video_25):
    with FrameReader(video_25) as reader, pytest.raises(FrameRangeError, match="frames 0 to 119, not frame 120"):
        reader.frame(FRAMES)
