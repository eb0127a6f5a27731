"""`dubstudio dub` on the sample clip, end to end, through the real CLI, engine and models; then the
stage commands on the project it wrote (re-run, person's edit kept, regenerate)."""

import json
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest
import soundfile

from dubstudio.mix.loudness import PRESETS, integrated, true_peak_db
from dubstudio.project import Project

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]  # it may be the one that makes the dubbed sample
DUBSTUDIO = [sys.executable, "-m", "dubstudio"]


def cli(*args, timeout=900) -> subprocess.CompletedProcess:
    return subprocess.run([*DUBSTUDIO, *map(str, args)], capture_output=True, text=True, timeout=timeout)


def streams(path) -> list[dict]:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_streams", "-of", "json", str(path)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)["streams"]


def video_packets(path) -> list[str]:
    out = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-map", "0:v", "-c", "copy", "-f", "framemd5", "-"],
                         capture_output=True, text=True, check=True).stdout
    return [line.split(",")[-1].strip() for line in out.splitlines() if not line.startswith("#")]


@pytest.fixture(scope="module")
def dubbed(dubbed_sample):
    return dubbed_sample


def test_the_master_copies_the_video_and_carries_original_and_spanish_tracks(sample_clip, dubbed):
    out, run = dubbed
    master = out / "sample.dub.mp4"
    assert f"Master: {master}" in run.stdout
    assert video_packets(master) == video_packets(sample_clip.video)
    found = streams(master)
    video = next(s for s in found if s["codec_type"] == "video")
    audio = [s for s in found if s["codec_type"] == "audio"]
    assert [a["tags"]["language"] for a in audio] == ["eng", "spa"]
    frame = 1 / float(Fraction(video["r_frame_rate"]))
    for track in audio:
        assert abs(float(track["duration"]) - float(video["duration"])) <= frame
    assert any(s["codec_type"] == "subtitle" and s["tags"]["language"] == "spa" for s in found)
    comment = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format_tags=comment", "-of", "csv=p=0",
                              str(master)], capture_output=True, text=True).stdout
    assert "synthetic voices" in comment and "Cloned voices: none" in comment


def test_subtitles_stems_and_timeline_are_delivered(dubbed):
    import opentimelineio as otio
    import pysubs2

    out, _ = dubbed
    subs = pysubs2.load(str(out / "sample.es.srt"))
    assert len(subs) >= 11 and any("informe" in event.plaintext for event in subs)
    for extension in ("vtt", "ass"):
        assert (out / f"sample.es.{extension}").is_file()
    for stem in ("sample.music-effects.wav", "sample.dialogue.es.wav", "sample.mix.es.wav"):
        info = soundfile.info(out / "stems" / stem)
        assert info.samplerate == 48_000 and info.frames > 40 * 48_000
    timeline = otio.adapters.read_from_file(str(out / "sample.otio"))
    names = [track.name for track in timeline.tracks]
    assert names[:2] == ["Picture", "M&E"] and sum(name.startswith("es · ") for name in names) >= 2
    clips = [clip for track in timeline.tracks[2:] for clip in track.find_clips()]
    assert clips and all(clip.media_reference.target_url.startswith("file://") for clip in clips)


def test_every_line_has_a_fitted_take_and_95_percent_end_in_their_slot(dubbed, figures):
    out, _ = dubbed
    with Project.open(out / "sample.dubproj") as project:
        lines = project.lines()
        translations = project.translations("es")
        fits = []
        for line in lines:
            assert translations[line.id].chosen_take_id is not None, f"line {line.number} has no take"
            fit = project.take(translations[line.id].chosen_take_id).fit
            fits.append(fit["fits"] and 0.85 - 1e-3 <= fit["tempo"] <= 1.2 + 1e-3)
    share = sum(fits) / len(fits)
    figures("sample: lines inside slot/gap within pace limits", f"{share:.0%}", "target >= 95%")
    assert share >= 0.95


