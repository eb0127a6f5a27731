"""System programs DubStudio runs as separate processes, and how to get each one."""

import shutil
import subprocess

from dubstudio.errors import MissingToolError

# program -> the Debian package that provides it
PACKAGES = {
    "ffmpeg": "ffmpeg",
    "ffprobe": "ffmpeg",
    "rubberband": "rubberband-cli",
    "espeak-ng": "espeak-ng",
    "apertium": "apertium",
    "Xvfb": "xvfb",
}


def fix_hint(program: str) -> str:
    package = PACKAGES.get(program, program)
    return f"install it with 'sudo apt-get install {package}' or run installers/setup.sh"


def require(program: str) -> str:
    """The program's full path, or a MissingToolError that names the package to install."""
    path = shutil.which(program)
    if path is None:
        raise MissingToolError(f"{program} is not installed: {fix_hint(program)}.")
    return path


def version_line(program: str, *args: str) -> str:
    """The first line a program prints about its version (for doctor and logs)."""
    out = subprocess.run([require(program), *(args or ("--version",))], capture_output=True,
                         text=True, timeout=30)
    text = (out.stdout or out.stderr).strip()
    return text.splitlines()[0].split(" Copyright")[0] if text else ""
