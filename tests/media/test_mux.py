"""Masters: the picture copied bit for bit, lasting as long as the source's picture, with every audio
and subtitle track labelled as asked; re-encoding presets; progress and cancellation; and audio-only
masters for a source without a picture."""

import itertools
import json
import subprocess
import threading
from fractions import Fraction

import media_factory as make
import pytest

from dubstudio.media import (
    AudioTrack,
    CancelledError,
    FrameReader,
    MediaError,
    SubtitleTrack,
    frame_index,
    mux,
    mux_audio,
    probe,
)

SRT = "1\n00:00:01,000 --> 00:00:02,500\nBonjour à tous.\n\n2\n00:00:03,000 --> 00:00:04,000\nÇa va ?\n"


@pytest.fixture(scope="module")
def tracks(media_dir, video_25):
    dub = make.tone(media_dir / "doublage fr.wav", 5.5, rate=44100, channels=2, frequency=330)  # longer
    subtitles = media_dir / "sous-titres fr.srt"
    subtitles.write_text(SRT, encoding="utf-8")
    audio = [AudioTrack(video_25, "eng", "English (original)"),
             AudioTrack(dub, "fra", "Français (doublage)", default=True)]
    return audio, [SubtitleTrack(subtitles, "fra", "Français")]


def streams(path):
    out = subprocess.run(["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", str(path)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


@pytest.mark.parametrize("name", ["master.mp4", "master.mkv", "master.mov"])
def test_a_master_copies_the_picture_bit_for_bit_and_lasts_as_long(media_dir, video_25, tracks, name):
    audio, subtitles = tracks
    out = mux(video_25, media_dir / name, audio, subtitles, metadata={"title": "Démo doublée"})
    assert make.packet_hashes(out) == make.packet_hashes(video_25)
    frame = Fraction(1, 25)
    assert abs(probe(out).duration - frame_index(video_25).duration) <= frame
    data = streams(out)
    kinds = [s["codec_type"] for s in data["streams"]]
    assert kinds == ["video", "audio", "audio", "subtitle"]
    dubbed = [s for s in data["streams"] if s["codec_type"] == "audio"]
    for stream in dubbed:
        assert abs(Fraction(stream.get("duration") or data["format"]["duration"]) - Fraction(120, 25)) <= frame
    info = probe(out)
    assert [(a.language, a.title, a.default) for a in info.audio] == [
        ("eng", "English (original)", False), ("fra", "Français (doublage)", True)]
    assert (info.subtitles[0].language, info.subtitles[0].title) == ("fra", "Français")
    assert data["format"]["tags"].get("title") == "Démo doublée"


def test_a_variable_rate_picture_keeps_every_timestamp(media_dir, video_vfr, tone_wav):
    out = mux(video_vfr, media_dir / "variable.mkv", [AudioTrack(tone_wav, "fra")])
    source, master = frame_index(video_vfr), frame_index(out)
    assert [master.time(n) for n in range(len(master))] == [source.time(n) for n in range(len(source))]
    assert make.packet_hashes(out) == make.packet_hashes(video_vfr)


@pytest.mark.parametrize("preset, name", [("h264-draft", "encodé.mp4"), ("prores", "encodé.mov")])
def test_presets_re_encode_every_frame(media_dir, video_ntsc, tone_wav, preset, name):
    out = mux(video_ntsc, media_dir / name, [AudioTrack(tone_wav, "fra")], preset=preset)
    codec = probe(out).video[0].codec
    assert codec == {"h264-draft": "h264", "prores": "prores"}[preset]
    assert frame_index(out).constant_rate == Fraction(30000, 1001)
    with FrameReader(out) as reader:
        assert len(reader) == 120
        assert [make.read_number(reader.frame(n)) for n in (0, 77, 119)] == [0, 77, 119]


def test_progress_reaches_the_end(media_dir, video_25, tracks):
    seen = []
    mux(video_25, media_dir / "progrès.mp4", tracks[0], progress=lambda step, done, total: seen.append((done, total)))
    assert seen[-1] == (4_800_000, 4_800_000)
    assert all(a[0] <= b[0] for a, b in itertools.pairwise(seen))


def test_a_cancelled_master_leaves_no_file(media_dir, video_25, tracks):
    folder = media_dir / "annulé"
    folder.mkdir()
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(CancelledError):
        mux(video_25, folder / "master.mp4", tracks[0], cancel=cancel)
    assert list(folder.iterdir()) == []


def test_mistakes_are_explained(media_dir, video_25, tracks):
    audio = tracks[0]
    with pytest.raises(MediaError, match="three-letter ISO 639-2"):
        mux(video_25, media_dir / "x.mp4", [AudioTrack(audio[1].path, "fr")])
    with pytest.raises(MediaError, match="name it with .mov"):
        mux(video_25, media_dir / "x.mp4", audio, preset="prores")
    with pytest.raises(MediaError, match="no video preset 'av1'"):
        mux(video_25, media_dir / "x.mp4", audio, preset="av1")
    with pytest.raises(MediaError, match="'absent.srt' does not exist"):
        mux(video_25, media_dir / "x.mp4", audio, [SubtitleTrack(media_dir / "absent.srt", "fra")])
    assert not (media_dir / "x.mp4").exists()


@pytest.mark.parametrize(("name", "codec"), [("master.m4a", "aac"), ("master.mka", "flac")])
def test_an_audio_master_has_every_track_at_the_length_asked(media_dir, tone_wav, name, codec):
    dub = make.tone(media_dir / "doublage court.wav", 1.5, frequency=330)  # shorter: padded
    samples = 3 * 48_000
    out = mux_audio(media_dir / name, [AudioTrack(tone_wav, "eng", "English (original)"),
                                       AudioTrack(dub, "spa", "Español (doblaje)", default=True)],
                    samples, metadata={"comment": "synthetic voices"})
    data = streams(out)
    assert [(s["codec_type"], s["codec_name"]) for s in data["streams"]] == [("audio", codec)] * 2
    for stream in data["streams"]:
        duration = Fraction(stream.get("duration") or data["format"]["duration"])
        assert abs(duration - 3) <= Fraction(1, 40)  # an AAC frame
    info = probe(out)
    assert not info.has_picture
    assert [(a.language, a.title, a.default) for a in info.audio] == [
        ("eng", "English (original)", False), ("spa", "Español (doblaje)", True)]
    tags = {key.lower(): value for key, value in data["format"]["tags"].items()}  # Matroska says COMMENT
    assert tags.get("comment") == "synthetic voices"


def test_audio_master_mistakes_are_explained(media_dir, tone_wav):
    with pytest.raises(MediaError, match="name it with .m4a or .mka"):
        mux_audio(media_dir / "x.wav", [AudioTrack(tone_wav, "eng")], 48_000)
    with pytest.raises(MediaError, match="no audio track"):
        mux_audio(media_dir / "x.m4a", [], 48_000)
    with pytest.raises(MediaError, match="three-letter ISO 639-2"):
        mux_audio(media_dir / "x.m4a", [AudioTrack(tone_wav, "en")], 48_000)
    assert not (media_dir / "x.m4a").exists() and not (media_dir / "x.wav").exists()
