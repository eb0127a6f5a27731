"""A take is stored as soon as it is synthesized and fitted; its back-transcription QA follows as its
own "check" job and lands on the stored take. Batch synthesis still ends with QA on every take, and
both kinds of job resume from the project's journal. Real engine, Kokoro and Whisper."""

import numpy as np
import pytest
import soundfile

from dubstudio.jobs import Engine
from dubstudio.pipeline import checks
from dubstudio.pipeline import voices as voices_stage
from dubstudio.pipeline.run import Options, Run
from dubstudio.project import NewLine, Project
from dubstudio.voices.spec import VoiceSpec

pytestmark = pytest.mark.slow
RATE = 48_000
SPANISH = {"Hello, Maya.": "Hola, Maya.", "The report is ready.": "El informe está listo."}


@pytest.fixture
def project(tmp_path):
    source = tmp_path / "source.wav"
    soundfile.write(source, np.zeros(8 * RATE, np.float32), RATE)
    project = Project.create(tmp_path / "check.dubproj", source_language="en", target_languages=["es"],
                             frame_rate="25", title="check")
    project.set_source_media(source, {"duration": "8"})
    speaker = project.add_speaker("Maya")
    project.add_lines([NewLine(RATE // 2, 3 * RATE, "Hello, Maya.", speaker),
                       NewLine(4 * RATE, 7 * RATE, "The report is ready.", speaker)])
    project.set_machine_translations("es", {line.id: SPANISH[line.source_text] for line in project.lines()})
    spec = VoiceSpec("kokoro", "jm_kumo")
    voice = project.add_voice("Maya", "kokoro", backend_voice=spec.voice, params={"spec": spec.as_dict()})
    project.cast_voice(speaker, "es", voice)
    yield project
    project.close()


@pytest.fixture(scope="module")
def engine():
    with Engine.local() as started:
        started.wait_for_workers(1, timeout=60)
        yield started


def said(take) -> None:
    assert take.qa["cer"] < 0.25 and not take.qa["flagged"] and take.qa["heard"], take.qa


def test_a_take_is_stored_before_its_check_and_gets_its_qa_after(project, engine):
    run = Run(project, engine, Options(targets=("es",)))
    line = project.lines()[1]
    inputs, handle = voices_stage.submit_line(run, line, "es", interactive=True)
    take_id = voices_stage.store(run, inputs, handle.result(), choose=True)
    take = project.take(take_id)
    samples, rate = project.load_audio(take.audio_hash)
    assert rate == RATE and len(samples) == take.fit["length"] > RATE, "playable as soon as it is stored"
    assert take.qa == {} and project.translation(line.id, "es").chosen_take_id == take_id
    checks.store_check(run, take_id, checks.submit_check(run, take_id, interactive=True).result())
    said(project.take(take_id))
    assert project.jobs.unfinished() == []


def test_batch_synthesis_ends_with_qa_on_every_take(project, engine):
    run = Run(project, engine, Options(targets=("es",)))
    assert voices_stage.synthesize(run, "es") == 2
    for line in project.lines():
        [take] = project.takes(line.id, "es")
        said(take)
    assert project.jobs.unfinished() == []


def test_without_qa_no_check_is_made(project, engine):
    run = Run(project, engine, Options(targets=("es",), qa=False))
    voices_stage.synthesize(run, "es", [project.lines()[0].id])
    assert project.takes(project.lines()[0].id, "es")[0].qa == {}


def test_checks_and_takes_left_unfinished_resume_with_their_qa(project, engine):
    first, second = project.lines()
    with Engine.local() as dying:  # a client that submits, then goes away without taking the results
        run = Run(project, dying, Options(targets=("es",)))
        inputs, handle = voices_stage.submit_line(run, first, "es")
        take_id = voices_stage.store(run, inputs, handle.result())
        checks.submit_check(run, take_id)
        voices_stage.submit_line(run, second, "es")
    assert sorted(record["kind"] for record in project.jobs.unfinished()) == ["check", "synthesize"]
    checks.take_file(run, take_id).unlink()  # the cache was cleared meanwhile
    assert voices_stage.resume_jobs(Run(project, engine, Options(targets=("es",)))) == 1
    said(project.take(take_id))
    [resumed] = project.takes(second.id, "es")
    said(resumed)
    assert project.jobs.unfinished() == []
