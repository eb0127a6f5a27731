"""Subtitle files and the OTIO timeline, read back by their own libraries."""

from fractions import Fraction

import pysubs2

from dubstudio.deliver.subtitles import Cue, timed, wrap, write_subtitles
from dubstudio.deliver.timeline import TakeClip, build_timeline, write_timeline

R = 48_000


def test_subtitles_in_three_formats_read_back_with_their_times_and_text(tmp_path):
    cues = [Cue(R, 3 * R, "Buenos días Maya, ¿terminaste el informe para la estación de tren?", "daniel"),
            Cue(4 * R, 4 * R + R // 4, "Casi.", "maya")]
    paths = write_subtitles(cues, tmp_path / "master", "es")
    assert [p.name for p in paths] == ["master.es.srt", "master.es.vtt", "master.es.ass"]
    for path in paths:
        subs = pysubs2.load(str(path))
        assert [(e.start, e.end) for e in subs] == [(1000, 3000), (4000, 5000)], "a short cue stays a second"
        rows = subs[0].plaintext.split("\n")
        assert " ".join(rows) == "Buenos días Maya, ¿terminaste el informe para la estación de tren?"
        assert len(rows) == 2 and all(len(row) <= 42 for row in rows)
        assert len(rows[0].rsplit(" ", 1)[-1]) > 3, "a row never ends on an article"
    assert "¿terminaste" in paths[0].read_text(encoding="utf-8")


def test_a_short_cue_is_not_lengthened_into_the_next_one():
    out = timed([Cue(0, R // 4, "Sí."), Cue(R // 2, R, "No.")])
    assert out[0].end == R // 2


def test_rows_are_balanced_and_short_text_stays_on_one_row():
    assert wrap("Hola.") == "Hola."
    rows = wrap("uno dos tres cuatro cinco seis siete ocho nueve diez once doce").split("\n")
    assert len(rows) == 2 and abs(len(rows[0]) - len(rows[1])) <= 6


def test_timeline_has_picture_bed_and_speaker_tracks_at_exact_positions(tmp_path):
    import opentimelineio as otio

    for name in ("video.mp4", "me.wav", "t1.flac", "t2.flac", "t3.flac"):
        (tmp_path / name).write_bytes(b"")
    takes = {"es · Maya": [TakeClip(R, 2 * R, tmp_path / "t1.flac", "line 1"),
                           TakeClip(2 * R, R, tmp_path / "t3.flac", "line 3 (overlaps line 1)"),
                           TakeClip(5 * R, R, tmp_path / "t2.flac", "line 2")]}
    timeline = build_timeline("sample", tmp_path / "video.mp4", 250, Fraction(25), tmp_path / "me.wav", 10 * R, takes)
    path = write_timeline(timeline, tmp_path / "sample.otio")
    back = otio.adapters.read_from_file(str(path))
    names = [track.name for track in back.tracks]
    assert names == ["Picture", "M&E", "es · Maya", "es · Maya (2)"]
    maya = back.tracks[2]
    clips = [item for item in maya if isinstance(item, otio.schema.Clip)]
    starts = [maya.range_of_child(c).start_time.rescaled_to(R).value for c in clips]
    assert starts == [R, 5 * R] and clips[0].media_reference.target_url.endswith("t1.flac")
    second = back.tracks[3]
    assert second.range_of_child(list(second)[1]).start_time.rescaled_to(R).value == 2 * R
    assert back.tracks[0].duration().to_frames() == 250
