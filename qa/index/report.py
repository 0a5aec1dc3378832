"""What a build says it did, per file and as a whole: the CLI prints it, the job journal keeps it per file."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class DocReport:
    source: str
    status: str  # new | changed | reindexed (same file, read again by a newer format) | unchanged | skipped | removed
    reason: str = ""
    title: str = ""
    province: str | None = None
    kind: str | None = None
    sections: int = 0
    tables: int = 0
    chunks: int = 0
    figures: int = 0
    warnings: list[str] = field(default_factory=list)  # the reader's, e.g. pages OCR could not read


@dataclass(slots=True)
class BuildReport:
    generation: str | None
    documents: list[DocReport] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    changed: bool = False
