"""The CJK font: Noto Sans CJK SC from the ``mplfonts`` wheel, found by path (no system font, no download).

Charts load the whole file into matplotlib. The HTML embeds a subset holding only the characters
the page uses (about 100 KB as WOFF), so it reads the same on a machine without any Chinese
font. Subsetting the 16 MB font takes about a second and a half, so subsets are cached on disk
by character set (``<warehouse home>/cache/fonts``) and in memory.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
from functools import lru_cache
from pathlib import Path

FONT_FILE = "NotoSansCJKsc-Regular.otf"
FONT_FAMILY = "Noto Sans CJK SC"


class FontMissingError(RuntimeError):
    pass


def cjk_font_path() -> Path:
    """The Noto Sans CJK SC file inside the installed ``mplfonts`` package (the package is not imported)."""
    spec = importlib.util.find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        raise FontMissingError("the package mplfonts is not installed; it ships the CJK font the report needs")
    path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / FONT_FILE
    if not path.exists():
        raise FontMissingError(f"{path} is missing from the mplfonts package")
    return path


def _subset(chars: str) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.notdef_outline = True
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6]
    font = TTFont(str(cjk_font_path()), lazy=True)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted({ord(c) for c in chars}))
    subsetter.subset(font)
    font.flavor = "woff"
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


@lru_cache(maxsize=16)
def _memory_subset(chars: str) -> bytes:
    return _subset(chars)


def _cached_subset(chars: str, cache_dir: Path | None) -> bytes:
    digest = hashlib.sha256(chars.encode()).hexdigest()[:20]
    path = cache_dir / f"noto-sans-sc-{digest}.woff" if cache_dir else None
    if path is not None and path.exists():
        return path.read_bytes()
    data = _memory_subset(chars)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(data)
            tmp.replace(path)
        except OSError:
            pass  # a read-only home still renders, only slower
    return data


def font_subset(text: str, cache_dir: Path | None = None) -> bytes:
    """A WOFF font with the characters of ``text`` (plus printable ASCII, for consistent digits)."""
    chars = "".join(sorted(set(text) | {chr(c) for c in range(0x20, 0x7F)}))
    return _cached_subset(chars, cache_dir)
