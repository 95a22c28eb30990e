"""The architecture's arrows, checked on the source: apps use engines, never the reverse.

- the pure core (`cadence.time`, `cadence.solve`) imports nothing else of Cadence and no
  database or web framework;
- engines and the foundation never import an app (`events`, `venues`) or the web UI;
- no app imports another app.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "cadence"
APPS = {"events", "venues", "leagues"}
UI = {"web"}
PURE = {"time", "solve"}
FRAMEWORKS = ("sqlalchemy", "fastapi", "starlette", "cadence.db", "cadence.http")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _module_of(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


SOURCES = sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_follow_the_layers(path: Path) -> None:
    here = _module_of(path)
    cadence_modules = {name.split(".")[1] for name in _imports(path) if name.startswith("cadence.")}
    if here in PURE:
        assert cadence_modules <= {here}, f"{path}: the pure core imports {cadence_modules}"
        bad = [n for n in _imports(path) if n.startswith(FRAMEWORKS)]
        assert not bad, f"{path}: the pure core imports {bad}"
    elif here in APPS:
        others = cadence_modules & (APPS - {here})
        assert not others, f"{path}: app {here} imports app(s) {others}"
    elif here not in UI | {"app", "cli", "demo", "models"}:
        leaked = cadence_modules & (APPS | UI)
        assert not leaked, f"{path}: engine/foundation module {here} imports {leaked}"
