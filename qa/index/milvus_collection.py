"""The Milvus collection that holds an index generation's chunks for a shared deployment (QA_VECTOR_URL).

One row per chunk: its id (the chunk id the store and the embedded index use), the dense vector, the chunk's
lexical tokens as codes (``qa.index.token_codes``) with Milvus's BM25 Function computing a sparse vector from
them, and the document's id, folded province and years as scalar fields for filters. A second, small collection
holds the sync state: per document the digest of the rows it holds, and the generation last published.

``QA_VECTOR_URL`` is ``http://host:19530`` (Milvus standalone or distributed, or a ``milvus-lite server``) or a
local path ending in ``.db`` (Milvus Lite inside this process: one process at a time may open it).
pymilvus is imported here only: the embedded default never loads it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pymilvus import MilvusClient

ID_FIELD = "id"
DOC_FIELD = "doc_id"
PROVINCE_FIELD = "province"
YEARS_FIELD = "years"
TOKENS_FIELD = "tokens"
DENSE_FIELD = "dense"
SPARSE_FIELD = "sparse"
STATE_SUFFIX = "_state"
GENERATION_KEY = "generation"
DOC_KEY_PREFIX = "doc:"

# Field sizes: doc_id is a file name (255 bytes on most file systems, UTF-8 up to 4 bytes a character);
# a document's years are a handful (the shipped corpus: at most 4); the tokens of one 1,000-character chunk
# take ~12 KB of codes, 65,535 is Milvus's VARCHAR limit.
DOC_ID_MAX = 1024
PROVINCE_MAX = 256
YEARS_MAX = 256
TOKENS_MAX = 65_535
STATE_VALUE_MAX = 1024
# BM25 as bm25s computes it for the embedded index (qa.index.lexical.LexicalIndex.build's defaults): the same
# k1 and b give the same scores (both use Lucene's idf).
BM25_K1 = 1.2
BM25_B = 0.75
# Milvus requires a vector field in every collection; the state collection's is never searched.
STATE_VECTOR_DIM = 2


class VectorStoreError(RuntimeError):
    """The vector database cannot be used as configured (the message is Vietnamese, for the user)."""


@dataclass(frozen=True, slots=True)
class GenerationStamp:
    """Which generation's rows the collection holds (all of them, possibly with a newer one's)."""

    generation: int
    created: str  # ISO time of the generation's build (meta ``created``), comparable as text

    def covers(self, other: GenerationStamp) -> bool:
        """True when every row of ``other`` is in a collection stamped with ``self``."""
        return self == other or self.created >= other.created


def is_local(url: str) -> bool:
    return not url.startswith(("http://", "https://", "tcp://", "unix:"))


def connect(url: str) -> MilvusClient:
    """A client of the vector database at ``url``, or VectorStoreError with the reason."""
    from pymilvus import MilvusClient

    if is_local(url) and not url.endswith(".db"):
        raise VectorStoreError(
            f"QA_VECTOR_URL={url!r}: cần http://máy:19530 (Milvus) hoặc một đường dẫn tệp kết thúc bằng .db "
            "(Milvus Lite)"
        )
    try:
        return MilvusClient(uri=url)
    except Exception as exc:  # pymilvus raises its own and gRPC errors alike
        hint = (
            " (Milvus Lite chỉ cho một tiến trình mở một thư mục dữ liệu: với nhiều tiến trình, chạy "
            "`milvus-lite server --data-dir ĐƯỜNG_DẪN` và đặt QA_VECTOR_URL=http://127.0.0.1:19530)"
            if is_local(url)
            else ""
        )
        raise VectorStoreError(f"không kết nối được cơ sở dữ liệu vector {url}: {exc}{hint}") from exc


def state_collection(collection: str) -> str:
    return collection + STATE_SUFFIX


def ensure_collections(client: MilvusClient, collection: str, dim: int) -> None:
    """Create the chunk and state collections if missing; refuse a chunk collection of another dimension."""
    if client.has_collection(collection):
        existing = _vector_dim(client.describe_collection(collection))
        if existing is not None and existing != dim:
            raise VectorStoreError(
                f"bộ sưu tập {collection} chứa vector {existing} chiều, chỉ mục hiện tại {dim} chiều: "
                "xoá bộ sưu tập đó hoặc đặt tên khác (QA_VECTOR_COLLECTION) rồi chạy lại `qa migrate`"
            )
    else:
        _create_chunks(client, collection, dim)
    if not client.has_collection(state_collection(collection)):
        _create_state(client, state_collection(collection))
    load(client, collection)


def load(client: MilvusClient, collection: str) -> None:
    """Load both collections for search and query (a restarted Milvus Lite holds them released)."""
    client.load_collection(collection)
    client.load_collection(state_collection(collection))


def _vector_dim(description: dict[str, Any]) -> int | None:
    for field in description.get("fields", []):
        if field.get("name") == DENSE_FIELD:
            dim = field.get("params", {}).get("dim")
            return int(dim) if dim is not None else None
    return None


def _create_chunks(client: MilvusClient, collection: str, dim: int) -> None:
    from pymilvus import DataType, Function, FunctionType

    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field(ID_FIELD, DataType.INT64, is_primary=True)
    schema.add_field(DOC_FIELD, DataType.VARCHAR, max_length=DOC_ID_MAX)
    schema.add_field(PROVINCE_FIELD, DataType.VARCHAR, max_length=PROVINCE_MAX)
    schema.add_field(YEARS_FIELD, DataType.ARRAY, element_type=DataType.INT64, max_capacity=YEARS_MAX)
    # The codes are lowercase alphanumeric words: the standard tokenizer keeps each one whole.
    schema.add_field(
        TOKENS_FIELD,
        DataType.VARCHAR,
        max_length=TOKENS_MAX,
        enable_analyzer=True,
        analyzer_params={"tokenizer": "standard"},
    )
    schema.add_field(DENSE_FIELD, DataType.FLOAT_VECTOR, dim=dim)
    schema.add_field(SPARSE_FIELD, DataType.SPARSE_FLOAT_VECTOR)
    schema.add_function(
        Function(
            name="bm25",
            function_type=FunctionType.BM25,
            input_field_names=[TOKENS_FIELD],
            output_field_names=[SPARSE_FIELD],
        )
    )
    index = client.prepare_index_params()
    # Exact inner product over normalised vectors, as the embedded FAISS flat index (qa.index.dense: exact
    # search up to FLAT_MAX = 250,000 vectors, HNSW beyond). A deployment past that switches this to HNSW here.
    index.add_index(DENSE_FIELD, index_type="FLAT", metric_type="IP")
    bm25 = {"bm25_k1": BM25_K1, "bm25_b": BM25_B}
    # Twice: pymilvus 3 sends each parameter as its own key, which Milvus reads and Milvus Lite 3 ignores (it
    # then scores with k1 = 1.5); the nested "params" (JSON, how pymilvus 2 sent them) both read.
    index.add_index(
        SPARSE_FIELD, index_type="SPARSE_INVERTED_INDEX", metric_type="BM25", params={**bm25, "params": bm25}
    )
    index.add_index(DOC_FIELD, index_type="INVERTED")
    index.add_index(PROVINCE_FIELD, index_type="INVERTED")
    # Strong: a search sees every write acknowledged before it, so a replica that switched to a new
    # generation finds the rows written before the switch.
    client.create_collection(collection, schema=schema, index_params=index, consistency_level="Strong")


def _create_state(client: MilvusClient, name: str) -> None:
    from pymilvus import DataType

    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("key", DataType.VARCHAR, is_primary=True, max_length=DOC_ID_MAX + len(DOC_KEY_PREFIX))
    schema.add_field("value", DataType.VARCHAR, max_length=STATE_VALUE_MAX)
    schema.add_field("unused", DataType.FLOAT_VECTOR, dim=STATE_VECTOR_DIM)
    index = client.prepare_index_params()
    index.add_index("unused", index_type="FLAT", metric_type="L2")
    client.create_collection(name, schema=schema, index_params=index, consistency_level="Strong")


def state_row(key: str, value: str) -> dict[str, Any]:
    return {"key": key, "value": value, "unused": [0.0] * STATE_VECTOR_DIM}


def read_stamp(client: MilvusClient, collection: str) -> GenerationStamp | None:
    name = state_collection(collection)
    if not client.has_collection(name):
        return None
    client.load_collection(name)
    rows = client.query(name, filter=f'key == "{GENERATION_KEY}"', output_fields=["value"])
    if not rows:
        return None
    data = json.loads(rows[0]["value"])
    return GenerationStamp(int(data["generation"]), str(data["created"]))


def write_stamp(client: MilvusClient, collection: str, stamp: GenerationStamp) -> None:
    value = json.dumps({"generation": stamp.generation, "created": stamp.created})
    client.upsert(state_collection(collection), [state_row(GENERATION_KEY, value)])


def quoted(values: list[str]) -> str:
    """A Milvus list literal of strings (JSON's escaping is the expression language's)."""
    return json.dumps(values, ensure_ascii=False)
