"""Shared test setup: a private cache/log/config home per test session, Qt offscreen."""

import os
import socket
import tempfile

import pytest

# Set before any dubstudio or Qt import: caches, logs and settings go to a throwaway home, so tests
# never touch the user's folders and never depend on what an earlier run left there.
_home = tempfile.mkdtemp(prefix="dubstudio-tests-")
for variable in ("XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME"):
    os.environ[variable] = os.path.join(_home, variable.lower())
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(scope="session")
def test_home() -> str:
    return _home


@pytest.fixture(scope="session")
def sample_clip(tmp_path_factory):
    """The full default sample clip, made once per test session (about 30 s)."""
    from dubstudio.sample.make import make_sample

    return make_sample(tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="session")
def dubbed_sample(sample_clip, tmp_path_factory):
    """`dubstudio dub` of the sample into Spanish, once per session (about 3 min): (folder, CLI run).
    The project is dub/sample.dubproj; tests that change it work on a copy (dubbed_sample_copy)."""
    import subprocess
    import sys

    out = tmp_path_factory.mktemp("dub")
    run = subprocess.run([sys.executable, "-m", "dubstudio", "dub", str(sample_clip.video), "--to", "es",
                          "-o", str(out), "--preset", "web"], capture_output=True, text=True, timeout=1200)
    assert run.returncode == 0, run.stderr[-3000:]
    return out, run


@pytest.fixture
def dubbed_sample_copy(dubbed_sample, tmp_path):
    """A private copy of the dubbed sample's project (it names the sample video by absolute path)."""
    import shutil

    copy = tmp_path / "sample.dubproj"
    shutil.copyfile(dubbed_sample[0] / "sample.dubproj", copy)
    return copy


@pytest.fixture(scope="module")
def local_engine():
    """A local engine (one worker process) for a module's jobs end to end."""
    from dubstudio.jobs import Engine

    started = Engine.local()
    started.wait_for_workers(1, timeout=60)
    yield started
    started.close()


_FIGURES: list[tuple[str, str, str]] = []


@pytest.fixture
def figures():
    """Report a measured figure (name, value, target) in the run's closing summary."""
    def record(name: str, value: str, target: str = "") -> None:
        _FIGURES.append((name, value, target))
    return record


def pytest_terminal_summary(terminalreporter):
    if _FIGURES:
        terminalreporter.section("measured figures")
        for name, value, target in _FIGURES:
            terminalreporter.write_line(f"{name:<48} {value:>12}   {target}")


@pytest.fixture(scope="module")
def one_torch_thread():
    """Other test runs share this 2-core machine: two spinning OpenMP threads each make every
    convolution many times slower there. Restored after, so other modules keep their setting."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def network_attempts():
    """Every connection or name lookup tried while a module runs (an offline backend must make none)."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access in a test of an offline backend")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", refuse)
        patch.setattr(socket, "getaddrinfo", refuse)
        yield attempts
    assert attempts == [], f"the module tried to reach the network: {attempts}"
