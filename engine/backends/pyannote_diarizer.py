"""Studio speaker diarization: a pyannote.audio 4 SpeakerDiarization pipeline from a folder the user
provides, such as pyannote/speaker-diarization-community-1 downloaded on a machine that is online.

The folder holds config.yaml and the files it names. "$model/<sub>" entries and relative paths
resolve inside the folder (segmentation/pytorch_model.bin, embedding/pytorch_model.bin,
plda/xvec_transform.npz and plda/plda.npz); nothing is fetched from a model hub, and pyannote's
usage telemetry is switched off. Overlapping speech comes out as one speaker at a time: pyannote's
exclusive diarization, made for aligning transcripts.
"""

import os
import pickle
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from dubstudio.errors import DubStudioError, MissingModelError
from dubstudio.engine.torchaudio_compat import import_torchaudio
from dubstudio.speech.types import SPEECH_RATE, Turn, to_samples

Progress = Callable[[str, int, int, str], None]

CONFIG = "config.yaml"
MODEL_FILE = "pytorch_model.bin"
PLDA_FILES = ("xvec_transform.npz", "plda.npz")
LAYOUT = ("config.yaml, segmentation/pytorch_model.bin, embedding/pytorch_model.bin, "
          "plda/xvec_transform.npz and plda/plda.npz")
AS_DOWNLOADED = "as in a download of pyannote/speaker-diarization-community-1"


def _location(folder: Path, value) -> Path:
    """Where a config entry points: "$model/<sub>[@revision]", a path, or {checkpoint, subfolder}."""
    if isinstance(value, str) and value.startswith("$model/"):
        return folder / value.removeprefix("$model/").split("@")[0]
    if isinstance(value, dict) and isinstance(value.get("checkpoint"), str):
        return folder / value["checkpoint"] / (value.get("subfolder") or "")
    if isinstance(value, str):
        return folder / value  # an absolute value replaces the folder
    raise DubStudioError(f"{folder / CONFIG} names a checkpoint DubStudio cannot read ({value!r}): "
                         f"give a path inside the folder or a $model/<subfolder> entry.")


def check_pipeline_folder(folder: Path) -> dict:
    """config.yaml's content with every checkpoint resolved to a file in the folder, ready for
    pyannote; an error naming the missing files otherwise. Needs no torch."""
    import yaml

    folder = Path(folder).expanduser().absolute()
    if not folder.is_dir():
        raise MissingModelError(f"the pyannote pipeline folder {folder} does not exist: create it with "
                                f"{LAYOUT}, {AS_DOWNLOADED}.")
    if not (folder / CONFIG).is_file():
        raise MissingModelError(f"the pyannote pipeline folder {folder} has no {CONFIG}: it needs {LAYOUT}, "
                                f"{AS_DOWNLOADED}.")
    try:
        config = yaml.safe_load((folder / CONFIG).read_text())
    except yaml.YAMLError as error:
        raise DubStudioError(f"{folder / CONFIG} is not valid YAML ({error}): replace it with the "
                             f"pipeline's original config.yaml.") from error
    pipeline = config.get("pipeline") if isinstance(config, dict) else None
    if not isinstance(pipeline, dict) or not str(pipeline.get("name", "")).endswith("SpeakerDiarization"):
        raise DubStudioError(f"{folder / CONFIG} does not describe a pyannote SpeakerDiarization pipeline: "
                             f"point DubStudio at a speaker diarization pipeline folder, {AS_DOWNLOADED}.")

    # An entry left out would make pyannote fetch its default from the hub: read it from the folder.
    params = dict(pipeline.get("params") or {})
    resolved, missing = {}, []
    for key in ("segmentation", "embedding", "plda"):
        place = _location(folder, params.get(key, f"$model/{key}"))
        if key == "plda":
            files = [place / name for name in PLDA_FILES]
            resolved[key] = {"checkpoint": str(place)}
        else:
            files = [place if place.is_file() else place / MODEL_FILE]
            # A dict, not a path string: pyannote picks an embedding's loader by words in its name.
            resolved[key] = {"checkpoint": str(files[0])}
        missing += [str(file.relative_to(folder) if file.is_relative_to(folder) else file)
                    for file in files if not file.is_file()]
    if missing:
        raise MissingModelError(f"the pyannote pipeline folder {folder} is incomplete: {', '.join(missing)} "
                                f"missing (put the files its {CONFIG} names there, {AS_DOWNLOADED}).")
    # legacy mode would return only the overlapping diarization, without the exclusive one
    pipeline = {**pipeline, "params": {**params, **resolved, "legacy": False}}
    return {**config, "pipeline": pipeline}


