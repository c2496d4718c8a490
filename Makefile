# jixiao: `make run` converts the bundled samples, `make test` runs every test.
# Both create .venv and install the project first, so a fresh clone needs
# nothing but Python 3.11+.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
OUT ?= out
# The PP-OCRv4 engine, without its opencv-python (see pyproject.toml: rapidocr)
RAPIDOCR := rapidocr-onnxruntime==1.3.24

.PHONY: setup run test test-fast lint bench bench-all ocr-model clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	$(BIN)/pip install -q --no-deps $(RAPIDOCR)
	touch $(STAMP)

setup: $(STAMP)

# Exit 1 from convert means some files failed; they are listed in the summary
# and in $(OUT)/sources.parquet, so the run itself still succeeded.
run: setup
	$(BIN)/jixiao convert samples --out $(OUT) || [ $$? -eq 1 ]

lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy

# On every core (pytest-xdist): each test is its own, fixtures are per worker.
test: setup lint
	$(BIN)/python -m pytest -n auto

# The inner loop: everything but OCR, LibreOffice and whole-batch runs.
test-fast: setup lint
	$(BIN)/python -m pytest -n auto -m "not slow" -x

# The speed figures in one run (benchmarks/bench_speed.py; BENCH_ARGS, e.g.
# "../shared/corpus --baseline main~5", names other PDFs or a revision to compare).
# Then scans with both OCR engines, one run each (about 3 minutes).
bench: setup
	$(BIN)/python benchmarks/bench_speed.py $(BENCH_ARGS)
	$(BIN)/python benchmarks/bench_ocr.py --rounds 1

# Every benchmark: the speed figures, text, PDF memory, batch memory, OCR (3 runs each
# engine), scan variants, legacy formats, hostile inputs.
bench-all: setup
	$(BIN)/python benchmarks/bench_speed.py $(BENCH_ARGS)
	$(BIN)/python benchmarks/bench_text.py
	$(BIN)/python benchmarks/bench_pdf.py
	$(BIN)/python benchmarks/bench_batch.py
	$(BIN)/python benchmarks/bench_ocr.py
	$(BIN)/python benchmarks/bench_scan_variants.py
	$(BIN)/python benchmarks/bench_legacy.py
	$(BIN)/python benchmarks/bench_hostile.py

# Rebuild extract/models/ppocr_v4_rec_{fused,int8}.onnx from the rapidocr wheel's
# recogniser (tools/build_rec_model.py; onnx, a dev dependency, is needed by
# this step and its test only).
ocr-model: setup
	$(BIN)/python tools/build_rec_model.py

clean:
	rm -rf $(VENV) $(OUT) *.egg-info .pytest_cache .ruff_cache
