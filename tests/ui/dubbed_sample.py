"""A short sample clip (two script lines) dubbed into Spanish by `dubstudio dub`: the real pipeline, engine
and embedded models. Made once per process (about two minutes here) and copied for each user, so the
casting and render dialog tests and the screenshot script (bench/dialog_screens.py) share one.
"""

import functools
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from dubstudio.sample.make import SampleParams, make_sample

DUBSTUDIO = [sys.executable, "-m", "dubstudio"]


def cli(*args, timeout: int = 900) -> subprocess.CompletedProcess:
    return subprocess.run([*DUBSTUDIO, *map(str, args)], capture_output=True, text=True, timeout=timeout,
                          check=False)


@functools.cache
def _dubbed() -> Path:
    root = Path(tempfile.mkdtemp(prefix="dubstudio-dubbed-sample-"))
    sample = make_sample(root / "clip", SampleParams(lines=2))
    run = cli("dub", sample.video, "--to", "es", "-o", root / "dub")
    if run.returncode != 0:
        raise RuntimeError(f"dubstudio dub failed: {run.stderr[-3000:]}")
    return root / "dub" / "sample.dubproj"


def dubbed_sample(folder: Path) -> Path:
    """A copy of the dubbed project in folder (its own to change); the source video stays where it was."""
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy2(_dubbed(), folder / "sample.dubproj"))
