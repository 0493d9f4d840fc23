"""A throwaway PostgreSQL server in a folder of its own, for tests, benchmarks and trying things.

``initdb`` a fresh cluster into a temporary folder and ``pg_ctl start`` it on 127.0.0.1 at a free
port, with trust authentication for local TCP connections (nothing outside the machine can
reach it). PostgreSQL refuses to run as root: when this process is root, the server runs as the
``postgres`` system user (``runuser -u postgres --``) and its folder is handed to that user.
``stop()`` stops the server and removes the folder.

    with LocalPostgres.start() as server:
        print(server.dsn())          # postgresql://postgres@127.0.0.1:PORT/postgres

The binaries come from ``$PG_BIN`` or Debian's ``/usr/lib/postgresql/<major>/bin`` (newest
first) or ``PATH``. ``.ci/run`` installs Debian's ``postgresql`` package when they are missing.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "postgres"


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries on this machine (install Debian's ``postgresql``)."""


def find_bin_dir() -> Path:
    """The folder holding ``initdb`` and ``pg_ctl``."""
    candidates = []
    if os.environ.get("PG_BIN"):
        candidates.append(Path(os.environ["PG_BIN"]))
    debian = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    candidates += debian
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).parent)
    for folder in candidates:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    raise PostgresUnavailable(
        "no PostgreSQL server binaries (initdb, pg_ctl) found in $PG_BIN, /usr/lib/postgresql/*/bin or PATH; "
        "install them with `apt-get install postgresql` (what .ci/run does)"
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_server_user(command: list[str]) -> list[str]:
    """PostgreSQL will not run as root: run its programs as the ``postgres`` system user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


@dataclass
class LocalPostgres:
    """A running throwaway server (see module docstring)."""

    folder: Path
    bin_dir: Path
    port: int
    host: str = "127.0.0.1"

    @property
    def data_dir(self) -> Path:
        return self.folder / "data"

    @property
    def log_file(self) -> Path:
        return self.folder / "server.log"

    def dsn(self, database: str = "postgres", user: str = SUPERUSER) -> str:
        return f"postgresql://{user}@{self.host}:{self.port}/{database}"

    @classmethod
    def start(cls, parent: Path | None = None, *, fsync: bool = False) -> LocalPostgres:
        """initdb and start a new server; ``fsync=False`` (the default) trades crash safety for speed."""
        bin_dir = find_bin_dir()
        # a folder of its own directly under the temp dir: a root-owned pytest tmp_path has 0700
        # parents, which the postgres user cannot traverse
        folder = Path(tempfile.mkdtemp(prefix="warehouse-pg-", dir=parent))
        if os.geteuid() == 0:
            shutil.chown(folder, user="postgres", group="postgres")
        folder.chmod(0o700)
        server = cls(folder=folder, bin_dir=bin_dir, port=free_port())
        try:
            server._initdb()
            server._start(fsync=fsync)
        except BaseException:
            server.stop()
            raise
        return server

    def _run(self, *args: str, timeout: float = 120) -> None:
        done = subprocess.run(
            _as_server_user([str(self.bin_dir / args[0]), *args[1:]]),
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=self.folder,
        )
        if done.returncode != 0:
            log = self.log_file.read_text(errors="replace")[-2000:] if self.log_file.exists() else ""
            raise RuntimeError(f"{args[0]} failed ({done.returncode}): {done.stderr.strip()}\n{log}")

    def _initdb(self) -> None:
        self._run(
            "initdb",
            "-D",
            str(self.data_dir),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )

    def _start(self, *, fsync: bool) -> None:
        options = [
            f"-h {self.host}",
            f"-p {self.port}",
            f"-k {self.folder}",  # the Unix socket stays in the server's own folder
            "-c max_connections=100",
            "-c shared_buffers=64MB",
            "-c deadlock_timeout=200ms",
        ]
        if not fsync:
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        for _ in range(3):  # the free port can be taken between choosing and binding it
            try:
                self._run("pg_ctl", "-D", str(self.data_dir), "-l", str(self.log_file), "-w", "-t", "60",
                          "-o", " ".join(options), "start")  # fmt: skip
                return
            except RuntimeError:
                if "could not bind" not in (
                    self.log_file.read_text(errors="replace") if self.log_file.exists() else ""
                ):
                    raise
                self.port = free_port()
                options[1] = f"-p {self.port}"
        raise RuntimeError(f"PostgreSQL could not bind a port on {self.host}")

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove its folder."""
        if (self.data_dir / "postmaster.pid").exists():
            try:
                self._run("pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "-t", "60", "stop")
            except (RuntimeError, subprocess.TimeoutExpired):
                self._run("pg_ctl", "-D", str(self.data_dir), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex((self.host, self.port)) == 0:
                    return
            time.sleep(0.1)
        raise TimeoutError(f"PostgreSQL on {self.host}:{self.port} did not accept connections in {timeout:.0f} s")

    def __enter__(self) -> LocalPostgres:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
