"""Stand-ins for akshare functions in the fetch worker tests, importable so a worker process can run
them (``Fetcher(module="tests.fetch_fakes")``).

They make real HTTP requests, through ``requests`` as akshare does, to the URLs a test passes
(the simulated upstream or a local server); what they return has one column, ``pid``: the
process that ran the call.
"""

from __future__ import annotations

import os
import socket
import threading
import time

import pandas as pd
import requests


def ran_here() -> pd.DataFrame:
    return pd.DataFrame({"pid": [os.getpid()]})


def get(url: str, timeout: float | None = None) -> pd.DataFrame:
    """One GET, like akshare's ``requests.get(url)`` (no timeout) or ``requests.get(url, timeout=15)``."""
    requests.get(url, timeout=timeout).raise_for_status()
    return ran_here()


def get_each(urls: list[str]) -> pd.DataFrame:
    """One GET per URL, in order (a function whose data comes from several hosts)."""
    for url in urls:
        requests.get(url).raise_for_status()
    return ran_here()


def raw_hang(port: int) -> pd.DataFrame:
    """A blocking socket read that no ``requests`` timeout governs (as with curl_cffi or urllib)."""
    with socket.create_connection(("127.0.0.1", port)) as conn:
        conn.settimeout(None)
        conn.sendall(b"GET / HTTP/1.0\r\n\r\n")
        conn.recv(1)
    return ran_here()


def compute(seconds: float) -> pd.DataFrame:
    """Busy for ``seconds`` without any request (parsing a huge answer, a paging loop's sleeps)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        time.sleep(0.01)
    return ran_here()


def leave_thread(seconds: float) -> pd.DataFrame:
    """Return at once, leaving a thread behind that runs on for ``seconds`` (as an executor might)."""
    threading.Thread(target=time.sleep, args=(seconds,), name="left-behind").start()
    return ran_here()


def get_from_a_thread(url: str) -> pd.DataFrame:
    """One GET made by a thread the function starts and joins."""
    errors: list[Exception] = []

    def run() -> None:
        try:
            requests.get(url).raise_for_status()
        except Exception as exc:
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return ran_here()
