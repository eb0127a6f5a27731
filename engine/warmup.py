"""The `warm` job: load backends' models into a worker's cache ahead of the jobs that need them.

inputs: backends (registry names). Result: {name: seconds it took to load, or None if already loaded}.
The GUI warms the voices of a project when it opens it, so the first line the user plays is quick.
"""


def warm(inputs: dict, job) -> dict:
    names = list(inputs["backends"])
    for name in job.items(names, "load models"):
        job.model(name)
    return {name: job.loads.get(name) for name in names}
