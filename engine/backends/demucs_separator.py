"""demucs (Hybrid Transformer Demucs) from a model folder the user provides: the studio dialogue / M&E
separator, for dense mixes where the embedded separator (dubstudio.mix.separate) leaves speech behind.

The folder is laid out as demucs's own model repositories are (what `demucs --repo FOLDER -n NAME`
reads): a bag-of-models file <name>.yaml listing model signatures (htdemucs.yaml where there are
several), and one checkpoint per signature: <sig>-<checksum>.th as released (checked against its
checksum), <sig>.th, or <sig>.safetensors as in demucs 4.1's Hugging Face repositories. A folder
holding a single checkpoint and no yaml is that model.
The model's vocals are the dialogue; the sum of its other sources (drums, bass, other...) is the M&E.

Safety: nothing reaches the network (demucs's get_model asks the Hugging Face hub first, so it is not
used), and demucs's own loaders run whatever a file holds: torch.load(weights_only=False) for .th, and
any class a safetensors file names. Here a .th is read with torch.load(weights_only=True), allowing only
demucs's model classes and fractions.Fraction (a package stores its model class and the arguments that
build it; HTDemucs's segment is a Fraction), a safetensors file may name only those classes, and the
model is rebuilt as demucs.states.load_model does.
"""

import hashlib
import inspect
import json
import logging
import pickle
import zipfile
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import numpy as np

from dubstudio.errors import DubStudioError, MissingModelError
from dubstudio.media import PROJECT_RATE, CancelledError
from dubstudio.media.ffmpeg import Cancel

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int, str], None]

LICENCE = "MIT (demucs and Meta's released weights)"
DIALOGUE = "vocals"
DEFAULT_BAG = "htdemucs.yaml"
OVERLAP = 0.25  # between demucs's segments, its own default


def _get_it(folder: Path) -> str:
    return (f"put htdemucs.yaml (from the demucs package's remote/ folder) and 955717e8-8726e21a.th "
            f"(https://dl.fbaipublicfiles.com/demucs/hybrid_transformer/) into {folder}, or download "
            f"adefossez/HTDemucs from Hugging Face there")


def _signature(path: Path) -> str:
    return path.stem.rsplit("-", 1)[0] if path.suffix == ".th" else path.stem


def check_model_folder(folder: str | Path) -> tuple[list[Path], dict]:
    """The checkpoints to load, in the bag's order, and the bag's settings (weights, segment);
    MissingModelError naming what is missing otherwise. Needs no torch."""
    import yaml

    folder = Path(folder)
    if not folder.is_dir():
        raise MissingModelError(f"the demucs model folder {folder} does not exist: {_get_it(folder)}.")
    # safetensors after .th, so that a signature present in both is read without unpickling
    files = sorted((path for path in folder.iterdir() if path.suffix in (".th", ".safetensors")),
                   key=lambda path: (path.suffix == ".safetensors", path.name))
    checkpoints = {_signature(path): path for path in files}
    bags = sorted(folder.glob("*.yaml"))
    if not bags:
        if len(checkpoints) == 1:
            return list(checkpoints.values()), {}
        if not checkpoints:
            raise MissingModelError(f"the demucs model folder {folder} holds no model: {_get_it(folder)}.")
        raise MissingModelError(f"the demucs model folder {folder} holds several checkpoints and no <name>.yaml "
                                f"saying which to use: add the bag's yaml (such as htdemucs.yaml) beside them.")
    if len(bags) > 1 and not (folder / DEFAULT_BAG).is_file():
        raise MissingModelError(f"the demucs model folder {folder} holds several bags of models "
                                f"({', '.join(bag.name for bag in bags)}): keep only the one to use.")
    bag = bags[0] if len(bags) == 1 else folder / DEFAULT_BAG
    try:
        content = yaml.safe_load(bag.read_text())
    except yaml.YAMLError as error:
        raise DubStudioError(f"{bag} is not valid YAML ({error}): replace it with the demucs release's "
                             f"original {bag.name}.") from error
    signatures = content.get("models") if isinstance(content, dict) else None
    if not (isinstance(signatures, list) and signatures and all(isinstance(sig, str) for sig in signatures)):
        raise DubStudioError(f"{bag} lists no models, so it is not a demucs bag of models: replace it with "
                             f"the demucs release's original {bag.name}.")
    missing = [sig for sig in signatures if sig not in checkpoints]
    if missing:
        raise MissingModelError(f"the demucs model folder {folder} is incomplete, {bag.name} lists models with no "
                                f"checkpoint there ({', '.join(f'{sig}-<checksum>.th' for sig in missing)} as "
                                f"released, or <signature>.safetensors): download them into {folder}.")
    return [checkpoints[sig] for sig in signatures], {key: content.get(key) for key in ("weights", "segment")}


