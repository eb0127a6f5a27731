"""`dubstudio doctor`: one line per requirement; non-zero exit when a required one fails."""

from dubstudio import doctor


def register(subparsers) -> None:
    parser = subparsers.add_parser("doctor", help="check that this machine has everything DubStudio needs",
                                   description="Check system programs, Apertium pairs, libVLC, Qt, each "
                                               "embedded model (loaded for real), free disk and the GPU.")
    parser.set_defaults(func=run)


def run(args) -> int:
    failed = 0
    for check in doctor.run_checks():
        print(check.line(), flush=True)
        failed += int(not check.ok and check.required)
    if failed:
        print(f"{failed} required check{'s' if failed > 1 else ''} failed: apply the fixes above, "
              "then run 'dubstudio doctor' again.")
        return 1
    print("Everything DubStudio needs is here.")
    return 0
