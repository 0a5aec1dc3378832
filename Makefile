# Two commands on a fresh machine: `make run` and `make test`.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install run ask test test-fast lint index bench bench-scale bench-ingest bench-shared clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# torch first and pinned: the CPU wheel; anything unpinned would pull CUDA packages.
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

index: $(STAMP)
	$(BIN)/qa ingest

# API on 127.0.0.1:8000 and the web interface on 127.0.0.1:8501 until Ctrl-C (qa/run_services.py).
# A bad file is skipped by the ingest (exit 0); should the ingest fail anyway, the services still start
# on the index there is (or none: the API then says how to add documents).
run: $(STAMP)
	$(BIN)/qa ingest || echo "Lập chỉ mục chưa hoàn tất; dịch vụ vẫn khởi động với chỉ mục hiện có."
	$(BIN)/python -m qa.run_services --api-port 8000 --ui-port 8501

# One example question on the command line, without starting the servers.
ask: index
	$(BIN)/qa ask "Năm 2024 Bắc Giang đặt chỉ tiêu bao nhiêu bác sĩ trên 10.000 dân?"

BENCH_STAMP := $(VENV)/.bench-installed

$(BENCH_STAMP): pyproject.toml $(STAMP)
	$(BIN)/pip install -q -e '.[test,bench]'
	touch $(BENCH_STAMP)

# Quality side by side, speed, 1x/10x scale, figure extraction: ~4-5 min on an idle 2-core machine,
# longer when other jobs share the cores (bench/RESULTS.md).
# Uses its own index (bench/out/index), never index/.
bench: $(BENCH_STAMP)
	$(BIN)/python bench/quality.py
	$(BIN)/python bench/speed.py --runs 3
	$(BIN)/python bench/scale.py --sizes 1,10 --runs 3
	$(BIN)/python bench/figure_quality.py | tee bench/out/figure_quality.txt

# Ingest embedding throughput, before/after interleaved in one run, and the int8 peak: ~10 min at load 7.
bench-ingest: $(BENCH_STAMP)
	$(BIN)/python bench/embedding_speed.py --runs 3
	$(BIN)/python bench/smoothing.py --runs 3

# 1x/10x/100x corpus and FAISS/bm25s at 1,000,000 chunks: ~9 min on 2 cores, several GB of RAM.
bench-scale: $(BENCH_STAMP)
	$(BIN)/python bench/scale.py --sizes 1,10,100 --million --runs 3 --out scale-large.json

# Milvus (QA_VECTOR_URL) next to the embedded index: filling it, /ask with 1 and 2 replicas; ~10 min.
bench-shared: $(BENCH_STAMP)
	$(BIN)/python bench/shared_retrieval.py --results bench/RESULTS.md

LINTED := $(wildcard qa tests ui bench)

# Everything: lint, format, types, then every test (real model, real index, real servers) with coverage.
# Two workers (pytest-xdist), each taking whole test files (a file's fixtures stay in one process): much of the
# suite waits on servers, browsers and child processes, so the two cores overlap it. 6 min 45 s on this 2-core
# machine against about 12 min in one process (bench/RESULTS.md, "Test suite time").
TEST_WORKERS ?= 2
test: lint
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile -q -ra --durations=20 --cov=qa --cov=ui --cov-report=term:skip-covered --cov-report=xml:test-output/coverage.xml

# The fast tier: no embedding model, no index, no server, no OCR or LibreOffice conversion; under a minute.
test-fast: lint
	$(BIN)/python -m pytest -q -ra -m "not slow and not browser and not ocr and not office"

lint: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/mypy

clean:
	rm -rf index test-output
