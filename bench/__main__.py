"""``make bench``: run each benchmark module's ``main()`` in turn; a module that is not there is skipped.

``python -m bench`` runs them all, ``python -m bench load`` only the ones named.
Benchmarks print figures; they are not tests and assert nothing.
"""

import importlib
import sys
import traceback

MODULES = ["load", "scale_out", "report", "documents", "ratios"]


def main(names: list[str]) -> int:
    failed = []
    # Each benchmark reads its own options (argparse, environment); the names given here are not theirs.
    sys.argv = sys.argv[:1]
    for name in names or MODULES:
        try:
            module = importlib.import_module(f"bench.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"bench.{name}":
                raise
            print(f"== bench.{name}: not present, skipped", flush=True)
            continue
        print(f"== bench.{name}", flush=True)
        try:
            module.main()
        except SystemExit as exit:
            if exit.code not in (0, None):
                failed.append(name)
        except Exception:  # one broken benchmark does not hide the others' figures
            traceback.print_exc()
            failed.append(name)
    if failed:
        print(f"== failed: {', '.join(failed)}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
