"""VideoWriter: frames made in Python come back exactly, at an exact rate, with their sound; the
file is reproducible and never left half-written."""

import hashlib
from fractions import Fraction

import media_factory as make
import pytest

from dubstudio.media import FrameReader, VideoWriter, frame_index, probe

RATE = Fraction(30000, 1001)


def write(path, frames, **options):
    with VideoWriter(path, (make.WIDTH, make.HEIGHT), RATE, **options) as writer:
        for n in range(frames):
            writer.write(make.numbered_picture(n))
    return path


def test_frames_come_back_exactly_with_their_sound(media_dir, tone_wav):
    out = write(media_dir / "écrit.mp4", 48, audio=tone_wav, audio_language="eng")
    assert frame_index(out).constant_rate == RATE
    with FrameReader(out) as reader:
        assert [make.read_number(picture) for picture in reader.frames()] == list(range(48))
    info = probe(out)
    assert info.audio[0].language == "eng" and info.audio[0].codec == "aac"


def test_the_same_frames_give_the_same_file(tmp_path):
    first, second = write(tmp_path / "a.mp4", 10), write(tmp_path / "b.mp4", 10)
    assert hashlib.sha256(first.read_bytes()).digest() == hashlib.sha256(second.read_bytes()).digest()


def test_a_failed_write_leaves_nothing(tmp_path):
    with pytest.raises(ValueError, match="frames must be uint8"), \
            VideoWriter(tmp_path / "raté.mp4", (make.WIDTH, make.HEIGHT), RATE) as writer:
        writer.write(make.numbered_picture(0))
        writer.write(make.numbered_picture(1)[:10])
    assert list(tmp_path.iterdir()) == []
