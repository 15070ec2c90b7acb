# The two commands a newcomer needs:
#   make run   set up, build and start fincache-server on 6379 with defaults
#   make test  set up, build and run every suite (ctest + pytest)
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
BUILD := build/py
JOBS ?= $(shell nproc)
export CMAKE_BUILD_PARALLEL_LEVEL := $(JOBS)
export CCACHE_BASEDIR := $(CURDIR)

.PHONY: all setup build run test test-cpp test-py test-fuzz bench format clean

all: build

setup:
	@scripts/setup.sh

# pip install builds with scikit-build-core into a persistent build dir, so a rebuild after a
# one-file change is incremental; it installs fincache (+ fincache-server) into .venv.
build: setup
	@$(PY) -m pip install -q --no-build-isolation --no-deps \
	  -Cbuild-dir=$(BUILD) -Ccmake.define.FINCACHE_BUILD_TESTS=ON .

run: build
	$(VENV)/bin/fincache-server $(ARGS)

test-cpp: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS) --timeout 120

test-py: build
	$(PY) -m pytest -q --timeout=300

# libFuzzer targets (fuzz/) over the committed seed corpus, FUZZ_SECONDS per target.
test-fuzz: setup
	scripts/fuzz.sh

test: test-cpp test-py test-fuzz

bench: build
	$(PY) benchmarks/redis_benchmark.py

format:
	clang-format -i $$(git ls-files 'cpp/*.cpp' 'cpp/*.h' 'server/*.cpp' 'server/*.h' 'python/bindings/*.cpp' 'python/bindings/*.h' 'tests_cpp/*.cpp' 'tests_cpp/*.h')

clean:
	rm -rf build
