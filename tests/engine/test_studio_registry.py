"""The studio backends in the registry: each says, from its model folder's files alone, whether it is
installed or what is missing; the registry stays importable without torch."""

import json
import subprocess
import sys

import pytest
from dubstudio.engine.registry import default_registry

# Dummy files that make each studio backend's folder complete, as its adapter checks it (contents are
# not read, except the configs the checks parse).
COMPLETE = {
    "whisper-large": {"model.bin": "", "config.json": "{}", "tokenizer.json": "{}", "vocabulary.json": "[]"},
    "pyannote": {"config.yaml": "pipeline:\n  name: pyannote.audio.pipelines.SpeakerDiarization\n  params: {}\n",
                 "segmentation/pytorch_model.bin": "", "embedding/pytorch_model.bin": "",
                 "plda/xvec_transform.npz": "", "plda/plda.npz": ""},
    "marian": {"config.json": json.dumps({"model_type": "marian"}), "source.spm": "", "target.spm": "",
               "vocab.json": "{}", "model.safetensors": ""},
    "opus-mt-ct2": {"model.bin": "", "source.spm": "", "target.spm": "", "shared_vocabulary.json": "[]"},
    "xtts-v2": {"config.json": "{}", "model.pth": "", "vocab.json": "{}"},
    "demucs": {"htdemucs.yaml": "models: ['955717e8']\n", "955717e8-8726e21a.th": ""},
    "wav2lip": {"wav2lip.pth": ""},
    "wav2lip-gan": {"wav2lip_gan.safetensors": ""},
    "syncnet": {"syncnet_v2.model": ""},
}
# What the check of an empty folder must name
NAMED_WHEN_EMPTY = {"whisper-large": ["model.bin", "config.json", "tokenizer.json"], "pyannote": ["config.yaml"],
                    "marian": ["config.json"], "opus-mt-ct2": ["model.bin", "source.spm"],
                    "xtts-v2": ["config.json", "model.pth", "vocab.json"], "demucs": ["htdemucs.yaml"],
                    "wav2lip": ["wav2lip.pth"], "wav2lip-gan": ["wav2lip_gan.pth"], "syncnet": ["syncnet_v2.model"]}


def test_every_studio_stage_has_its_backends_with_their_facts():
    registry = default_registry()
    studio = {backend.name: backend for stage in ("transcribe", "diarize", "translate", "synthesize", "separate",
                                                 "lipsync", "lipsync-score")
              for backend in registry.for_stage(stage) if backend.needs_folder}
    assert set(studio) == set(COMPLETE)
    assert studio["xtts-v2"].clones_voices and studio["xtts-v2"].speaks("es") and not studio["xtts-v2"].speaks("fi")
    assert not any(b.clones_voices for name, b in studio.items() if name != "xtts-v2")
    assert "non-commercial" in studio["xtts-v2"].licence and "non-commercial" in studio["wav2lip"].licence
    assert all(b.device == "cpu" and b.licence for b in studio.values())
    assert not registry.get("kokoro").needs_folder


@pytest.mark.parametrize("name", sorted(COMPLETE))
def test_check_names_what_an_empty_folder_lacks_and_passes_a_complete_one(name, tmp_path):
    backend = default_registry().get(name)
    installed, missing = backend.check(None)
    assert not installed and "model folder" in missing
    empty = tmp_path / "empty"
    empty.mkdir()
    installed, missing = backend.check(empty)
    assert not installed
    for file in NAMED_WHEN_EMPTY[name]:
        assert file in missing, f"{name}: '{missing}' does not name {file}"
    assert not backend.check(tmp_path / "nowhere")[0]
    complete = tmp_path / "complete"
    for relative, text in COMPLETE[name].items():
        (complete / relative).parent.mkdir(parents=True, exist_ok=True)
        (complete / relative).write_text(text)
    assert backend.check(complete) == (True, "")


def test_a_folder_missing_one_file_names_only_that_file(tmp_path):
    backend = default_registry().get("xtts-v2")
    for relative, text in COMPLETE["xtts-v2"].items():
        if relative != "vocab.json":
            (tmp_path / relative).write_text(text)
    installed, missing = backend.check(tmp_path)
    assert not installed and "vocab.json" in missing and "model.pth" not in missing.split("missing")[0]


def test_checking_every_folder_needs_neither_torch_nor_qt(tmp_path):
    code = ("import sys\n"
            "from dubstudio.engine.registry import default_registry\n"
            "registry = default_registry()\n"
            f"[b.check('{tmp_path}') for b in registry._backends.values()]\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'PySide6', 'transformers')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
