"""Probing: what each container holds, exactly; and one clear sentence for each kind of bad input."""

import os
from fractions import Fraction

import media_factory as make
import pytest

from dubstudio.errors import DubStudioError
from dubstudio.media import (
    EmptyMediaError,
    MediaNotFoundError,
    NoAudioStreamError,
    NotMediaError,
    TruncatedMediaError,
    load_audio,
    probe,
)


def test_a_video_with_sound(video_25):
    info = probe(video_25)
    assert info.has_picture and info.path == video_25
    (video,), (audio,) = info.video, info.audio
    assert (video.codec, video.width, video.height) == ("h264", make.WIDTH, make.HEIGHT)
    assert video.frame_rate == Fraction(25) and not video.variable_frame_rate
    assert video.frame_count == 120 and video.duration == Fraction(120, 25)
    assert (audio.codec, audio.sample_rate, audio.channels, audio.channel_layout) == ("aac", 48000, 2, "stereo")
    assert abs(info.duration - Fraction(120, 25)) < Fraction(1, 25)


@pytest.mark.parametrize("name, codec, rate", [
    ("vp9.webm", ("-c:v", "libvpx-vp9", "-deadline", "realtime", "-g", "12"), Fraction(24000, 1001)),
    ("mpeg4.avi", ("-c:v", "mpeg4", "-g", "12"), Fraction(25)),
    ("h264.mkv", ("-c:v", "libx264", "-preset", "veryfast"), Fraction(50)),
])
def test_each_container_gives_its_exact_rate(media_dir, name, codec, rate):
    info = probe(make.counter_video(media_dir / name, rate, frames=24, codec=codec))
    assert info.video[0].frame_rate == rate and not info.video[0].variable_frame_rate
    assert abs(info.duration - 24 / rate) <= 1 / rate


def test_audio_only_files_have_no_picture(media_dir):
    for name, channels, codec, layout in (("son.flac", 2, (), "stereo"), ("son.mp3", 1, (), "mono"),
                                          ("son 5.1.wav", 6, (), "5.1")):
        info = probe(make.tone(media_dir / name, 1, channels=channels, codec=codec))
        assert not info.has_picture and info.video == ()
        assert info.audio[0].channels == channels and info.audio[0].channel_layout == layout


def test_languages_titles_and_rotation(media_dir, video_25):
    tagged = media_dir / "tagged.mkv"
    make.ffmpeg("-i", str(video_25), "-map", "0:v", "-map", "0:a", "-map", "0:a", "-c", "copy",
                "-metadata:s:a:0", "language=eng", "-metadata:s:a:1", "language=fra",
                "-metadata:s:a:1", "title=Français (doublage)", str(tagged))
    audio = probe(tagged).audio
    assert [(a.language, a.title) for a in audio] == [("eng", None), ("fra", "Français (doublage)")]
    rotated = media_dir / "rotated.mp4"
    make.ffmpeg("-i", str(video_25), "-c", "copy", "-metadata:s:v", "rotate=90", str(rotated))
    video = probe(rotated).video[0]
    assert video.rotation in (90, 270) and video.display_size == (make.HEIGHT, make.WIDTH)


def one_sentence(error: DubStudioError, path) -> str:
    text = str(error)
    assert "\n" not in text and text.endswith(".") and text.count(". ") == 0, text
    assert os.path.basename(path) in text  # names the file, not the whole path
    return text


def test_bad_inputs_each_give_one_clear_sentence(media_dir, video_25):
    cases = []
    missing = media_dir / "absent.mp4"
    cases.append((missing, MediaNotFoundError, "does not exist"))
    empty = media_dir / "vide.mp4"
    empty.write_bytes(b"")
    cases.append((empty, EmptyMediaError, "is empty"))
    text = media_dir / "notes.txt"
    text.write_text("not a video at all\n" * 50)
    cases.append((text, NotMediaError, "not a video or audio file"))
    noise = media_dir / "bruit.mp4"
    noise.write_bytes(os.urandom(50_000))
    cases.append((noise, NotMediaError, "not a video or audio file"))
    picture = media_dir / "image.png"
    make.ffmpeg("-f", "lavfi", "-i", "color=s=32x32", "-frames:v", "1", str(picture))
    cases.append((picture, NotMediaError, "still image"))
    cases.append((media_dir, NotMediaError, "folder"))
    for path, kind, words in cases:
        with pytest.raises(kind) as caught:
            probe(path)
        assert words in one_sentence(caught.value, path)


@pytest.mark.parametrize("name, extra", [
    ("sans index.mp4", ()),                          # index (moov) at the end: cut, it is missing
    ("index au début.mp4", ("-movflags", "+faststart")),  # index first: the data is missing
    ("coupé.mkv", ()),
    ("coupé.wav", ()),
])
def test_truncated_files_are_reported_as_incomplete(media_dir, video_25, name, extra):
    whole = media_dir / f"entier {name}"
    if name.endswith(".wav"):
        make.tone(whole, 8)
    else:
        make.ffmpeg("-stream_loop", "2", "-i", str(video_25), "-c", "copy", *extra, str(whole))
    probe(whole)  # the whole file is fine
    cut = make.truncate(whole, media_dir / name)
    with pytest.raises(TruncatedMediaError) as caught:
        probe(cut)
    assert "incomplete or damaged" in one_sentence(caught.value, cut)


def test_no_audio_stream(video_ntsc):
    with pytest.raises(NoAudioStreamError) as caught:
        load_audio(video_ntsc)
    assert "no audio stream" in one_sentence(caught.value, video_ntsc)


def test_a_second_audio_stream_that_is_not_there(video_25):
    with pytest.raises(NoAudioStreamError, match="has 1 audio stream, so there is no audio stream 1"):
        load_audio(video_25, stream=1)


def test_an_unreadable_file(video_25, monkeypatch):
    # permissions are simulated: the tests may run as root, who reads anything
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    with pytest.raises(DubStudioError) as caught:
        probe(video_25)
    assert "permission denied" in one_sentence(caught.value, video_25)
