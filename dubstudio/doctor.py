"""`dubstudio doctor`: is this machine ready? One line per requirement, with the fix for each failure.

Checks run in this process and load each embedded model for real, so a broken install shows here
and not in the middle of a dub.
"""

import os
import platform
import shutil
import subprocess
import sys
from dataclasses import dataclass
from typing import Callable

from dubstudio import paths, tools
from dubstudio.engine import native_chatter
from dubstudio.errors import DubStudioError

SETUP = "run installers/setup.sh"
REQUIRED_APERTIUM_MODES = ("eng-spa",)
OPTIONAL_APERTIUM_MODES = ("spa-eng", "eng-cat", "es-fr", "fr-es", "es-pt", "spa-ita")
MIN_FREE_GB, LOW_FREE_GB = 2.0, 10.0


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    required: bool = True

    def line(self) -> str:
        status = "ok  " if self.ok else ("FAIL" if self.required else "warn")
        text = f"{status}  {self.name:<22} {self.detail}"
        return text + (f" -> {self.fix}" if not self.ok and self.fix else "")


def _program(program: str, version_args: tuple[str, ...] = ("--version",)) -> Check:
    try:
        return Check(program, True, tools.version_line(program, *version_args))
    except DubStudioError:
        return Check(program, False, "not found", tools.fix_hint(program))


def check_python() -> Check:
    ok = sys.version_info[:2] == (3, 11)
    return Check("python", ok, platform.python_version(), "DubStudio needs Python 3.11: " + SETUP)


def check_rubberband() -> Check:
    check = _program("rubberband")
    if check.ok:
        help_text = subprocess.run([tools.require("rubberband"), "--help"], capture_output=True, text=True).stderr
        if "--fine" not in help_text:
            return Check("rubberband", False, f"{check.detail} has no R3 engine (--fine)",
                         "install rubberband-cli 3.x (Debian 12 or later)")
        check.detail += " (R3 engine)"
    return check


def check_espeak() -> Check:
    check = _program("espeak-ng")
    if check.ok:
        check.detail = check.detail.split(" Data at")[0]
    return check


def check_apertium() -> list[Check]:
    try:
        out = subprocess.run([tools.require("apertium"), "-l"], capture_output=True, text=True, timeout=30)
    except DubStudioError:
        return [Check("apertium", False, "not found", tools.fix_hint("apertium"))]
    modes = set(out.stdout.split())
    checks = []
    for mode in REQUIRED_APERTIUM_MODES:
        checks.append(Check(f"apertium {mode}", mode in modes, "installed" if mode in modes else "missing",
                            f"sudo apt-get install apertium-{mode} (or {SETUP})"))
    extra = [mode for mode in OPTIONAL_APERTIUM_MODES if mode in modes]
    missing = [mode for mode in OPTIONAL_APERTIUM_MODES if mode not in modes]
    checks.append(Check("apertium pairs", not missing, ", ".join(extra) or "none",
                        f"{SETUP} for {', '.join(missing)}", required=False))
    return checks


def _probe_in_child(code: str) -> tuple[bool, str]:
    """Run a check in a separate Python: the core never imports Qt or libVLC, and a native crash
    while loading one cannot take doctor down. Returns (ok, what it printed)."""
    try:
        run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                             env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    except subprocess.TimeoutExpired:
        return False, "timed out"
    said = run.stdout.strip() or (run.stderr.strip().splitlines() or [""])[-1]
    return run.returncode == 0, said


def check_vlc() -> Check:
    ok, said = _probe_in_child(
        "import sys, vlc\n"
        "instance = vlc.Instance('--aout=dummy', '--vout=dummy', '--quiet')\n"
        "sys.exit(1) if instance is None else print(vlc.libvlc_get_version().decode())")
    if ok:
        return Check("libVLC", True, said)
    return Check("libVLC", False, f"unavailable ({said or 'libVLC did not start'})",
                 "sudo apt-get install libvlc5 vlc-plugin-base vlc-plugin-video-output (or " + SETUP + ")")


