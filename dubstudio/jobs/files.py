"""Files as job inputs. A job names a file with InputFile; on the worker it becomes a local Path.

Where the workers share the client's storage (the local engine, a farm on a shared volume) that is
the same path. Otherwise the client sends the file's bytes with the job (Dask `scatter`, straight to
the workers, content-addressed so a file used by many jobs travels once) and the worker writes a
copy in its own folder. Only small files should travel this way: media for a whole film belongs on
storage the farm can read.
"""

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from dubstudio.jobs.errors import InputFileError

SHIP_LIMIT = 256 * 1024 * 1024  # bytes: a larger file must be on storage the workers share


@dataclass(frozen=True)
class InputFile:
    path: str

    def __post_init__(self):
        object.__setattr__(self, "path", str(Path(self.path).resolve()))


def input_files(value) -> list[InputFile]:
    """Every InputFile in a job's inputs (nested in dicts, lists and tuples), once each."""
    if isinstance(value, InputFile):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        found = []
        for item in value:
            found += [f for f in input_files(item) if f not in found]
        return found
    return []


def ship(client, inputs: dict) -> dict[str, tuple[str, object]]:
    """path -> (sha256, future of the file's bytes on the workers), for each InputFile in inputs."""
    shipped = {}
    for item in input_files(inputs):
        try:
            size = os.path.getsize(item.path)
            if size > SHIP_LIMIT:
                raise InputFileError(f"{item.path} is {size / 2**20:.0f} MB, too large to send to the engine's "
                                     f"workers with each job: put it on storage the workers share and "
                                     f"connect with shared storage.")
            data = Path(item.path).read_bytes()
        except OSError as error:
            raise InputFileError(f"{item.path} cannot be read ({error.strerror or error}): "
                                 f"check that the file exists and is readable.") from error
        shipped[item.path] = (hashlib.sha256(data).hexdigest(), client.scatter(data, hash=True))
    return shipped
