"""Opening and creating project files: validation before anything is written, pragmas, transactions.

Choices, and why:
- WAL journal: a crash (of DubStudio or of the machine) never leaves a half-written edit; committed
  edits survive.
- synchronous=FULL: every commit is fsynced, so an edit the user saw succeed survives a power cut too,
  not only a crash of the process (NORMAL may lose the last commits on power loss). A commit costs one
  fsync: a fraction of a millisecond on an idle SSD, a few milliseconds on a busy disk; edits come at
  human pace, and job results that come by the thousand are written in batches.
- locking_mode=EXCLUSIVE: the project has one writer. The first read takes the lock and keeps it until
  close, so a second DubStudio opening the same file gets a clear "open elsewhere" error instead of
  interleaving edits and undo histories. With WAL it also means no -shm file.
- busy_timeout: a short wait, for a process that is still closing the file.
- trusted_schema=OFF: a project file may come from someone else; its schema may not call functions.
- Every check that can refuse a file runs before the first write, so a file that fails to open is
  left exactly as it was.
"""

import sqlite3
import threading
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from dubstudio.project import migrations, schema
from dubstudio.project.errors import (
    NewerProjectError,
    NotAProjectError,
    ProjectBusyError,
    ProjectCorruptError,
    ProjectError,
    ProjectNotFoundError,
)

BUSY_TIMEOUT_S = 1.0
SQLITE_HEADER = b"SQLite format 3\x00"


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class Database:
    """The connection to one project file. A lock serialises its use, so that a job callback on
    another thread cannot slip a statement into the middle of an operation's transaction."""

    def __init__(self, conn: sqlite3.Connection, path: Path):
        self.conn = conn
        self.path = path
        self._lock = threading.RLock()

    @contextmanager
    def transaction(self):
        """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK if anything raises (a failed COMMIT included)."""
        with self._lock:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                yield self.conn
                self.conn.execute("COMMIT")
            except BaseException as error:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                if isinstance(error, sqlite3.DatabaseError) and _disk_trouble(error):
                    raise _sqlite_error(error, self.path) from error
                raise

    @contextmanager
    def reading(self):
        with self._lock:
            yield self.conn

    def close(self) -> None:
        with self._lock:
            self.conn.close()


def _connect(path: Path) -> sqlite3.Connection:
    # mode=rw: never create a file while opening one.
    conn = sqlite3.connect(f"file:{quote(str(path.absolute()))}?mode=rw", uri=True, isolation_level=None,
                           check_same_thread=False, timeout=BUSY_TIMEOUT_S)
    conn.row_factory = sqlite3.Row
    try:
        for pragma in ("locking_mode = EXCLUSIVE", "trusted_schema = OFF", "foreign_keys = ON",
                       "synchronous = FULL"):
            conn.execute(f"PRAGMA {pragma}")
    except BaseException:
        conn.close()
        raise
    return conn


def _disk_trouble(error: sqlite3.Error) -> bool:
    """A full, read-only or failing disk, rather than a bug: the user gets a sentence, not a traceback."""
    name = getattr(error, "sqlite_errorname", "")
    return name.startswith(("SQLITE_FULL", "SQLITE_READONLY", "SQLITE_IOERR", "SQLITE_CORRUPT"))


def _sqlite_error(error: sqlite3.Error, path: Path) -> ProjectError:
    """One sentence for what SQLite reported."""
    name = getattr(error, "sqlite_errorname", "")
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return ProjectBusyError(f"{path} is open in another DubStudio window or process: close it there, "
                                "then open it again.")
    if name.startswith("SQLITE_READONLY"):
        return ProjectError(f"{path} cannot be written (read-only file or folder): copy it somewhere you "
                            "can write, or change its permissions.")
    if name.startswith("SQLITE_CANTOPEN"):
        return ProjectError(f"{path} cannot be opened: check that you may read and write it and its folder.")
    if name.startswith("SQLITE_IOERR"):
        return ProjectError(f"{path} could not be read or written ({error}): check the disk it is on, then "
                            "try again.")
    if name.startswith("SQLITE_FULL"):
        return ProjectError(f"The disk holding {path} is full: free some space and try again (every change "
                            "saved before this one is kept).")
    return ProjectCorruptError(f"{path} is damaged ({error}): restore it from a backup or an earlier copy.")


