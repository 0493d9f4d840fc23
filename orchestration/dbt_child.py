"""``warehouse-dbt``: the dbt command line, bound to the process that started it.

dagster-dbt runs dbt as a child process. If only the build process dies (SIGKILL, OOM killer),
a plain dbt child would keep writing the working database with no live run owning its writer
lease (the next run takes a dead process's lease over).
This launcher asks Linux to send it SIGKILL when its parent dies (``prctl(PR_SET_PDEATHSIG)``,
which survives ``exec``) and then replaces itself with dbt, so dbt never outlives the build or
the Dagster run worker that started it. Elsewhere it simply runs dbt.

It also points dbt's profile at the working database of the warehouse home it runs for
(``WAREHOUSE_DUCKDB``, read by ``dbt_project/profiles.yml``), so the build step hands dbt nothing
through its own environment.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from pathlib import Path

from ground.settings import paths

PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Have the kernel SIGKILL this process when its parent exits (Linux); exit if it already has."""
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        return  # not available (e.g. a seccomp profile): dbt runs unbound, as before
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def dbt_command() -> Path:
    return Path(sys.executable).parent / "dbt"


def main() -> None:
    die_with_parent()
    dbt = dbt_command()
    env = {**os.environ, "WAREHOUSE_DUCKDB": str(paths().working_db)}
    os.execve(dbt, [str(dbt), *sys.argv[1:]], env)


if __name__ == "__main__":
    main()