def _model_classes() -> dict:
    """The classes a checkpoint may name, by qualified name: demucs's three model generations."""
    from demucs.demucs import Demucs
    from demucs.hdemucs import HDemucs
    from demucs.htdemucs import HTDemucs

    return {f"{klass.__module__}.{klass.__name__}": klass for klass in (HTDemucs, HDemucs, Demucs)}


def _verify_checksum(path: Path) -> None:
    """A released checkpoint's name ends in the start of its sha256, as demucs checks it."""
    if path.suffix != ".th" or "-" not in path.stem:
        return
    expected = path.stem.rsplit("-", 1)[1]
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while block := file.read(2**20):
            digest.update(block)
    if not digest.hexdigest().startswith(expected):
        raise MissingModelError(f"{path} is damaged (its content does not match the checksum in its name): "
                                f"download it again into {path.parent}.")


def _read_th(path: Path, classes: dict) -> tuple:
    import torch

    try:
        with torch.serialization.safe_globals([*classes.values(), Fraction]):
            package = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as error:
        # torch's weights-only unpickler says the same of a foreign object and of garbage
        log.warning("refused %s: %s", path, error.__context__ or error)
        raise MissingModelError(f"{path} cannot be loaded safely: it is damaged, or holds Python objects besides "
                                f"a demucs model, which DubStudio does not unpickle because that could run any "
                                f"code: {_get_it(path.parent)}.") from error
    except (RuntimeError, EOFError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise MissingModelError(f"{path} is damaged or not a PyTorch file ({error}): "
                                f"{_get_it(path.parent)}.") from error
    if not (isinstance(package, dict) and package.get("klass") in classes.values()
            and isinstance(package.get("state"), dict)):
        raise MissingModelError(f"{path} is not a demucs model package (its model class and weights): "
                                f"{_get_it(path.parent)}.")
    return package["klass"], package.get("args", ()), package.get("kwargs", {}), package["state"]


def _decode(value):
    """demucs's JSON for init arguments, where a Fraction is {"_type": "fraction", ...}."""
    if isinstance(value, dict):
        if value.get("_type") == "fraction":
            return Fraction(value["numerator"], value["denominator"])
        return {key: _decode(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_decode(item) for item in value]
    return value


def _read_safetensors(path: Path, classes: dict) -> tuple:
    from safetensors import SafetensorError, safe_open
    from safetensors.torch import load_file

    try:
        with safe_open(str(path), framework="pt") as file:
            metadata = file.metadata() or {}
        state = load_file(path)
        klass = classes.get(metadata.get("klass"))
        args, kwargs = _decode(json.loads(metadata.get("args", "[]"))), _decode(json.loads(metadata["kwargs"]))
    except (SafetensorError, OSError, ValueError, KeyError) as error:
        raise MissingModelError(f"{path} is damaged or not a demucs safetensors model ({error}): "
                                f"{_get_it(path.parent)}.") from error
    if "structure" in metadata:  # demucs's layout for quantized (diffq) states
        raise _quantized(path)
    if klass is None:
        raise MissingModelError(f"{path} names the model class {metadata.get('klass')!r}, which is not one of "
                                f"demucs's models: {_get_it(path.parent)}.")
    return klass, args, kwargs, state


def _quantized(path: Path) -> MissingModelError:
    return MissingModelError(f"{path} is a quantized demucs model, which needs diffq: use an unquantized model "
                             f"instead ({_get_it(path.parent)}).")


def _build(path: Path, klass, args, kwargs: dict, state: dict):
    if "__quantized" in state:
        raise _quantized(path)
    # as demucs.states.load_model: packages from other demucs versions may carry unknown arguments
    known = inspect.signature(klass).parameters
    dropped = sorted(set(kwargs) - set(known))
    if dropped:
        log.warning("%s: dropped arguments this demucs does not know: %s", path, ", ".join(dropped))
    try:
        model = klass(*args, **{key: value for key, value in kwargs.items() if key in known})
        model.load_state_dict(state)
    except (TypeError, ValueError, RuntimeError, AssertionError) as error:
        raise MissingModelError(f"{path} does not build a {klass.__name__} with its own weights ({error}): "
                                f"{_get_it(path.parent)}.") from error
    return model


class DemucsSeparator:
    licence = LICENCE

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        checkpoints, bag = check_model_folder(self.folder)
        try:
            from demucs.apply import BagOfModels
        except ModuleNotFoundError as error:
            raise MissingModelError(f"the demucs separator needs the Python package {error.name}, which is not "
                                    f"installed: run installers/setup.sh.") from error
        classes = _model_classes()
        models = []
        for path in checkpoints:
            if path.suffix == ".th":
                _verify_checksum(path)
                models.append(_build(path, *_read_th(path, classes)))
            else:
                models.append(_build(path, *_read_safetensors(path, classes)))
        try:
            self.model = BagOfModels(models, bag.get("weights"), bag.get("segment"))
        except AssertionError as error:
            raise MissingModelError(f"the checkpoints in {self.folder} do not make one bag of models (their "
                                    f"sources, rates or weights differ): {_get_it(self.folder)}.") from error
        if DIALOGUE not in self.model.sources:
            raise MissingModelError(f"the demucs model in {self.folder} separates {', '.join(self.model.sources)}, "
                                    f"with no {DIALOGUE}: {_get_it(self.folder)}.")
        self.model.eval()
        log.info("demucs (%s) loaded from %s", ", ".join(path.name for path in checkpoints), self.folder)

    @property
    def sample_rate(self) -> int:
        return int(self.model.samplerate)

    def _segments(self, length: int) -> int:
        """How many segments demucs runs for `length` samples at the model's rate (apply_model's split)."""
        strides = [int((1 - OVERLAP) * int(model.samplerate * model.segment)) for model in self.model.models]
        return sum(len(range(0, length, stride)) for stride in strides)

    def separate(self, audio: np.ndarray, progress: Progress | None = None,
                 cancel: Cancel | None = None) -> tuple[np.ndarray, np.ndarray]:
        """audio: float32 [n, 2] (or mono [n]) at 48 kHz. Returns the M&E [n, 2] and the dialogue [n],
        float32 at 48 kHz; progress (step, done, total, message) after each segment."""
        import julius
        import torch
        from demucs.apply import apply_model

        audio = np.asarray(audio, np.float32)
        audio = audio[:, None] if audio.ndim == 1 else audio
        if audio.ndim != 2 or audio.shape[1] not in (1, 2):
            raise ValueError(f"audio must be [samples] or [samples, 1 or 2 channels], got shape {audio.shape}")
        n = len(audio)
        if n == 0:
            return np.zeros((0, 2), np.float32), np.zeros(0, np.float32)
        mix = torch.from_numpy(np.ascontiguousarray(audio.T)).expand(2, n)
        # full=True: the longest output, so that resampling back can give exactly n samples
        mix = julius.resample_frac(mix, PROJECT_RATE, self.sample_rate, full=True)
        total, done = self._segments(mix.shape[-1]), 0

        def segment_event(event: dict) -> None:
            nonlocal done
            if cancel is not None and cancel.is_set():
                raise CancelledError("Cancelled before DubStudio could separate the dialogue: run it again "
                                     "to finish.")
            if event["state"] == "end":
                done += 1
                if progress is not None:
                    progress("separate", done, total, f"demucs: segment {done} of {total}")

        # normalised as demucs's own separator does, then back to the mix's level
        reference = mix.mean(0)
        mean, std = reference.mean(), reference.std() + 1e-8
        sources = apply_model(self.model, ((mix - mean) / std)[None], shifts=0, split=True, overlap=OVERLAP,
                              callback=segment_event)[0] * std + mean
        vocals = self.model.sources.index(DIALOGUE)
        others = [index for index in range(len(self.model.sources)) if index != vocals]

        def back(x):
            return julius.resample_frac(x, self.sample_rate, PROJECT_RATE, output_length=n).numpy()

        music_effects = back(sources[others].sum(0)).T
        dialogue = back(sources[vocals].mean(0))
        return np.ascontiguousarray(music_effects, np.float32), dialogue.astype(np.float32, copy=False)
