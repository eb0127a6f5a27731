"""The project file: creation, reopening, pragmas, schema versions, and every kind of bad file."""

import hashlib
import sqlite3
import subprocess
import sys
from fractions import Fraction

import pytest

from dubstudio.project import (
    NewerProjectError,
    NotAProjectError,
    Project,
    ProjectCorruptError,
    ProjectExistsError,
    ProjectNotFoundError,
    migrations,
    schema_version,
)
from dubstudio.project.errors import InvalidEditError, ProjectError
from dubstudio.timing import TimingError


def test_settings_survive_reopening(tmp_path):
    path = tmp_path / "film.dubproj"
    Project.create(path, source_language="en", target_languages=["es", "pt-BR"], frame_rate="29.97",
                   title="Film").close()
    with Project.open(path) as project:
        settings = project.settings
    assert settings.source_language == "en"
    assert settings.target_languages == ("es", "pt-BR")
    assert settings.sample_rate == 48_000
    assert settings.frame_rate == Fraction(30000, 1001)
    assert settings.title == "Film"


def test_the_file_is_a_wal_database_with_foreign_keys_and_full_sync(project):
    conn = project._db.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema_version()


def test_create_leaves_nothing_but_the_project(tmp_path):
    Project.create(tmp_path / "a.dubproj", source_language="en", target_languages=["es"], frame_rate=25).close()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a.dubproj"]


def test_create_refuses_an_existing_file(tmp_path):
    path = tmp_path / "a.dubproj"
    path.write_text("my notes")
    with pytest.raises(ProjectExistsError):
        Project.create(path, source_language="en", target_languages=["es"], frame_rate=25)
    assert path.read_text() == "my notes"


@pytest.mark.parametrize("source, targets, rate, error", [
    ("english", ["es"], 25, InvalidEditError),
    ("en", [], 25, InvalidEditError),
    ("en", ["es", "es"], 25, InvalidEditError),
    ("en", ["es"], "fast", TimingError),
])
def test_create_refuses_bad_settings_and_writes_nothing(tmp_path, source, targets, rate, error):
    with pytest.raises(error):
        Project.create(tmp_path / "a.dubproj", source_language=source, target_languages=targets, frame_rate=rate)
    assert list(tmp_path.iterdir()) == []


def test_create_in_a_missing_folder_says_so(tmp_path):
    with pytest.raises(ProjectError, match="does not exist"):
        Project.create(tmp_path / "nowhere" / "a.dubproj", source_language="en", target_languages=["es"],
                       frame_rate=25)


def test_a_missing_file_is_not_created(tmp_path):
    with pytest.raises(ProjectNotFoundError):
        Project.open(tmp_path / "missing.dubproj")
    assert list(tmp_path.iterdir()) == []


def _saved_project(tmp_path, project_at):
    path = tmp_path / "saved.dubproj"
    project_at(path).close()
    return path


def _other_sqlite(path):
    path.unlink()
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (text TEXT)")
    conn.commit()
    conn.close()


def _newer(path):
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {schema_version() + 1}")
    conn.close()


def _truncated(path):
    data = path.read_bytes()
    path.write_bytes(data[:len(data) // 2])


def _corrupt(path):
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xa5" * (4096 - 100)  # the schema's page, after the header
    path.write_bytes(bytes(data))


def _short(path):
    path.write_bytes(path.read_bytes()[:60])


@pytest.mark.parametrize("damage, error", [
    (lambda path: path.write_bytes(b""), NotAProjectError),
    (lambda path: path.write_text("Line 1: Hello\nLine 2: Bye\n"), NotAProjectError),
    (lambda path: path.write_bytes(b"\x00" * 8192), NotAProjectError),
    (_other_sqlite, NotAProjectError),
    (_newer, NewerProjectError),
    (_truncated, ProjectCorruptError),
    (_short, ProjectCorruptError),
    (_corrupt, ProjectCorruptError),
], ids=["empty", "text", "zeros", "other-sqlite", "newer-schema", "truncated", "short", "corrupt"])
def test_bad_files_give_one_clear_sentence_and_stay_untouched(tmp_path, project_at, damage, error):
    path = _saved_project(tmp_path, project_at)
    damage(path)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(error) as raised:
        Project.open(path)
    message = str(raised.value)
    assert str(path) in message
    assert message.endswith(".") and message.count(": ") >= 1 and "\n" not in message
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


def test_newer_schema_message_says_to_update(tmp_path, project_at):
    path = _saved_project(tmp_path, project_at)
    _newer(path)
    with pytest.raises(NewerProjectError, match="update DubStudio"):
        Project.open(path)


def test_a_second_process_cannot_open_an_open_project(project):
    code = ("import sys; from dubstudio.project import Project, ProjectBusyError\n"
            "try:\n    Project.open(sys.argv[1])\nexcept ProjectBusyError as error:\n    print(error)\n")
    out = subprocess.run([sys.executable, "-c", code, str(project.path)], capture_output=True, text=True,
                         timeout=120, check=False)
    assert out.returncode == 0, out.stderr
    assert "open in another DubStudio" in out.stdout


def test_close_releases_the_file(project):
    path = project.path
    project.close()
    with Project.open(path) as again:
        assert len(again.lines()) == 4


ADD_COLUMN = "ALTER TABLE lines ADD COLUMN note TEXT NOT NULL DEFAULT '';\n"


def test_an_older_project_is_upgraded_with_a_backup(tmp_path, project_at, monkeypatch):
    path = _saved_project(tmp_path, project_at)
    saved = schema_version()
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, ADD_COLUMN])
    with Project.open(path) as project:
        conn = project._db.conn
        assert conn.execute("PRAGMA user_version").fetchone()[0] == saved + 1
        assert "note" in {row[1] for row in conn.execute("PRAGMA table_info(lines)")}
        assert len(project.lines()) == 4
    backups = list(tmp_path.glob(f"saved.dubproj.schema{saved}-*.bak"))
    assert len(backups) == 1
    backup = sqlite3.connect(backups[0])
    assert backup.execute("PRAGMA user_version").fetchone()[0] == saved
    assert backup.execute("SELECT count(*) FROM lines").fetchone()[0] == 4
    backup.close()


def test_a_failed_upgrade_changes_nothing(tmp_path, project_at, monkeypatch):
    path = _saved_project(tmp_path, project_at)
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, ADD_COLUMN + "SELECT nonsense;\n"])
    with pytest.raises(ProjectError, match="could not be upgraded"):
        Project.open(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["saved.dubproj"]
    monkeypatch.undo()
    with Project.open(path) as project:
        conn = project._db.conn
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema_version()
        assert "note" not in {row[1] for row in conn.execute("PRAGMA table_info(lines)")}


def test_a_migration_with_an_unfinished_statement_is_refused(tmp_path, project_at, monkeypatch):
    path = _saved_project(tmp_path, project_at)
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, "ALTER TABLE lines ADD COLUMN x TEXT"])
    with pytest.raises(ValueError, match="incomplete SQL"):
        Project.open(path)


def test_a_full_disk_is_one_sentence_and_loses_nothing(project, make_tone, snapshot):
    before = snapshot(project)
    conn = project._db.conn
    # the file may not grow any more: as if the disk were full
    conn.execute(f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}")
    with pytest.raises(ProjectError, match="is full: free some space"):
        project.add_take(project.lines()[0].id, "es", make_tone(30.0), 24_000, text="Hola", backend="kokoro")
    assert snapshot(project) == before
