"""`dubstudio engine`: run a farm's scheduler or a worker, and show what an engine is doing."""

import argparse
import os

from dubstudio.jobs import farm, open_engine, status
from dubstudio.jobs.settings import CRASH_TRIES

SCHEDULER_VARIABLE = "DUBSTUDIO_SCHEDULER"
LOCAL_START_TIMEOUT = 60.0


def _at_least(minimum: int):
    def parse(text: str) -> int:
        value = int(text)
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{value} is less than {minimum}")
        return value

    return parse


def add_engine_arguments(parser: argparse.ArgumentParser) -> None:
    """--scheduler and --shared-storage, for every command that runs jobs."""
    parser.add_argument("--scheduler", metavar="ADDRESS", default=os.environ.get(SCHEDULER_VARIABLE),
                        help=f"run jobs on the farm whose scheduler is at ADDRESS (e.g. tcp://farm:8786; "
                             f"default: ${SCHEDULER_VARIABLE}, else the local engine)")
    parser.add_argument("--shared-storage", action="store_true",
                        help="the farm's workers read the same files as this machine; without it, "
                             "input files are sent with each job")


def engine_from_args(args):
    """The engine the parsed --scheduler/--shared-storage options ask for."""
    return open_engine(args.scheduler, shared_storage=args.shared_storage)


def register(subparsers) -> None:
    parser = subparsers.add_parser("engine", help="run a farm's scheduler or workers; show the engine's status",
                                   description="The engine runs every model in worker processes fed by a Dask "
                                               "scheduler: the local engine by default, or a farm.")
    commands = parser.add_subparsers(title="engine commands", metavar="ENGINE_COMMAND")
    parser.set_defaults(func=lambda args: parser.print_help() or 0)

    scheduler = commands.add_parser(
        "scheduler", help="run a farm's scheduler until stopped",
        description="Run a farm's scheduler until Ctrl-C. Dask has no authentication by default: listen "
                    "on an interface only the farm can reach.")
    scheduler.add_argument("--host", default="127.0.0.1",
                           help="interface to listen on (default 127.0.0.1: this machine only)")
    scheduler.add_argument("--port", type=int, default=farm.DEFAULT_PORT,
                           help=f"port to listen on (default {farm.DEFAULT_PORT}; 0: any free port)")
    scheduler.add_argument("--crash-tries", type=_at_least(1), default=CRASH_TRIES,
                           help=f"attempts before a job whose worker keeps dying fails (default {CRASH_TRIES})")
    scheduler.set_defaults(func=run_scheduler)

    worker = commands.add_parser("worker", help="run an engine worker for a farm until stopped",
                                 description="Run an engine worker (restarted if it dies in a job) that "
                                             "takes jobs from the scheduler at ADDRESS, until Ctrl-C.")
    worker.add_argument("--scheduler", metavar="ADDRESS", required=True,
                        help="the scheduler's address, as 'dubstudio engine scheduler' printed it")
    worker.add_argument("--gpus", type=_at_least(0), default=0, help="GPUs this worker offers to GPU jobs (default 0)")
    worker.add_argument("--threads", type=_at_least(1), default=1, help="jobs run at once (default 1)")
    worker.add_argument("--memory-limit", default="auto",
                        help="memory for this worker, e.g. 16GB (default: the machine's)")
    worker.add_argument("--host", help="interface to listen on (default: the one that reaches the scheduler)")
    worker.add_argument("--name", help="the worker's name in status reports")
    worker.set_defaults(func=run_worker)

    show = commands.add_parser("status", help="workers, loaded models, memory and the job queue",
                               description="Show the workers, the models each holds, memory and the job "
                                           "queue; without --scheduler, of a local engine started for it.")
    add_engine_arguments(show)
    show.set_defaults(func=run_status)


def run_scheduler(args) -> int:
    def ready(scheduler) -> None:
        print(f"DubStudio engine scheduler at {scheduler.address}", flush=True)
        print(f"Start workers with: dubstudio engine worker --scheduler {scheduler.address}", flush=True)

    farm.serve_scheduler(args.host, args.port, args.crash_tries, ready)
    return 0


def run_worker(args) -> int:
    def ready(nanny) -> None:
        gpus = f", {args.gpus} GPU{'s' * (args.gpus != 1)}" if args.gpus else ""
        print(f"DubStudio engine worker {nanny.worker_address} joined {args.scheduler} "
              f"({args.threads} thread{'s' * (args.threads != 1)}{gpus})", flush=True)

    farm.serve_worker(args.scheduler, gpus=args.gpus, threads=args.threads, memory_limit=args.memory_limit,
                      host=args.host, name=args.name, ready=ready)
    return 0


def run_status(args) -> int:
    with engine_from_args(args) as engine:
        if not args.scheduler:
            engine.wait_for_workers(1, timeout=LOCAL_START_TIMEOUT)
        for line in status.lines(engine.status()):
            print(line)
    return 0
