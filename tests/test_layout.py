"""The tree shows the pipeline: a stage imports only from stages below it (docs/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "qa"

# Lower number = lower stage. Modules at the top of the package are the base (settings, domain records,
# file helpers) unless listed as shells of the whole pipeline.
STAGE_RANK = {
    "vn": 0,
    "models": 0,
    "settings": 0,
    "fsutil": 0,
    "failpoints": 0,
    "postgres": 0,  # the shared database's schema and pool: a base every store that can live there uses
    "ingest": 1,
    "extract": 2,
    "index": 3,
    "jobs": 3,  # the journal and reconciliation of the corpus and the index (beside the index it keeps)
    "embeddings": 4,
    "retrieval": 5,
    "answer": 6,
    "api": 7,
    "cli": 8,
    "evaluation": 8,
    "run_services": 8,
    "milvus_lite_serve": 8,  # the Milvus Lite server process run_services starts (a shell of its own)
}


def _stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every qa.* module imported by the file, at any depth (lazy imports count too)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "qa":
                found += [(node.lineno, f"qa.{alias.name}") for alias in node.names]
            elif node.module.startswith("qa."):
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("qa.")]
    return found


MODULES = sorted(p for p in PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_imports_point_down(path: Path) -> None:
    module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    stage = _stage(module)
    if stage in ("__init__", ""):
        return
    assert stage in STAGE_RANK, f"{module}: stage {stage!r} has no place in the pipeline order"
    upward = [
        f"line {line}: {target}"
        for line, target in _imports(path)
        if STAGE_RANK.get(_stage(target), 99) > STAGE_RANK[stage]
    ]
    assert not upward, f"{module} (stage {stage}) imports from a higher stage: {upward}"


def test_every_stage_folder_is_ranked() -> None:
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert folders <= set(STAGE_RANK), folders - set(STAGE_RANK)


def test_the_check_sees_lazy_and_package_imports(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text(
        "from qa import settings\n\ndef f():\n    from qa.api.app import create_app\n    import qa.vn.text\n"
    )
    assert [t for _, t in _imports(source)] == ["qa.settings", "qa.api.app", "qa.vn.text"]
