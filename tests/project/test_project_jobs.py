"""The journal of unfinished jobs the job bus plugs into."""

from concurrent.futures import ThreadPoolExecutor

from dubstudio.project import Project


def test_record_finish_unfinished(project):
    project.jobs.record("a", "synthesize", {"line": 1, "language": "es"}, 10)
    project.jobs.record("b", "translate", {"lines": [1, 2]}, 0)
    project.jobs.finish("a")
    project.jobs.finish("never-recorded")
    [job] = project.jobs.unfinished()
    assert {key: job[key] for key in ("job_id", "kind", "inputs", "priority")} == {
        "job_id": "b", "kind": "translate", "inputs": {"lines": [1, 2]}, "priority": 0}
    assert job["created"].endswith("+00:00")


def test_unfinished_jobs_survive_reopening_in_the_order_they_came(tmp_path, project_at):
    path = tmp_path / "jobs.dubproj"
    project = project_at(path)
    for n in range(3):
        project.jobs.record(f"job-{n}", "synthesize", {"n": n}, n)
    project.close()
    with Project.open(path) as project:
        assert [job["job_id"] for job in project.jobs.unfinished()] == ["job-0", "job-1", "job-2"]


def test_recording_again_keeps_the_creation_time(project):
    project.jobs.record("a", "synthesize", {"try": 1}, 1)
    created = project.jobs.unfinished()[0]["created"]
    project.jobs.record("a", "synthesize", {"try": 2}, 5)
    [job] = project.jobs.unfinished()
    assert (job["created"], job["inputs"], job["priority"]) == (created, {"try": 2}, 5)


def test_jobs_are_not_undone(project):
    project.edit_translation(project.lines()[0].id, "es", "Hola.")
    project.jobs.record("a", "synthesize", {}, 1)
    project.undo()
    assert [job["job_id"] for job in project.jobs.unfinished()] == ["a"]


def test_a_job_callback_on_another_thread_does_not_break_an_operation(project):
    """Job bus callbacks may come from another thread while the GUI edits."""
    first = project.lines()[0].id

    def record_many():
        for n in range(50):
            project.jobs.record(f"job-{n}", "synthesize", {"n": n}, 0)

    with ThreadPoolExecutor(1) as pool:
        recording = pool.submit(record_many)
        for n in range(50):
            project.edit_translation(first, "es", f"text {n}")
        recording.result()  # re-raises what failed in the thread
    assert len(project.jobs.unfinished()) == 50
    assert project.translation(first, "es").text == "text 49"
