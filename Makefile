# The two commands of iatk: `make demo` and `make test`.  Both install any
# missing Debian packages first (see scripts/install-deps.sh).
BUILD      ?= build
ASAN_BUILD ?= build-asan
PYTHON     ?= /usr/bin/python3
JOBS       ?= $(shell nproc)
CMAKE_ARGS := -DPython3_EXECUTABLE=$(PYTHON)

.PHONY: all deps build build-asan test test-fast test-asan demo bench install clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_ARGS) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

build-asan: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DIATK_SANITIZE=ON $(CMAKE_ARGS) >/dev/null
	cmake --build $(ASAN_BUILD) -j $(JOBS)

# The whole suite, then once more under ASan+UBSan.
test: test-fast test-asan

test-fast: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

test-asan: build-asan
	ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS)

demo: build
	IATK=$(CURDIR)/$(BUILD)/iatk IATK_LIBRARY=$(CURDIR)/$(BUILD)/libiatk.so PYTHON=$(PYTHON) \
	  bash examples/04-event_generation/run.sh

# Speed and memory (C), validity rate per dialect and mode, and the Python
# binding against a JSON-RPC round trip.  Figures are printed, not asserted.
bench: build
	$(BUILD)/bench_generate
	IATK=$(CURDIR)/$(BUILD)/iatk $(PYTHON) bench/validity_rate.py
	IATK_LIBRARY=$(CURDIR)/$(BUILD)/libiatk.so PYTHONPATH=$(CURDIR)/bindings/python \
	  $(PYTHON) bench/bench_python.py --iatk $(BUILD)/iatk

install: build
	cmake --install $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
