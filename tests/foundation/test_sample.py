"""The sample clip: what it contains, that its true timings are true, and that it is reproducible."""

import json
import subprocess
from fractions import Fraction

import numpy as np
import pytest
import soundfile

from dubstudio.sample.make import RATE, SampleParams, make_sample

pytestmark = pytest.mark.slow


def probe(path) -> dict:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", str(path)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def decode_audio(path) -> np.ndarray:
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-f", "f32le", "-ac", "2", "-ar", str(RATE), "-"],
                         capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.float32).reshape(-1, 2)


def db(x: np.ndarray) -> float:
    return 20 * np.log10(max(1e-12, float(np.sqrt(np.mean(np.square(x))))))


def test_sample_is_a_30_to_60_s_h264_aac_mp4_whose_picture_and_sound_end_together(sample_clip):
    info = probe(sample_clip.video)
    video = next(s for s in info["streams"] if s["codec_type"] == "video")
    audio = next(s for s in info["streams"] if s["codec_type"] == "audio")
    assert (video["codec_name"], video["width"], video["height"]) == ("h264", 1280, 720)
    assert Fraction(video["r_frame_rate"]) == 25
    assert (audio["codec_name"], int(audio["sample_rate"]), audio["channels"]) == ("aac", 48000, 2)
    assert audio["tags"]["language"] == "eng"
    assert 30 <= float(info["format"]["duration"]) <= 60
    assert int(video["nb_frames"]) == sample_clip.info["frames"]
    assert abs(float(video["duration"]) - float(audio["duration"])) <= 1 / 25
    # plays through without a decoding error
    check = subprocess.run(["ffmpeg", "-v", "error", "-i", str(sample_clip.video), "-f", "null", "-"],
                           capture_output=True, text=True)
    assert check.returncode == 0 and check.stderr == ""


def test_true_line_timings_are_where_the_speech_is(sample_clip):
    dialogue, rate = soundfile.read(sample_clip.dialogue, dtype="float32")
    lines = sample_clip.info["lines"]
    assert rate == RATE and len(lines) == 11
    assert {line["speaker"] for line in lines} == {"daniel", "maya"}
    for line, following in zip(lines, lines[1:]):
        assert following["start"] - line["end"] >= int(0.5 * RATE), "lines are separated by real pauses"
    for line in lines:
        assert db(dialogue[line["start"]:line["end"]]) > -26
        # the first and last 30 ms of a line hold speech, not silence: the timings are tight
        assert db(dialogue[line["start"]:line["start"] + RATE * 3 // 100]) > -60
        assert db(dialogue[line["end"] - RATE * 3 // 100:line["end"]]) > -60
    silent = np.ones(len(dialogue), bool)
    for line in lines:
        silent[line["start"]:line["end"]] = False
    assert np.max(np.abs(dialogue[silent])) == 0.0


def test_the_two_speakers_have_clearly_different_voices(sample_clip):
    from resemblyzer import VoiceEncoder
    from scipy.signal import resample_poly

    dialogue, _ = soundfile.read(sample_clip.dialogue, dtype="float32")
    encoder = VoiceEncoder("cpu", verbose=False)
    embeddings = {}
    for speaker in ("daniel", "maya"):
        speech = np.concatenate([dialogue[line["start"]:line["end"]] for line in sample_clip.info["lines"]
                                 if line["speaker"] == speaker])
        embeddings[speaker] = encoder.embed_utterance(resample_poly(speech, 1, 3))
    assert float(np.dot(embeddings["daniel"], embeddings["maya"])) < 0.75


def test_a_quiet_wide_music_bed_runs_under_the_dialogue(sample_clip):
    mix = decode_audio(sample_clip.video)
    lines = sample_clip.info["lines"]
    gaps = [(a["end"] + RATE // 10, b["start"] - RATE // 10) for a, b in zip(lines, lines[1:])]
    for start, end in gaps:
        level = db(mix[start:end])
        assert -45 < level < -28, "music is audible between lines, and quiet"
    side = mix[:, 0] - mix[:, 1]
    assert db(side) > -45, "the music is stereo (dialogue alone would cancel in L-R)"
    speech = np.concatenate([mix[line["start"]:line["end"]] for line in lines])
    assert db(speech) - db(np.concatenate([mix[s:e] for s, e in gaps])) > 10
    assert np.max(np.abs(mix)) < 1.0


def test_a_face_is_visible_in_both_camera_angles(sample_clip):
    import mediapipe

    mesh = mediapipe.solutions.face_mesh.FaceMesh(static_image_mode=True, refine_landmarks=True)
    for shot in sample_clip.info["shots"][:2]:
        frame = shot["start_frame"] + 3
        raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(sample_clip.video), "-vf", f"select=eq(n\\,{frame})",
                              "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                             capture_output=True, check=True).stdout
        image = np.frombuffer(raw, np.uint8).reshape(720, 1280, 3)
        assert mesh.process(image).multi_face_landmarks, f"no face in the {shot['camera']} shot"
    mesh.close()


def test_same_parameters_give_the_same_clip(tmp_path):
    params = SampleParams(width=320, height=180, lines=2)
    first, second = make_sample(tmp_path / "a", params), make_sample(tmp_path / "b", params)
    assert first.video.read_bytes() == second.video.read_bytes()
    assert first.info["lines"] == second.info["lines"]
    other = make_sample(tmp_path / "c", SampleParams(width=320, height=180, lines=2, seed=8))
    assert other.info["lines"][1]["start"] != first.info["lines"][1]["start"], "the seed moves the pauses"


def test_an_existing_sample_with_the_same_parameters_is_reused(tmp_path):
    params = SampleParams(width=320, height=180, lines=1)
    made = make_sample(tmp_path, params)
    stamp = made.video.stat().st_mtime_ns
    assert make_sample(tmp_path, params).video.stat().st_mtime_ns == stamp


def test_ntsc_rate_keeps_picture_and_sound_the_same_length(tmp_path):
    made = make_sample(tmp_path, SampleParams(fps="30000/1001", width=320, height=180, lines=2))
    video = next(s for s in probe(made.video)["streams"] if s["codec_type"] == "video")
    assert Fraction(video["r_frame_rate"]) == Fraction(30000, 1001)
    assert made.info["samples"] == made.info["frames"] * RATE * 1001 / 30000
    assert int(video["nb_frames"]) == made.info["frames"]