def test_loudness_meets_the_preset_and_the_music_plays_between_lines(sample_clip, dubbed, figures):
    out, _ = dubbed
    mix, rate = soundfile.read(out / "stems" / "sample.mix.es.wav", dtype="float32")
    preset = PRESETS["web"]
    loudness, peak = integrated(mix), true_peak_db(mix)
    figures("sample Spanish mix: loudness / true peak", f"{loudness:.1f} / {peak:.1f}", "-16 LUFS / < -1 dBTP")
    assert abs(loudness - preset.lufs) <= 0.5 and peak <= preset.true_peak
    with Project.open(out / "sample.dubproj") as project:
        lines = project.lines()
    quiet = [(a.end + rate // 5, b.start - rate // 5) for a, b in zip(lines, lines[1:]) if b.start - a.end > rate // 2]
    assert quiet
    for start, end in quiet:
        level = 20 * np.log10(np.sqrt(np.mean(mix[start:end] ** 2)) + 1e-12)
        assert level > -45, f"the music bed is missing between lines at {start / rate:.1f} s"


def test_a_rerun_resumes_and_a_persons_edit_survives_retranslation(sample_clip, dubbed):
    out, _ = dubbed
    path = out / "sample.dubproj"
    with Project.open(path) as project:
        first = project.lines()[0]
        project.edit_translation(first.id, "es", "Buenos días, Maya.")
        takes_before = sum(len(project.takes(line.id, "es")) for line in project.lines())
    again = cli("translate", path, "--to", "es")
    assert again.returncode == 0, again.stderr
    rerun = cli("dub", sample_clip.video, "--to", "es", "-o", out)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    for stage in ("transcribe", "translate", "cast voices", "synthesize"):
        assert stage not in rerun.stderr, f"a re-run does not {stage} again"
    assert "mix and deliver" in rerun.stderr
    with Project.open(path) as project:
        assert project.translation(first.id, "es").text == "Buenos días, Maya."
        assert project.translation(first.id, "es").status == "edited"
        assert sum(len(project.takes(line.id, "es")) for line in project.lines()) == takes_before
    other = cli("dub", path, "--to", "es", "-o", out)  # a project file is not a video
    assert other.returncode == 2 and "Traceback" not in other.stderr


def test_regenerate_adds_a_chosen_take_and_keeps_the_old_one(dubbed):
    out, _ = dubbed
    path = out / "sample.dubproj"
    with Project.open(path) as project:
        line = project.lines()[2]
        old = project.takes(line.id, "es")
    run = cli("regenerate", path, "--line", line.number, "--lang", "es")
    assert run.returncode == 0, run.stderr
    with Project.open(path) as project:
        takes = project.takes(line.id, "es")
        assert len(takes) == len(old) + 1 and {t.id for t in old} <= {t.id for t in takes}
        assert project.translation(line.id, "es").chosen_take_id == takes[-1].id


@pytest.mark.parametrize("container", ["mkv", "mov"])
def test_render_writes_the_master_in_the_container_asked_for(sample_clip, dubbed, tmp_path, container):
    out, _ = dubbed
    run = cli("render", out / "sample.dubproj", "-o", tmp_path, "--container", container)
    assert run.returncode == 0, run.stderr[-2000:]
    master = tmp_path / f"sample.dub.{container}"
    assert video_packets(master) == video_packets(sample_clip.video)
    assert [s["tags"]["language"] for s in streams(master) if s["codec_type"] == "audio"] == ["eng", "spa"]


def test_a_file_that_is_not_a_video_fails_in_one_sentence_and_writes_no_master(tmp_path):
    bogus = tmp_path / "notes.mp4"
    bogus.write_text("not a video")
    run = cli("dub", bogus, "--to", "es", "-o", tmp_path / "out")
    assert run.returncode == 2
    assert run.stderr.strip().count("\n") == 0 and run.stderr.startswith("dubstudio: ")
    assert not list(tmp_path.glob("out/*.mp4"))