def _check_header(path: Path) -> None:
    """Refuse what is plainly not a whole SQLite file, from its first 100 bytes, before SQLite opens it."""
    if not path.is_file():
        raise ProjectNotFoundError(f"There is no project file at {path}: check the path.")
    size = path.stat().st_size
    with open(path, "rb") as handle:
        header = handle.read(100)
    if not header:
        raise NotAProjectError(f"{path} is empty, not a DubStudio project: open the .dubproj file "
                               "the project was saved in.")
    if not header.startswith(SQLITE_HEADER):
        raise NotAProjectError(f"{path} is not a DubStudio project (it is not an SQLite database): "
                               "open the .dubproj file the project was saved in.")
    if len(header) < 100:
        raise ProjectCorruptError(f"{path} is truncated ({size} bytes): restore it from a backup or an "
                                  "earlier copy.")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        raise ProjectCorruptError(f"{path} is damaged (its header is invalid): restore it from a backup "
                                  "or an earlier copy.")
    pages = int.from_bytes(header[28:32], "big")
    header_size_valid = header[92:96] == header[24:28]
    wal = path.with_name(path.name + "-wal")
    # With a non-empty WAL the file may legitimately lag behind its header until recovery.
    if header_size_valid and size < pages * page_size and not (wal.exists() and wal.stat().st_size):
        raise ProjectCorruptError(f"{path} is truncated ({size:,} of {pages * page_size:,} bytes): restore "
                                  "it from a backup or an earlier copy.")


def _validate(conn: sqlite3.Connection, path: Path) -> int:
    """Read-only checks: is this a DubStudio project this version can open? Returns its schema."""
    application_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if application_id != schema.APPLICATION_ID:
        raise NotAProjectError(f"{path} is an SQLite database but not a DubStudio project: open the "
                               ".dubproj file the project was saved in.")
    if version > migrations.schema_version():
        raise NewerProjectError(f"{path} was saved by a newer DubStudio (project schema {version}, this "
                                f"version reads up to {migrations.schema_version()}): update DubStudio "
                                "to open it.")
    if version < 1 or conn.execute("SELECT count(*) FROM settings").fetchone()[0] != 1:
        raise ProjectCorruptError(f"{path} is damaged (its settings are missing): restore it from a "
                                  "backup or an earlier copy.")
    return version


def _backup_before_upgrade(conn: sqlite3.Connection, path: Path, version: int) -> Path:
    """Keep a copy an older DubStudio can still open, since the upgrade is one-way."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    backup = path.with_name(f"{path.name}.schema{version}-{stamp}.bak")
    target = sqlite3.connect(backup)
    try:
        conn.backup(target)
    finally:
        target.close()
    return backup


def _upgrade(conn: sqlite3.Connection, path: Path, version: int) -> None:
    backup = _backup_before_upgrade(conn, path, version)
    try:
        migrations.migrate(conn, version)
    except sqlite3.Error as error:
        backup.unlink()  # the migration rolled back: the project itself is the copy to keep
        raise ProjectError(f"{path} could not be upgraded from project schema {version} ({error}) and is "
                           "unchanged: keep using it with the DubStudio that made it, and report this.") from None


def open_database(path: Path) -> Database:
    """Open an existing project for editing, upgrading its schema if it is older."""
    _check_header(path)
    wal = path.with_name(path.name + "-wal")
    had_wal = wal.exists()
    conn = None
    try:
        conn = _connect(path)
        version = _validate(conn, path)
        if version < migrations.schema_version():
            _upgrade(conn, path, version)
        conn.execute("PRAGMA journal_mode = WAL")
    except BaseException as error:
        if conn is not None:
            conn.close()
        # SQLite creates an empty WAL to read a WAL-mode file, and cannot remove it from a damaged one;
        # the file we refused is left as we found it.
        if not had_wal and wal.exists() and wal.stat().st_size == 0:
            wal.unlink()
        if isinstance(error, sqlite3.Error):
            raise _sqlite_error(error, path) from None
        raise
    return Database(conn, path)


def create_database(path: Path) -> Database:
    """A new, empty project file at the current schema (the caller fills in its settings)."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_S)
    conn.row_factory = sqlite3.Row
    try:
        for pragma in ("locking_mode = EXCLUSIVE", "trusted_schema = OFF", "synchronous = FULL",
                       "journal_mode = WAL"):
            conn.execute(f"PRAGMA {pragma}")
        migrations.migrate(conn, 0)
    except BaseException:
        conn.close()
        raise
    return Database(conn, path)
