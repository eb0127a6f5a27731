"""Media made once per test session, in a folder whose name has spaces and non-ASCII characters (and a
colon, which ffmpeg would otherwise read as a protocol): every test goes through such a path."""

from fractions import Fraction

import media_factory as make
import pytest


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("media") / "Médias de test: été 2024"
    folder.mkdir()
    return folder


@pytest.fixture(scope="session")
def video_25(media_dir):
    """120 numbered frames at 25 fps, H.264 (B-frames, keyframe every 12) + AAC stereo, MP4."""
    return make.counter_video(media_dir / "compteur 25 fps.mp4", Fraction(25), audio=True)


@pytest.fixture(scope="session")
def video_ntsc(media_dir):
    """120 numbered frames at 30000/1001 fps, MOV."""
    return make.counter_video(media_dir / "compteur 29,97.mov", Fraction(30000, 1001))


@pytest.fixture(scope="session")
def video_vfr(media_dir):
    """120 numbered frames lasting 20, 40 and 60 ms in turn, MKV."""
    return make.counter_video(media_dir / "compteur variable.mkv", vfr=True)


@pytest.fixture(scope="session")
def tone_wav(media_dir):
    """2 s of 440 Hz, stereo, 44.1 kHz: not the project rate, so decoding resamples."""
    return make.tone(media_dir / "tone 44k.wav", 2, rate=44100, channels=2)
