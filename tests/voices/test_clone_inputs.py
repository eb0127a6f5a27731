"""A line cast to an XTTS-v2 clone carries what the worker needs: the model folder, the speaker's reference
audio and the consent on record, as JSON (the job journal keeps it), which the worker checks again."""

import json

import numpy as np
import pytest
from dubstudio.engine.jobs.voices import _consent

from dubstudio.errors import MissingModelError
from dubstudio.jobs.journal import encode_inputs
from dubstudio.pipeline.run import Options, Run
from dubstudio.pipeline.voices import xtts_inputs
from dubstudio.project import Project
from dubstudio.voices.consent import ConsentRequiredError, require_consent
from dubstudio.voices.spec import VoiceSpec


@pytest.fixture
def clone(tmp_path):
    project = Project.create(tmp_path / "clone.dubproj", source_language="en", target_languages=["es"],
                             frame_rate="25")
    speaker = project.add_speaker("Maya")
    project.add_speaker_reference(speaker, np.sin(np.arange(48_000) / 10).astype(np.float32) * 0.2, 48_000)
    voice_id = project.add_voice("Clone of Maya", "xtts", kind="clone", speaker_id=speaker,
                                 params={"spec": VoiceSpec("xtts", clone_of="Maya").as_dict()})
    yield project, next(v for v in project.voices() if v.id == voice_id)
    project.close()


def test_a_clone_carries_its_folder_reference_and_consent_as_json(clone):
    project, voice = clone
    run = Run(project, None, Options(xtts="/models/xtts"))
    with pytest.raises(ConsentRequiredError, match="no consent on record"):
        xtts_inputs(run, voice)
    project.record_consent(voice.id, person="Maya Example", scope="Spanish dub of the sample", evidence="form 12")
    inputs = xtts_inputs(run, voice)
    assert inputs["xtts"] == "/models/xtts" and inputs["reference"].path.endswith(".wav")
    json.dumps(encode_inputs(inputs))  # the journal can keep it
    consent = require_consent(_consent(json.loads(json.dumps(inputs["consent"]))), "Maya's voice")
    assert consent.who == "Maya Example" and "form 12" in consent.statement


def test_an_xtts_voice_without_its_folder_is_one_sentence(clone):
    project, voice = clone
    with pytest.raises(MissingModelError, match="Settings > Models"):
        xtts_inputs(Run(project, None, Options()), voice)
    stock = Run(project, None, Options(xtts="/x"))
    kokoro_id = project.add_voice("Kokoro", "kokoro", backend_voice="jf_alpha")
    kokoro = next(v for v in project.voices() if v.id == kokoro_id)
    assert xtts_inputs(stock, kokoro) == {}
