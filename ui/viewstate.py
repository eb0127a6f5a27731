"""The editor's view of each project (zoom, scroll, selection, language, playhead), kept beside the
user's other state so that reopening — after a crash too — shows the film where it was left.

Saved a moment after each change (a crash loses at most that moment), atomically.
"""

import hashlib
import json
import logging
import os
from pathlib import Path

from dubstudio import paths

log = logging.getLogger(__name__)


def _file(project_path: Path) -> Path:
    key = hashlib.sha256(str(Path(project_path).resolve()).encode()).hexdigest()[:24]
    return paths.state_dir() / "views" / f"{key}.json"


def load(project_path: Path) -> dict:
    try:
        return json.loads(_file(project_path).read_text())
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):  # a damaged view file only costs the view
        log.warning("ignoring the damaged view state of %s", project_path, exc_info=True)
        return {}


def save(project_path: Path, state: dict) -> None:
    path = _file(project_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    with open(partial, "w") as out:
        json.dump(state, out)
        out.flush()
        os.fsync(out.fileno())
    partial.replace(path)
