"""A simulated upstream: the hosts akshare's functions call, answering in their wire formats.

The simulator is a real HTTP server on 127.0.0.1. A process that should talk to it instead of
the internet installs :func:`simulator.routing.install` (the fetcher does this in its worker
when ``WAREHOUSE_UPSTREAM`` is set): every request made through ``requests`` is then sent to
the simulator with its original host in a header, so akshare's function code runs unchanged and
parses exactly the bytes a real host would send.

What the simulator serves comes from a :class:`~simulator.dataset.Dataset`: frames in the shape
akshare returns, keyed by function and the parameters that select what the upstream serves.
Each host's wire format lives in one module under :mod:`simulator.hosts`; it encodes those frames
the way the real host does (JSON pages, JSONP, klines, xlsx, JS-encoded text...).

HTTP-level faults (status codes, slow, trickling and silent answers, dropped connections) are
injected with :meth:`Simulator.inject`.
"""

from simulator.dataset import Dataset, DatasetError
from simulator.faults import Fault
from simulator.server import Simulator

__all__ = ["Dataset", "DatasetError", "Fault", "Simulator"]
