"""A small SQLite JobJournal, as the project's `jobs` table will offer one (tests only)."""

import json
import sqlite3


class SQLiteJournal:
    def __init__(self, path):
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("CREATE TABLE IF NOT EXISTS jobs (seq INTEGER PRIMARY KEY, job_id TEXT UNIQUE, kind TEXT, "
                        "inputs TEXT, priority INTEGER, finished INTEGER DEFAULT 0)")

    def record(self, job_id: str, kind: str, inputs: dict, priority: int) -> None:
        self.db.execute("INSERT INTO jobs (job_id, kind, inputs, priority) VALUES (?, ?, ?, ?)",
                        (job_id, kind, json.dumps(inputs), priority))

    def finish(self, job_id: str) -> None:
        self.db.execute("UPDATE jobs SET finished = 1 WHERE job_id = ?", (job_id,))

    def unfinished(self) -> list[dict]:
        rows = self.db.execute("SELECT job_id, kind, inputs, priority FROM jobs WHERE finished = 0 ORDER BY seq")
        return [{"job_id": job_id, "kind": kind, "inputs": json.loads(inputs), "priority": priority}
                for job_id, kind, inputs, priority in rows]
