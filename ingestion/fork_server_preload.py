"""What the fetch workers' fork server imports before it forks any worker (never imported elsewhere).

multiprocessing's fork server imports its preload modules once; every worker is then a fork of it.
This module, imported there last:

1. imports akshare, so that workers start with it imported;
2. spares every worker the re-import of its parent's main module. multiprocessing prepares each
   child by running the parent's ``__main__`` again (as ``__mp_main__``) unless the child's own
   ``__main__`` already is that file or module; for pytest, Dagster or the warehouse CLI that
   means importing them anew in every worker (about a second each). The pool passes the parent's
   main (``WAREHOUSE_FETCH_PARENT_MAIN``: ``path:<file>`` or ``name:<module>``) in the fork
   server's environment, and the server's ``__main__`` takes that identity. (multiprocessing's own
   ``"__main__"`` preload would import it once in the server, but CPython 3.11's fork server never
   receives the main path: it asks for a ``main_path`` key the preparation data does not have.)
   Workers run ``ingestion.fetch_worker.serve`` and never need anything of the parent's main;
3. moves everything the server holds into the garbage collector's permanent generation
   (``gc.freeze``), so that a worker's collections do not touch, and so copy, the pages it
   shares with the server.
"""

import gc
import importlib.machinery
import os
import sys

from ingestion.fetch_worker import PARENT_MAIN_VARIABLE

os.environ.setdefault("TQDM_DISABLE", "1")  # before akshare imports tqdm

import threading

import tqdm

# tqdm's default write lock holds a multiprocessing RLock: a named semaphore each worker would
# register with the resource tracker and, killed at a deadline or at shutdown, never unlink
# ("leaked semaphore objects" at exit). Progress bars are off; a thread lock is all they need.
tqdm.tqdm.set_lock(threading.RLock())

import akshare  # noqa: E402, F401

_kind, _, _main = os.environ.pop(PARENT_MAIN_VARIABLE, "").partition(":")
if _kind == "path":
    sys.modules["__main__"].__file__ = _main
elif _kind == "name":
    sys.modules["__main__"].__spec__ = importlib.machinery.ModuleSpec(_main, None)

gc.freeze()
