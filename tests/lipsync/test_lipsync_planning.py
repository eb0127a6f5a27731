"""The lip-sync stage around its engine job: which frames each line covers, the dub audio it gets, how
results are stored and reused, and the picture a master takes. The engine is a stand-in here that
writes numbered frames as the job's segment (the real job runs in test_lipsync_sample.py)."""

import shutil
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import soundfile

sys.path.insert(0, str(Path(__file__).parents[1] / "media"))
import media_factory as make  # the numbered test media of tests/media

from dubstudio.jobs import BATCH, INTERACTIVE
from dubstudio.lipsync.errors import LipSyncError
from dubstudio.lipsync.preview import LipsyncFrames
from dubstudio.lipsync.segments import segment_path
from dubstudio.media import FrameReader, frame_index
from dubstudio.pipeline import lipsync as stage
from dubstudio.pipeline.ingest import inspect, probe_dict
from dubstudio.pipeline.run import Options, Run
from dubstudio.project import NewLine, Project

RATE = 48_000
PER_FRAME = RATE // 25  # 1920 samples a frame at 25 fps
FRAMES = 250


class Reporter:
    def __init__(self):
        self.notes = []

    def stage(self, name, total=None):
        return make_bar()

    def note(self, text):
        self.notes.append(text)


def make_bar():
    class Bar:
        def update(self, done, total=None, message=""):
            pass

        def close(self):
            pass

    return Bar()


class Engine:
    """Runs a lipsync job in the test: its segment shows 500 + k on its k-th frame."""

    def __init__(self):
        self.submitted = []

    def submit(self, kind, inputs, *, priority, journal=None):
        assert kind == "lipsync"
        self.submitted.append((inputs, priority))
        first, end = inputs["first"], inputs["end"]
        chain = make.number_filter(Fraction(25), 500 + end - first)
        make.ffmpeg("-f", "lavfi", "-i", f"{chain},trim=start_frame=500,setpts=PTS-STARTPTS", "-c:v", "ffv1",
                    inputs["out"])
        result = {"segment": inputs["out"], "first": first, "end": end, "method": inputs["method"],
                  "changed": end - first, "skipped": {"no face": [first]},
                  "score_before": np.float32(0.1), "score_after": np.float64(0.7)}

        class Handle:
            def result(self):
                return result

        return Handle()


@pytest.fixture(scope="module")
def video(tmp_path_factory):
    folder = tmp_path_factory.mktemp("planning")
    return make.counter_video(folder / "numbered.mp4", Fraction(25), FRAMES, audio=True,
                              codec=("-c:v", "libx264", "-preset", "veryfast", "-g", "25", "-sc_threshold", "0"))


def tone(seconds: float, value: float) -> np.ndarray:
    return np.full(int(seconds * RATE), value, np.float32)


@pytest.fixture
def run(tmp_path, video):
    project = Project.create(tmp_path / "p.dubproj", source_language="en", target_languages=["es"], frame_rate=25)
    project.set_source_media(video, probe_dict(inspect(video)))
    project.add_lines([NewLine(RATE, 3 * RATE, "One."), NewLine(4 * RATE, 5 * RATE, "Two."),
                       NewLine(7 * RATE, 8 * RATE, "Three.")])
    one, two, three = (line.id for line in project.lines())
    project.set_machine_translations("es", {one: "Uno.", two: "Dos.", three: "Tres."})
    # the first take starts 50 ms early; the second runs 0.5 s into the third line's frames
    project.add_take(one, "es", tone(1.5, 0.1), RATE, text="Uno.", backend="kokoro", fit={"offset": -2400})
    project.add_take(two, "es", tone(3.5, 0.2), RATE, text="Dos.", backend="kokoro")
    project.add_take(three, "es", tone(1.0, 0.3), RATE, text="Tres.", backend="kokoro")
    run = Run(project, Engine(), Options(), Reporter())
    yield run
    project.close()


def test_each_line_covers_the_frames_its_take_plays_over_in_turn(run):
    spans, placed = stage.plan(run, "es", frame_index(run.media_path))
    # 45600 / 1920 = 23.75: frame 23 shows when the early take starts; its last sample is in frame 61
    assert [(span.first, span.end) for span in spans] == [(23, 62), (100, 175), (175, 200)]
    assert [span.dub_start for span in spans] == [RATE - 2400, 4 * RATE, 7 * RATE]
    assert [put.start for put in placed] == [RATE - 2400, 4 * RATE, 7 * RATE]


