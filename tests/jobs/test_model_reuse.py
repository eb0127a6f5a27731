"""A worker keeps a loaded model for the next job; `status` shows the models, memory and queue."""

from dubstudio.jobs import status


def test_a_second_job_with_the_same_model_skips_the_load(engine):
    first = engine.submit("warm", {"backends": ["piper"]})
    first.result(timeout=120)
    second = engine.submit("warm", {"backends": ["piper"]})
    assert second.result(timeout=60) == {"piper": None}
    assert second.stats.loads == {} and second.stats.hits == ("piper",)
    if first.stats.loads:  # an earlier test on this worker may have loaded it already
        assert second.stats.seconds < first.stats.loads["piper"] / 10


def test_status_shows_workers_models_memory_and_queue(engine):
    engine.submit("warm", {"backends": ["piper"]}).result(timeout=120)
    report = engine.status()
    assert report.scheduler == engine.address
    (worker,) = report.workers
    assert worker.threads == 1 and worker.memory > 0 and worker.memory_limit > worker.memory
    piper = next(model for model in worker.models if model["name"] == "piper")
    assert piper["size"] > 0 and piper["hits"] >= 1
    assert worker.backends["kokoro"] == worker.backends["piper"] == "installed"
    assert report.running == 0 and report.waiting == 0
    text = "\n".join(status.lines(report))
    assert "1 worker, jobs: 0 running, 0 waiting" in text and "piper (" in text
