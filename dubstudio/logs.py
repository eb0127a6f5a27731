"""Logging: everything to a rotating file in the user log folder; the console gets warnings,
or more with -v (info) and -vv (debug)."""

import logging
import logging.handlers
from pathlib import Path

from dubstudio import paths

LOG_NAME = "dubstudio.log"


def log_file() -> Path:
    return paths.log_dir() / LOG_NAME


def setup(verbosity: int = 0) -> Path:
    """Configure the root logger once per process; returns the log file's path."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_dubstudio", False):
            root.removeHandler(handler)
    root.setLevel(logging.DEBUG)
    path = log_file()
    file_handler = logging.handlers.RotatingFileHandler(path, maxBytes=5_000_000, backupCount=3,
                                                        encoding="utf-8")
    file_handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(name)s %(levelname)s %(message)s"))
    file_handler.setLevel(logging.DEBUG)
    console = logging.StreamHandler()
    console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    console.setLevel({0: logging.WARNING, 1: logging.INFO}.get(verbosity, logging.DEBUG))
    for handler in (file_handler, console):
        handler._dubstudio = True
        root.addHandler(handler)
    # Libraries that chatter at INFO stay quiet on the console even with -v.
    for noisy in ("distributed", "numba", "matplotlib", "PIL", "urllib3", "httpx"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return path