def test_the_dub_over_a_span_is_every_take_placed_there(run):
    _, placed = stage.plan(run, "es", frame_index(run.media_path))
    audio = stage.dub_audio(placed, 175 * PER_FRAME, 200 * PER_FRAME)
    assert len(audio) == 25 * PER_FRAME
    second, third = 7 * RATE + RATE // 2, 7 * RATE  # where the second take ends, the third starts
    assert audio[(third - 175 * PER_FRAME) + 1000] == pytest.approx(0.5)  # both takes
    assert audio[(second - 175 * PER_FRAME) + 1000] == pytest.approx(0.3)  # the third alone


def test_jobs_get_their_frames_and_dub_and_results_are_stored_and_reused(run):
    outcomes = stage.lipsync(run, "es")
    assert [(o.line.number, o.result.first_frame, o.result.end_frame, o.reused) for o in outcomes] == [
        (1, 23, 62, False), (2, 100, 175, False), (3, 175, 200, False)]
    inputs, priority = run.engine.submitted[0]
    assert priority == BATCH
    assert (inputs["first"], inputs["end"], inputs["frame_rate"], inputs["method"]) == (23, 62, "25", "embedded")
    dub, rate = soundfile.read(inputs["dub"].path, dtype="float32")
    assert rate == RATE and len(dub) == (62 - 23) * PER_FRAME
    assert Path(inputs["out"]) == segment_path(inputs["key"]) and Path(inputs["out"]).is_file()
    stored = run.project.lipsync(outcomes[0].line.id, "es")
    assert stored.scores == {"score_before": pytest.approx(0.1), "score_after": 0.7, "changed": 39,
                             "skipped": {"no face": [23]}}
    assert stage.summary(run.project, "es")["lines"] == 3
    again = stage.lipsync(run, "es")
    assert all(outcome.reused for outcome in again) and len(run.engine.submitted) == 3
    one = stage.lipsync(run, "es", [outcomes[1].line.id], interactive=True)
    assert [o.line.number for o in one] == [2] and not one[0].reused and len(run.engine.submitted) == 4
    assert run.engine.submitted[-1][1] == INTERACTIVE  # a line the user waits for overtakes batch work


def test_a_line_without_a_take_or_a_picture_is_refused_in_one_sentence(run, tmp_path):
    run.project.add_lines([NewLine(9 * RATE, 9 * RATE + 4800, "Four.")])
    four = run.project.lines()[-1]
    with pytest.raises(LipSyncError, match="line 4 has no es take to lip-sync"):
        stage.lipsync(run, "es", [four.id])
    sound = make.tone(tmp_path / "sound.wav", 2)
    run.project.set_source_media(sound, probe_dict(inspect(sound)))
    with pytest.raises(LipSyncError, match="has no picture"):
        stage.lipsync(run, "es")


def test_the_master_s_picture_has_the_lip_synced_frames_and_a_missing_segment_is_made_again(run):
    stage.lipsync(run, "es")
    results = run.project.lipsyncs("es")
    gone = segment_path(results[run.project.lines()[1].id].segment_key)
    gone.unlink()
    picture = stage.picture(run, "es")
    assert gone.is_file() and len(run.engine.submitted) == 4  # made again, once
    assert picture != run.media_path and stage.picture(run, "es") == picture  # cached
    with FrameReader(picture) as reader:
        shown = [make.read_number(frame) for frame in reader.frames()]
    expected = list(range(FRAMES))
    for first, end in ((23, 62), (100, 175), (175, 200)):
        expected[first:end] = range(500, 500 + end - first)
    assert shown == expected


def test_a_stale_result_is_left_out_of_the_picture_and_the_preview(run):
    stage.lipsync(run, "es")
    first = run.project.lines()[0]
    run.project.add_take(first.id, "es", tone(1.0, 0.1), RATE, text="Uno.", backend="kokoro", choose=True)
    with LipsyncFrames(run.project, "es") as preview:
        assert preview.spans() == [(100, 175), (175, 200)]
        assert preview.frame(30) is None and preview.frame(99) is None and preview.frame(200) is None
        assert make.read_number(preview.frame(100)) == 500 and make.read_number(preview.frame(180)) == 505
    picture = stage.picture(run, "es")
    assert any("1 line(s) changed take" in note for note in run.report.notes)
    with FrameReader(picture) as reader:
        assert make.read_number(reader.frame(30)) == 30 and make.read_number(reader.frame(100)) == 500


def test_without_results_the_picture_is_the_source(run):
    assert stage.picture(run, "es") == run.media_path


def test_a_preview_frame_whose_segment_left_the_cache_is_none(run):
    stage.lipsync(run, "es")
    key = run.project.lipsyncs("es")[run.project.lines()[0].id].segment_key
    shutil.move(segment_path(key), segment_path(key).with_suffix(".moved"))
    with LipsyncFrames(run.project, "es") as preview:
        assert preview.frame(30) is None and preview.frame(120) is not None
