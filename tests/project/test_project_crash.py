"""A process killed (SIGKILL) in the middle of a burst of edits loses no committed edit, and the file
passes SQLite's integrity check when reopened."""

import os
import signal
import sqlite3
import subprocess
import sys
import time

from dubstudio.project import Project

# Edit k sets line k % n to "edit k" and prints k once the edit is committed.
EDITOR = """
import sys
from dubstudio.project import Project
project = Project.open(sys.argv[1])
lines = [line.id for line in project.lines()]
k = 0
while True:
    k += 1
    project.edit_translation(lines[k % len(lines)], "fr", f"edit {k}")
    print(k, flush=True)
"""


def test_sigkill_during_a_burst_of_edits_loses_no_committed_edit(tmp_path, project_at):
    path = tmp_path / "crash.dubproj"
    project_at(path).close()
    editor = subprocess.Popen([sys.executable, "-c", EDITOR, str(path)], stdout=subprocess.PIPE, text=True)
    acknowledged = 0
    deadline = time.monotonic() + 120
    try:
        while acknowledged < 200 and time.monotonic() < deadline:
            output = editor.stdout.readline()
            assert output, "the editing process stopped on its own"
            acknowledged = int(output)
    finally:
        os.kill(editor.pid, signal.SIGKILL)
        editor.wait()
        editor.stdout.close()
    assert editor.returncode == -signal.SIGKILL
    assert acknowledged >= 20, "too few edits before the deadline to test anything"

    with Project.open(path) as project:
        ids = [line.id for line in project.lines()]
        saved = {line_id: project.translation(line_id, "fr") for line_id in ids}
        for k in range(max(1, acknowledged - len(ids) + 1), acknowledged + 1):
            # the last acknowledged edit of each line is there, or a later one that committed before the kill
            text = saved[ids[k % len(ids)]].text
            assert int(text.split()[1]) >= k
        history = project._db.conn.execute("SELECT count(*) FROM history WHERE op = 'edit_translation'")
        assert history.fetchone()[0] >= acknowledged
        assert project.undo_status().undo.startswith("Edit translation of line")
        project.undo()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()
