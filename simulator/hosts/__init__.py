"""One module per upstream host, each declaring the functions it serves and its endpoints.

Importing a module registers its endpoints (``simulator.wire.endpoint``) and the functions
whose data it serves (``simulator.wire.serves``); :func:`load_all` imports every module of this
package, so adding a host is adding a module.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache


@cache
def load_all() -> None:
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