@contextmanager
def _hub_offline():
    """Every checkpoint is local by now: anything else pyannote might ask a hub for must fail at
    once instead of downloading."""
    import huggingface_hub.constants as hub

    saved = os.environ.get("HF_HUB_OFFLINE"), hub.HF_HUB_OFFLINE
    os.environ["HF_HUB_OFFLINE"] = "1"
    hub.HF_HUB_OFFLINE = True  # read once at import, so the variable alone comes too late
    try:
        yield
    finally:
        if saved[0] is None:
            os.environ.pop("HF_HUB_OFFLINE", None)
        else:
            os.environ["HF_HUB_OFFLINE"] = saved[0]
        hub.HF_HUB_OFFLINE = saved[1]


def _check_counts(num_speakers: int | None, min_speakers: int | None, max_speakers: int | None) -> None:
    for value in (num_speakers, min_speakers, max_speakers):
        if value is not None and value < 1:
            raise DubStudioError(f"a number of speakers must be at least 1 (got {value}): leave it empty "
                                 f"to let the diarizer decide.")
    if min_speakers and max_speakers and min_speakers > max_speakers:
        raise DubStudioError(f"the minimum number of speakers ({min_speakers}) is above the maximum "
                             f"({max_speakers}): lower the minimum or raise the maximum.")


def _hook(progress: Progress):
    """pyannote's hook, as (step, done, total, message) progress."""
    def hook(step, artifact, file=None, completed=None, total=None):
        name = step.replace("_", " ")
        if total:
            # pyannote counts a whole batch as done even when it is the last, shorter one
            progress(name, min(completed, total), total, "")
        else:
            progress(name, 1, 1, "")
    return hook


class PyannoteDiarizer:
    def __init__(self, folder: Path, device: str = "cpu"):
        config = check_pipeline_folder(folder)
        # pyannote reports every use (audio duration, speaker counts) to its servers unless told not to.
        os.environ["PYANNOTE_METRICS_ENABLED"] = "false"
        try:
            import_torchaudio()
            import torch
            from pyannote.audio import Pipeline
            from pyannote.audio.utils.dependencies import MissingDependency, WrongDependencyVersion
        except ModuleNotFoundError as error:
            raise MissingModelError(f"pyannote.audio cannot be imported ({error}): run installers/setup.sh, "
                                    f"which installs the studio backends.") from error

        self.folder = Path(folder)
        with _hub_offline():
            try:
                self.pipeline = Pipeline.from_pretrained(config)
            except (OSError, EOFError, KeyError, RuntimeError, pickle.UnpicklingError, MissingDependency,
                    WrongDependencyVersion) as error:
                raise MissingModelError(f"the pyannote pipeline in {self.folder} could not be loaded "
                                        f"({error}): replace its checkpoints with complete pyannote.audio 4 "
                                        f"files, {AS_DOWNLOADED}.") from error
        self.pipeline.to(torch.device(device))

    def diarize(self, audio: np.ndarray, num_speakers: int | None = None, min_speakers: int | None = None,
                max_speakers: int | None = None, progress: Progress | None = None) -> list[Turn]:
        """audio: mono float32 at 16 kHz. Turns in project samples, one speaker at any moment,
        speakers named S1, S2, ... in order of first appearance."""
        _check_counts(num_speakers, min_speakers, max_speakers)
        if len(audio) == 0:
            return []
        import torch

        waveform = torch.from_numpy(np.ascontiguousarray(audio, dtype=np.float32)).unsqueeze(0)
        output = self.pipeline({"waveform": waveform, "sample_rate": SPEECH_RATE}, num_speakers=num_speakers,
                               min_speakers=min_speakers, max_speakers=max_speakers,
                               hook=_hook(progress) if progress else None)
        end_of_audio = to_samples(len(audio) / SPEECH_RATE)
        names: dict[str, str] = {}
        turns = []
        for segment, _, label in output.exclusive_speaker_diarization.itertracks(yield_label=True):
            start, end = to_samples(segment.start), min(to_samples(segment.end), end_of_audio)
            if end > start:
                turns.append(Turn(start, end, names.setdefault(label, f"S{len(names) + 1}")))
        return turns
