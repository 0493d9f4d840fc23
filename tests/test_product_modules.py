"""No module of a product package exists only for the tests: each is imported by product code (or
the benchmarks), run as a command (pyproject's scripts, the Makefile, workspace.yaml), or
discovered by its package (the simulator's host modules). Test fixtures live under tests/."""

from __future__ import annotations

import ast
from pathlib import Path

from ground.settings import REPO_ROOT

PRODUCT = ("ground", "ingestion", "expectations", "orchestration", "reporting", "warehouse", "cli", "simulator")
DISCOVERED = ("simulator.hosts.",)  # simulator/hosts/__init__.py imports every module of the folder
COMMANDS = ("pyproject.toml", "Makefile", "workspace.yaml")


def _module(path: Path) -> str:
    return ".".join(path.relative_to(REPO_ROOT).with_suffix("").parts)


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = _module(path).split(".")[: -node.level]
                base = ".".join([*package, *([base] if base else [])])
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def test_every_product_module_has_a_product_importer() -> None:
    product_files = [f for package in (*PRODUCT, "bench") for f in sorted((REPO_ROOT / package).rglob("*.py"))]
    imported: set[str] = set()
    for path in product_files:
        imported |= _imports(path) - {_module(path)}
    named = "\n".join((REPO_ROOT / name).read_text(encoding="utf-8") for name in COMMANDS)
    named += "\n".join(path.read_text(encoding="utf-8") for path in product_files)  # `python -m ...` in docs
    orphans = [
        name
        for name in map(_module, (f for package in PRODUCT for f in (REPO_ROOT / package).rglob("*.py")))
        if not name.endswith(("__init__", "__main__"))
        and not name.startswith(DISCOVERED)
        and name not in imported
        and f"python -m {name}" not in named
        and name not in named
    ]
    assert orphans == [], f"modules no product code uses (test fixtures belong under tests/): {orphans}"