def check_qt() -> Check:
    ok, said = _probe_in_child("import PySide6, PySide6.QtWidgets; print(PySide6.__version__)")
    return Check("Qt (PySide6)", ok, said if ok else f"does not load ({said})", SETUP)


def _model(name: str, load: Callable[[], str]) -> Check:
    try:
        # what native libraries (TFLite, absl, onnxruntime) print straight to fd 2 while loading
        with native_chatter.without(native_chatter.EVERYTHING):
            detail = load()
        return Check(name, True, detail)
    except DubStudioError as error:
        return Check(name, False, "does not load", str(error).rstrip("."))
    except Exception as error:
        return Check(name, False, f"does not load ({type(error).__name__}: {error})", SETUP)


def _whisper() -> str:
    from faster_whisper import WhisperModel

    from dubstudio.engine import assets

    WhisperModel(str(assets.whisper_base_dir()), device="cpu", compute_type="int8", cpu_threads=1)
    return "Whisper base (faster-whisper, int8)"


def _silero() -> str:
    from dubstudio.engine import assets, onnx

    onnx.session(assets.silero_vad_path(), threads=1)
    return "Silero VAD (ONNX)"


def _resemblyzer() -> str:
    from resemblyzer import VoiceEncoder

    VoiceEncoder("cpu", verbose=False)
    return "Resemblyzer speaker encoder"


def _kokoro() -> str:
    from dubstudio.engine.backends.kokoro import Kokoro

    kokoro = Kokoro(threads=1)
    decoder = f"PyTorch ({str(kokoro.decoder.conv_dtype).removeprefix('torch.')})" if kokoro.decoder else "onnxruntime"
    return f"Kokoro-82M, {len(kokoro.voices)} voices, decoder on {decoder}"


def _piper() -> str:
    from dubstudio.engine.backends.piper import Piper

    voice = Piper(threads=1)
    return f"Piper en_US joe ({voice.sample_rate} Hz)"


def _face_mesh() -> str:
    from dubstudio.engine.backends.facemesh import FaceMesh

    FaceMesh(max_faces=1).close()
    return "MediaPipe face mesh (478 landmarks)"


def check_models() -> list[Check]:
    return [_model("speech-to-text", _whisper), _model("voice activity", _silero),
            _model("speaker embedding", _resemblyzer), _model("tts multilingual", _kokoro),
            _model("tts english", _piper), _model("face landmarks", _face_mesh)]


def check_disk() -> Check:
    folder = paths.cache_dir()
    free = shutil.disk_usage(folder).free / 1e9
    detail = f"{free:.1f} GB free for {folder}"
    if free < MIN_FREE_GB:
        return Check("disk", False, detail, f"free at least {MIN_FREE_GB:.0f} GB (renders and caches need room)")
    if free < LOW_FREE_GB:
        return Check("disk", False, detail, "long films need more room: free 10 GB or more", required=False)
    return Check("disk", True, detail)


def check_gpu() -> Check:
    try:
        import torch

        if torch.cuda.is_available():
            return Check("GPU", True, torch.cuda.get_device_name(0), required=False)
    except ImportError:
        pass
    return Check("GPU", True, "none: the engine runs on the CPU (embedded models are sized for it)", required=False)


def check_xvfb() -> Check:
    found = shutil.which("Xvfb") is not None
    return Check("Xvfb", found, "found" if found else "not found", tools.fix_hint("Xvfb"), required=False)


def run_checks() -> list[Check]:
    checks = [check_python(), _program("ffmpeg", ("-version",)), _program("ffprobe", ("-version",)),
              check_rubberband(), check_espeak()]
    checks += check_apertium()
    checks += [check_vlc(), check_qt(), check_xvfb()]
    checks += check_models()
    checks += [check_disk(), check_gpu()]
    return checks
