# SPDX-License-Identifier: MIT
# Thin wrapper over CMake. Every target installs missing Debian packages
# first (scripts/deps.sh), so the commands below work on a fresh Debian 12.
#
#   make run     build and boot the default guest under the embedded supervisor
#   make test    build (warnings are errors) and run every suite, then the unit
#                suites again under ASan+UBSan
#   make bench   benchmarks, printed as ratios against baselines run alongside
BUILD   ?= build
ASAN    ?= build-asan
JOBS    ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps build asan run test test-unit test-asan bench guest install clean

all: build

deps:
	@bash scripts/deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DTESSERA_WERROR=ON $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

asan: deps
	@cmake -S . -B $(ASAN) -DTESSERA_WERROR=ON -DTESSERA_SANITIZE=ON \
	    -DCMAKE_BUILD_TYPE=Debug $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(ASAN) -j $(JOBS)

test: build asan
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	@cd $(ASAN) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    ctest --output-on-failure -L unit -j $(JOBS)

test-unit: build
	@cd $(BUILD) && ctest --output-on-failure -L unit -j $(JOBS)

bench: build
	@bash bench/run.sh $(BUILD)

run: build
	@bash scripts/run-default.sh $(BUILD)

install: build
	@cmake --install $(BUILD) $(if $(PREFIX),--prefix $(PREFIX))

clean:
	rm -rf $(BUILD) $(ASAN)
