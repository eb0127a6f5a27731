"""Where DubStudio keeps files outside the project: caches, logs, settings (platformdirs).

Caches are keyed by content hash and can always be rebuilt. On Linux the XDG_* variables move
them, which is how tests keep a private cache.
"""

from pathlib import Path

import platformdirs

APP = "dubstudio"


def cache_dir(*parts: str) -> Path:
    path = Path(platformdirs.user_cache_dir(APP)).joinpath(*parts)
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_dir() -> Path:
    path = Path(platformdirs.user_log_dir(APP))
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir() -> Path:
    path = Path(platformdirs.user_config_dir(APP))
    path.mkdir(parents=True, exist_ok=True)
    return path


def data_dir() -> Path:
    path = Path(platformdirs.user_data_dir(APP))
    path.mkdir(parents=True, exist_ok=True)
    return path


def state_dir() -> Path:
    """What the user leaves behind between sessions (the editor's view of each project)."""
    path = Path(platformdirs.user_state_dir(APP))
    path.mkdir(parents=True, exist_ok=True)
    return path
