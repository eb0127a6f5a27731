"""Input files: read in place where workers share the client's storage, else sent with the job."""

import hashlib

import pytest

from dubstudio.jobs import InputFile, InputFileError, files


@pytest.fixture
def clip(tmp_path):
    path = tmp_path / "line.wav"
    path.write_bytes(b"RIFF" + bytes(range(256)) * 40)
    return path


@pytest.fixture
def shipping(engine):
    engine.ship_files = True
    yield engine
    engine.ship_files = False


def test_a_worker_on_shared_storage_reads_the_file_in_place(engine, clip):
    seen = engine.submit("noop", {"audio": InputFile(clip)}).result(timeout=60)
    assert seen["audio"]["path"] == str(clip)


def test_a_remote_worker_gets_the_files_bytes_with_the_job(shipping, clip):
    digest = hashlib.sha256(clip.read_bytes()).hexdigest()
    seen = shipping.submit("noop", {"takes": [InputFile(clip), InputFile(clip)]}).result(timeout=60)
    for copy in seen["takes"]:
        assert copy["path"] != str(clip) and copy["path"].endswith(f"{digest}.wav")
        assert (copy["size"], copy["sha256"]) == (clip.stat().st_size, digest)


def test_a_file_too_large_to_send_is_refused_at_submit(shipping, clip, monkeypatch):
    monkeypatch.setattr(files, "SHIP_LIMIT", 100)
    with pytest.raises(InputFileError, match="too large to send"):
        shipping.submit("noop", {"audio": InputFile(clip)})


def test_a_missing_file_is_refused_at_submit_when_sent(shipping, tmp_path, journal):
    with pytest.raises(InputFileError, match="cannot be read"):
        shipping.submit("noop", {"audio": InputFile(tmp_path / "gone.wav")}, journal=journal)
    assert journal.unfinished() == [], "a refused job is not resumed later"


def test_a_worker_that_cannot_read_a_shared_path_says_so(engine, tmp_path):
    job = engine.submit("noop", {"audio": InputFile(tmp_path / "gone.wav")})
    with pytest.raises(InputFileError, match="cannot read .*gone.wav: put it on storage the workers share"):
        job.result(timeout=60)
