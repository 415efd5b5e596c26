# The two commands of iatk: `make demo` and `make test`.  Both install any
# missing Debian packages first (see scripts/install-deps.sh).
BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_TIME  ?= 600
FUZZ_TARGETS := fuzz_schema fuzz_pattern fuzz_validate fuzz_context fuzz_registry \
                fuzz_sigv4 fuzz_aws_config fuzz_aws_answers fuzz_serve
PYTHON     ?= /usr/bin/python3
JOBS       ?= $(shell nproc)
# The python with moto (server extras) and boto3, for make test-moto: not a
# Debian package, so not make test's PYTHON.
# MOTO_PYTHON: set it, or scripts/find-moto-python.sh finds one.
MOTO_TIMEOUT ?= 900
CMAKE_ARGS := -DPython3_EXECUTABLE=$(PYTHON)

.PHONY: all deps build build-asan build-fuzz test test-fast test-asan test-fuzz test-moto fuzz demo bench bench-peers install clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_ARGS) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

build-asan: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DIATK_SANITIZE=ON $(CMAKE_ARGS) >/dev/null
	cmake --build $(ASAN_BUILD) -j $(JOBS)

# libFuzzer targets (fuzz/): clang, ASan+UBSan, no other tests.
build-fuzz: deps
	CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIATK_FUZZ=ON \
	  -DIATK_BUILD_TESTS=OFF $(CMAKE_ARGS) >/dev/null
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzz_targets

# The whole suite, then once more under ASan+UBSan, then a short run of
# each fuzz target over its seed corpus.
test: test-fast test-asan test-fuzz

test-fast: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

test-asan: build-asan
	ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS)

test-fuzz: build-fuzz
	ctest --test-dir $(FUZZ_BUILD) --output-on-failure -j $(JOBS)

# The sinks against moto (tests/moto/): a moto server per test on 127.0.0.1
# with its IAM checks on.  Needs moto[server] and boto3 in MOTO_PYTHON; says
# which are missing and fails otherwise (never skips).  CI runs it after
# make test (.ci/run); logs stay in $(BUILD)/moto-logs.
test-moto: build
	@py=$${MOTO_PYTHON:-$$(scripts/find-moto-python.sh)} && \
	  echo "test-moto: $$py" && $$py tests/moto/run.py --check-only && \
	  timeout -k 10 $(MOTO_TIMEOUT) $$py tests/moto/run.py \
	    --iatk $(BUILD)/iatk --log-dir $(BUILD)/moto-logs

# Each target for FUZZ_TIME seconds, one after the other.  The corpus grows
# in $(FUZZ_BUILD)/corpus/<target>, crashes land in $(FUZZ_BUILD)/crashes/.
fuzz: build-fuzz
	@for t in $(FUZZ_TARGETS); do \
	  FUZZ_TIME=$(FUZZ_TIME) fuzz/run.sh long $(FUZZ_BUILD)/fuzz/$$t $(FUZZ_BUILD); \
	done
	@fuzz/run.sh summary $(FUZZ_BUILD)

demo: build
	IATK=$(CURDIR)/$(BUILD)/iatk IATK_LIBRARY=$(CURDIR)/$(BUILD)/libiatk.so PYTHON=$(PYTHON) \
	  IATK_RUNTIME_DIR=$(CURDIR)/runtime bash examples/04-event_generation/run.sh

# Validity rate per dialect and mode, the Python binding against a JSON-RPC
# round trip, then iatk against its peers (openapi-sampler, json-schema-faker)
# with the issue's targets (docs/bench.md).  Figures are printed, not asserted.
bench: build bench-peers
	IATK=$(CURDIR)/$(BUILD)/iatk $(PYTHON) bench/validity_rate.py
	IATK_LIBRARY=$(CURDIR)/$(BUILD)/libiatk.so PYTHONPATH=$(CURDIR)/bindings/python \
	  $(PYTHON) bench/bench_python.py --iatk $(BUILD)/iatk
	IATK_LIBRARY=$(CURDIR)/$(BUILD)/libiatk.so PYTHONPATH=$(CURDIR)/bindings/python \
	  $(PYTHON) bench/compare.py --build $(BUILD)

# The peers, at the versions pinned in bench/peers/package-lock.json, in
# $(BUILD)/bench-peers; installed again only when the lock file changes.
BENCH_PEERS := $(BUILD)/bench-peers
bench-peers: deps $(BENCH_PEERS)/.installed

$(BENCH_PEERS)/.installed: bench/peers/package.json bench/peers/package-lock.json
	mkdir -p $(BENCH_PEERS)
	cp bench/peers/package.json bench/peers/package-lock.json $(BENCH_PEERS)/
	npm ci --prefix $(BENCH_PEERS) --ignore-scripts --no-audit --no-fund
	touch $@

install: build
	cmake --install $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
