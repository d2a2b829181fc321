"""`flask worker` whose first recompute stops after taking its lease, until a file goes.

Fault tests kill the work horse there, or take the database away under it. The hold is
put in place here, in the test's own process, so production code carries no hook: the
worker forks its work horses from this process, and they inherit the wrapped function.

    python -m tests.held_worker HOLD_FILE

Writes the work horse's pid to HOLD_FILE.pid when it stops; removing HOLD_FILE lets it
go on (after 60 seconds it goes on anyway, so a broken test cannot hang the suite).
"""

import os
import sys
import time

from flask.cli import main

from coordinator.services.knowledge import compute

HOLD_SECONDS = 60


def hold_first_run(hold: str):
    real = compute.recompute

    def held(*args, **kwargs):
        if not os.path.exists(hold + ".pid"):
            with open(hold + ".pid", "w") as handle:
                handle.write(str(os.getpid()))
            deadline = time.monotonic() + HOLD_SECONDS
            while os.path.exists(hold) and time.monotonic() < deadline:
                time.sleep(0.05)  # waits on another process's file, not on the clock
        return real(*args, **kwargs)

    return held


if __name__ == "__main__":
    compute.recompute = hold_first_run(sys.argv[1])
    sys.argv = ["flask", "worker"]
    main()
