"""Jobs are recorded in the project's journal until the client takes their outcome; a reopened
project resumes the ones a dead client left."""

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import psutil
import pytest
from jobtools import assert_all_gone, descendants
from sqlite_journal import SQLiteJournal

from dubstudio.jobs import InputFile, JobCancelledError
from dubstudio.jobs.journal import decode_inputs, encode_inputs

HERE = Path(__file__).parent


def test_the_journal_holds_a_job_until_its_outcome_is_taken(engine, journal, tmp_path):
    (tmp_path / "a.wav").write_bytes(b"RIFF")
    done = engine.submit("noop", {"audio": InputFile(tmp_path / "a.wav"), "n": 1}, journal=journal, priority=3)
    (record,) = journal.unfinished()
    assert record == {"job_id": done.id, "kind": "noop", "priority": 3,
                      "inputs": {"audio": {"$input_file": str(tmp_path / "a.wav")}, "n": 1}}
    assert done.wait(60)
    assert journal.unfinished() != [], "done on the worker, but the client has not taken it yet"
    assert done.result()["n"] == 1
    cancelled = engine.submit("count", {"n": 100}, journal=journal)
    cancelled.cancel()
    assert journal.unfinished() == []


def test_inputs_round_trip_through_the_journal_encoding(tmp_path):
    inputs = {"files": [InputFile(tmp_path / "x.wav")], "text": "hola", "nested": {"f": InputFile("y.wav")}}
    assert decode_inputs(encode_inputs(inputs)) == inputs


CLIENT = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {here!r})
    from sqlite_journal import SQLiteJournal
    from dubstudio.jobs import Engine

    if __name__ == "__main__":
        journal = SQLiteJournal({path!r})
        engine = Engine.local()
        engine.submit("noop", {{"taken": True}}, journal=journal).result(timeout=60)
        engine.submit("count", {{"n": 3, "delay": 0.05}}, journal=journal)
        engine.submit("count", {{"n": 200, "delay": 0.05}}, journal=journal)
        print("submitted", flush=True)
        time.sleep(600)
""")


def test_jobs_a_killed_client_left_unfinished_resume_when_the_project_reopens(engine, tmp_path):
    path = tmp_path / "project-journal.sqlite"
    client = subprocess.Popen([sys.executable, "-c", CLIENT.format(here=str(HERE), path=str(path))],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert client.stdout.readline().strip() == "submitted"
        workers = descendants(psutil.Process(client.pid))
        assert workers, "the dead client's local engine had worker processes"
    finally:
        os.kill(client.pid, signal.SIGKILL)
        client.wait(30)
    assert_all_gone(workers)  # its engine's workers do not outlive it

    reopened = SQLiteJournal(path)
    assert [(r["kind"], r["inputs"]["n"]) for r in reopened.unfinished()] == [("count", 3), ("count", 200)]
    short, long = engine.resume(reopened)
    assert short.result(timeout=60)["n"] == 3
    long.cancel()
    with pytest.raises(JobCancelledError):
        long.result(timeout=60)
    assert reopened.unfinished() == []
