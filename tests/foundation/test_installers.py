"""installers/setup.sh: idempotent, and a second run is a no-op that takes seconds."""

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_setup_script_parses():
    assert subprocess.run(["bash", "-n", str(ROOT / "installers" / "setup.sh")]).returncode == 0


def test_second_setup_run_is_a_quiet_no_op():
    venv = Path(sys.prefix)
    stamp = venv / ".dubstudio-stamp"
    assert stamp.is_file(), "the environment was built by installers/setup.sh"
    before = stamp.stat().st_mtime_ns
    started = time.monotonic()
    out = subprocess.run(["bash", str(ROOT / "installers" / "setup.sh")], capture_output=True, text=True,
                         env={**os.environ, "DUBSTUDIO_VENV": str(venv)}, timeout=600)
    elapsed = time.monotonic() - started
    assert out.returncode == 0, out.stderr
    assert out.stderr == "" and out.stdout == ""
    assert elapsed < 15, f"a set-up machine took {elapsed:.1f} s to check"
    assert stamp.stat().st_mtime_ns == before


def test_quick_start_script_explains_its_usage():
    out = subprocess.run([str(ROOT / "run")], capture_output=True, text=True)
    assert out.returncode == 2
    assert "./run demo" in out.stderr and "./run tests" in out.stderr


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    assert "./run tests" in readme and "./run demo" in readme
    assert "./run tests" in (ROOT / ".ci" / "run").read_text()
