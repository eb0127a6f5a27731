"""The pipeline's engine jobs: pure functions of their inputs, run by the task wrapper."""


class CancelFlag:
    """A job's cancellation as the media layer's Cancel (an object with is_set())."""

    def __init__(self, job):
        self.job = job

    def is_set(self) -> bool:
        return self.job.cancelled


def relay(job):
    """A (step, done, total, message) progress callback for adapters, forwarding to the job."""
    def progress(step: str, done: int, total: int, message: str = "") -> None:
        job.progress(step, done, total, message)
    return progress
