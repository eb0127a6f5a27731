"""A job's input files as local paths on the worker that runs it (see dubstudio.jobs.files)."""

import os
import socket
from pathlib import Path

from dubstudio.jobs.errors import InputFileError
from dubstudio.jobs.files import InputFile


def resolve(inputs: dict, shipped: dict[str, tuple[str, bytes]], folder: str) -> dict:
    """inputs with each InputFile replaced by a Path this worker can read.

    shipped maps a client path to (sha256, bytes) for files sent with the job; they are written once
    per worker under `folder`, named by content, and reused by later jobs.
    """

    def local(item: InputFile) -> Path:
        if item.path in shipped:
            digest, data = shipped[item.path]
            path = Path(folder, "inputs", digest + Path(item.path).suffix)
            if not path.is_file():
                path.parent.mkdir(parents=True, exist_ok=True)
                partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
                partial.write_bytes(data)
                partial.replace(path)
            return path
        path = Path(item.path)
        if not os.access(path, os.R_OK):
            raise InputFileError(f"the engine worker on {socket.gethostname()} cannot read {path}: put it on "
                                 f"storage the workers share, or connect without shared storage so that "
                                 f"input files travel with each job.")
        return path

    def walk(value):
        if isinstance(value, InputFile):
            return local(value)
        if isinstance(value, dict):
            return {key: walk(item) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(walk(item) for item in value)
        return value

    return walk(inputs)
