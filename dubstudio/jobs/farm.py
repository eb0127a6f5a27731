"""A farm's parts as long-running services: the scheduler, and workers on any machine that joins it.

Each runs until SIGINT or SIGTERM and then closes cleanly, so a worker's model process never
outlives its command. A worker runs under a Dask nanny that restarts it when it dies in a job.
Dask speaks no authentication by default: bind to an interface only the farm can reach.
"""

import asyncio
import signal
from collections.abc import Callable
from urllib.parse import urlsplit

import dask
from distributed import Nanny, Scheduler

from dubstudio.jobs.errors import EngineUnreachableError
from dubstudio.jobs.settings import CRASH_TRIES, WORKER_CONFIG, http_off, scheduler_config

DEFAULT_PORT = 8786
CONNECT_TIMEOUT = 60.0  # seconds a worker waits for its scheduler before it gives up


async def _serve(server, ready: Callable[[object], None]) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(number, stop.set)
    async with server:
        ready(server)
        stopping = asyncio.ensure_future(stop.wait())
        finished = asyncio.ensure_future(server.finished())
        await asyncio.wait([stopping, finished], return_when=asyncio.FIRST_COMPLETED)
        for waiter in (stopping, finished):
            waiter.cancel()


def serve_scheduler(host: str = "127.0.0.1", port: int = DEFAULT_PORT, crash_tries: int = CRASH_TRIES,
                    ready: Callable[[Scheduler], None] = lambda scheduler: None) -> None:
    """Run a scheduler on host:port (0: a free port) until stopped; ready(scheduler) once it listens."""

    async def main():
        with dask.config.set(scheduler_config(crash_tries)):
            scheduler = Scheduler(host=host, port=port, **http_off(host))
        await _serve(scheduler, ready)

    asyncio.run(main())


def worker_host(scheduler: str) -> str | None:
    """Listen on loopback for a scheduler on this machine; else where Dask finds the route to it."""
    host = urlsplit(scheduler if "://" in scheduler else f"tcp://{scheduler}").hostname
    return "127.0.0.1" if host in ("127.0.0.1", "localhost", "::1") else None


def serve_worker(scheduler: str, gpus: int = 0, threads: int = 1, memory_limit: str | int = "auto",
                 host: str | None = None, name: str | None = None,
                 ready: Callable[[Nanny], None] = lambda nanny: None) -> None:
    """Run a worker (under its nanny) for the scheduler at `scheduler` until stopped.

    gpus declares the worker's GPUs as the Dask resource "GPU": jobs submitted with
    resources={"GPU": 1} run only on workers that have one free.
    """

    async def main():
        with dask.config.set(WORKER_CONFIG):  # the nanny reads it here, for every worker it starts
            nanny = Nanny(scheduler, nthreads=threads, memory_limit=memory_limit, name=name,
                          host=host or worker_host(scheduler), resources={"GPU": gpus} if gpus else None,
                          death_timeout=CONNECT_TIMEOUT, dashboard=False)
        try:
            await _serve(nanny, ready)
        except TimeoutError as error:
            raise EngineUnreachableError(
                f"no engine scheduler answered at {scheduler} within {CONNECT_TIMEOUT:.0f} s: start one with "
                f"'dubstudio engine scheduler', or check the address.") from error

    asyncio.run(main())
