"""The journal of engine jobs not finished yet, so that work submitted before a crash can be resumed.

The job bus records a job when it submits it and finishes it when its result is in the project. Each
call is its own short transaction, apart from the undo history.
"""

import json

from dubstudio.project.db import Database, utc_now


class JobJournal:
    def __init__(self, db: Database):
        self._db = db

    def record(self, job_id: str, kind: str, inputs: dict, priority: int) -> None:
        """Note a submitted job; recording the same id again (a resubmission) keeps its creation time."""
        encoded = json.dumps(inputs, sort_keys=True)
        with self._db.transaction() as conn:
            conn.execute("INSERT INTO jobs (job_id, kind, inputs, priority, created) VALUES (?, ?, ?, ?, ?) "
                         "ON CONFLICT (job_id) DO UPDATE SET kind = excluded.kind, inputs = excluded.inputs, "
                         "priority = excluded.priority", (job_id, kind, encoded, int(priority), utc_now()))

    def finish(self, job_id: str) -> None:
        """Forget a job whose result is saved; finishing an unknown or finished job does nothing."""
        with self._db.transaction() as conn:
            conn.execute("DELETE FROM jobs WHERE job_id = ?", (job_id,))

    def unfinished(self) -> list[dict]:
        """Jobs recorded and not finished, oldest first: job_id, kind, inputs, priority, created (UTC ISO 8601)."""
        with self._db.reading() as conn:
            rows = conn.execute("SELECT * FROM jobs ORDER BY created, rowid").fetchall()
        return [{"job_id": row["job_id"], "kind": row["kind"], "inputs": json.loads(row["inputs"]),
                 "priority": row["priority"], "created": row["created"]} for row in rows]
