# edgeplug - plain GNU make. `make` builds build/$(BOARD)/edgeplug (verifies
# signatures) and build/host/edgeplug (the host build, which also signs).
#   make test           unit, CLI, WASI, budget, plugin and docs tests and the spec testsuite
#   make plugin-test    manifests, signatures, audit/inspect/list/doctor, run reports (tests/plugin)
#   make docs-test      every "$ " example of README.md and docs/ run and compared
#   make wasi-test      the WASI tests only (tests/wasi: clang --target=wasm32-wasi)
#   make limits-test    the budget options of `edgeplug run` (tests/limits, docs/limits.md)
#   make demo           run examples/wc.c for WASI on examples/data, then sign and run a plugin
#   make spec           the spec testsuite only (TESTSUITE=dir to override)
#   make test SANITIZE=1  the same under ASan+UBSan (clang, dynamic, build/sanitize)
#   make test BOARD=rpi-zero  a board of boards/ (docs/boards.md), tests under qemu
#   make size-check [BOARD=...]  the size gate: size/budgets, size/report-BOARD.txt
#   make bench [BOARD=...]  the benchmark suite (docs/performance.md); bench-smoke: checks only
#   make manifests      build the example plugins of manifests/ and check their sha256
#   make fuzz [FUZZ_SECONDS=60]  each libFuzzer target of tests/fuzz; fuzz-smoke: 10 s each
#   make difftest [DIFF_MODULES=2000 DIFF_START=0]  random modules (wasm-opt -ttf) run in
#                       edgeplug and wabt's spectest-interp, compared; difftest-smoke: 200
#   make test-programs  Debian's bzip2, zlib, Lua, mujs, SQLite for WASI vs native; flite (npm)
BOARD ?= x86_64
TESTSUITE ?= ../shared/testsuite/wasm-2.0

ifeq ($(SANITIZE),1)
include boards/x86_64.mk
CC := clang
B := build/sanitize
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g
LDSTATIC :=
else
include boards/$(BOARD).mk
B := build/$(BOARD)
SANFLAGS :=
# musl's static (non-PIE) startup never applies PT_GNU_RELRO, so relro would
# only pad the file: 32 KiB on AArch64, where segments align to 64 KiB.
# common-page-size=64: the data segment follows the code in the file
# instead of starting a page of its own (up to 4 KiB of padding); the
# loader maps the page they share twice, once for each.
LDSTATIC := -static -no-pie -Wl,-z,norelro -Wl,-z,common-page-size=64
endif
# What wat2wasm and wast2json make for the tests: host-built once, shared by
# every board and build, so each board is tested on the very same bytes.
WASM_DIR := build/wasm

WARN := -Wall -Wextra -Wno-unused-parameter
# Nothing unwinds C frames (no C++, no backtraces in the shipped binary):
# unwind tables are 8-12 KB of dead weight. Sanitizer builds keep them.
NOUNWIND := $(if $(filter 1,$(SANITIZE)),,-fno-asynchronous-unwind-tables -fno-unwind-tables)
# The shipped binaries are static executables at a fixed address: position-
# independent code only costs there, and without it the interpreter's code
# cells hold handler addresses directly (src/code.h).
NOPIE := $(if $(filter 1,$(SANITIZE)),,-fno-pie)
# EP_SIGNING=1: the host build (build/host), the only one that can make
# keys and sign; board builds verify only (docs/signing.md).
SIGN_DEFS := $(if $(filter 1,$(EP_SIGNING)),-DEP_SIGNING)
CFLAGS_COMMON := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) $(CPUFLAGS) $(BOARD_DEFS) $(SIGN_DEFS) \
	-Iinclude -Isrc -ffunction-sections -fdata-sections $(NOUNWIND) $(NOPIE) $(SANFLAGS) $(EXTRA_CFLAGS)
# The interpreter loop is built for speed, the rest for size.
OPT_FAST := -O2
# -fconserve-stack stops inlining that would grow stack frames: 2.5% less
# code for the -Os objects, and loading measured no slower (callgrind).
# gcc has it, clang (the sanitizer builds) does not.
CONSERVE_STACK := $(shell $(CC) -fconserve-stack -E -x c /dev/null >/dev/null 2>&1 && echo -fconserve-stack)
OPT_SMALL := -Os $(CONSERVE_STACK)
LDFLAGS := $(LDSTATIC) $(if $(filter 1,$(SANITIZE)),,$(BOARD_LDFLAGS)) -Wl,--gc-sections $(SANFLAGS)

ENGINE_SRC := src/alloc.c src/sort.c src/module.c src/decode.c src/validate.c src/lower.c src/exec.c src/instance.c src/linker.c src/host.c
# WASI preview 1 (include/edgeplug_wasi.h): in the library for embedders.
WASI_SRC := src/wasi.c
# The plugin layer: the shared value syntax, the manifest parser
# (docs/manifest.md), signatures and the trust store (docs/signing.md, with
# libsodium from src/sodium/sodium.mk linked in as $(SODIUM_LIB)), the
# trust checks and the grant sets.
PLUGIN_SRC := src/units.c src/manifest.c src/sign.c src/trust.c src/plugin.c src/grants.c \
	src/plugin_host.c
# Text: the printf subset and exact float text (src/fmt.h) that everything
# uses instead of libc's printf family and strtod, which would bring in
# float formatting and parsing the binary cannot afford.
FMT_SRC := src/fmt.c src/floattext.c
CLI_SRC := src/cli.c src/cli_util.c src/cli_value.c src/cli_run.c src/cli_plugin.c \
	src/cli_inspect.c src/cli_out.c src/cli_sign.c \
	$(if $(filter 1,$(SANITIZE)),,src/cli_malloc.c)
ENGINE_OBJ := $(ENGINE_SRC:src/%.c=$(B)/obj/%.o)
WASI_OBJ := $(WASI_SRC:src/%.c=$(B)/obj/%.o)
PLUGIN_OBJ := $(PLUGIN_SRC:src/%.c=$(B)/obj/%.o)
FMT_OBJ := $(FMT_SRC:src/%.c=$(B)/obj/%.o)
CLI_OBJ := $(CLI_SRC:src/%.c=$(B)/obj/%.o)
HDRS := $(wildcard include/*.h src/*.h)

# The host build: x86_64 with EP_SIGNING, the CLI that can keygen and sign.
# Built by `make` (and `make host`) beside the board's; its size is
# reported, not gated. HOST_B keeps sanitizer objects out of build/host.
HOST_B := build/host$(if $(filter 1,$(SANITIZE)),-sanitize)
ifeq ($(EP_SIGNING),1)
all: $(B)/edgeplug
else
all: $(B)/edgeplug host
endif

host:
	@$(MAKE) --no-print-directory BOARD=x86_64 B=$(HOST_B) EP_SIGNING=1 host-build
# The sub-make's goal: quiet when there is nothing to do.
host-build: $(B)/edgeplug
	@:

include src/sodium/sodium.mk
# sign.c is the one file that includes <sodium.h>.
$(B)/obj/sign.o: CFLAGS_COMMON += $(SODIUM_INC) -DSODIUM_STATIC=1
$(B)/obj/sign.o: $(SODIUM_STAMP)

# Jump tables pay off in the loader's opcode switches; elsewhere (the CLI,
# WASI, the plugin layer) compare chains are smaller and speed is not at
# stake. 64-bit boards spend 8 bytes a case on them.
$(CLI_OBJ) $(WASI_OBJ) $(PLUGIN_OBJ): OPT_SMALL += -fno-jump-tables

$(B)/obj/exec.o: src/exec.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) $(OPT_FAST) -c $< -o $@

$(B)/obj/%.o: src/%.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) $(OPT_SMALL) $(SMALL_CPUFLAGS) -c $< -o $@

$(B)/libedgeplug.a: $(ENGINE_OBJ) $(WASI_OBJ) $(PLUGIN_OBJ) $(FMT_OBJ)
	rm -f $@
	$(CROSS)ar rcs $@ $^

$(B)/edgeplug: $(CLI_OBJ) $(B)/libedgeplug.a $(SODIUM_LIB)
	$(CC) $(LDFLAGS) -Wl,-Map,$(B)/edgeplug.map -o $@ $^ -lm
ifneq ($(SANITIZE),1)
	$(CROSS)strip $@
endif

# ---- tests ----
UNIT_SRC := $(wildcard tests/unit/*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/unit/%)
# Fixtures: tests/unit/NAME/*.wat become $(WASM_DIR)/unit/NAME/*.wasm (shared
# by every board), and test_NAME gets $(WASM_DIR)/unit/NAME as argv[1] (tests
# without fixtures ignore it). Written whole, then renamed: boards tested at
# the same time never read half a file.
UNIT_WASM := $(patsubst tests/unit/%.wat,$(WASM_DIR)/unit/%.wasm,$(wildcard tests/unit/*/*.wat))

# tests/unit/NAME/*.c are WASI programs: built with $(WASI_CC), like the
# plugins of tests/wasi, without wasi-libc's debug sections (most of the
# bytes, which tests that load a module hundreds of times would copy).
UNIT_WASM += $(patsubst tests/unit/%.c,$(WASM_DIR)/unit/%.wasm,$(wildcard tests/unit/*/*.c))

$(WASM_DIR)/unit/%.wasm: tests/unit/%.wat
	@mkdir -p $(dir $@)
	wat2wasm $< -o $@.$$$$.tmp && mv -f $@.$$$$.tmp $@

# Fixtures named *.names.wat keep their names: wat2wasm writes a name section
# (the more specific pattern wins).
$(WASM_DIR)/unit/%.names.wasm: tests/unit/%.names.wat
	@mkdir -p $(dir $@)
	wat2wasm --debug-names $< -o $@.$$$$.tmp && mv -f $@.$$$$.tmp $@

$(WASM_DIR)/unit/%.wasm: tests/unit/%.c
	@mkdir -p $(dir $@)
	$(WASI_CC) -O2 -Wall -Wextra -Wno-unused-command-line-argument -Wl,--strip-debug $< \
		-o $@.$$$$.tmp && mv -f $@.$$$$.tmp $@

$(B)/unit/%: tests/unit/%.c $(B)/libedgeplug.a $(SODIUM_LIB) $(HDRS) $(wildcard tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) $(UNIT_FLAGS) -O1 -g $(LDFLAGS) -o $@ $< $(B)/libedgeplug.a $(SODIUM_LIB) -lm

# The threading promise of include/edgeplug.h, with real threads.
$(B)/unit/test_threads: UNIT_FLAGS := -pthread

# test_threads again under ThreadSanitizer (host clang, the engine, WASI and
# text sources built into it). The interrupt flags are written from another
# thread by design (ep_store_interrupt): tests/unit/tsan.supp names them.
TSAN_B := build/tsan
unit-tsan: $(WASM_DIR)/unit/threads/work.wasm
	@mkdir -p $(TSAN_B)
	clang -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) -Iinclude -Isrc -g -O1 \
		-fsanitize=thread -pthread -o $(TSAN_B)/test_threads tests/unit/test_threads.c \
		$(ENGINE_SRC) $(WASI_SRC) $(FMT_SRC) -lm
	TSAN_OPTIONS="halt_on_error=1 suppressions=tests/unit/tsan.supp" \
		$(TSAN_B)/test_threads $(WASM_DIR)/unit/threads

# The examples of docs/embedding.md and docs/embedding-plugins.md: each
# doc's ```c block built as C99 -pedantic against the library, run, and
# compared with its ```text block. Run by `make unit`.
DOC_EXAMPLES := embedding embedding-plugins
docs-example: $(DOC_EXAMPLES:%=docs-example-%)
docs-example-%: $(B)/libedgeplug.a $(SODIUM_LIB)
	@mkdir -p $(B)/docs-example/$*
	@awk '/^```c$$/ { c = 1; next } /^```text$$/ { t = 1; next } /^```/ { c = t = 0; next } \
		c { print > "$(B)/docs-example/$*/embed.c" } t { print > "$(B)/docs-example/$*/want" }' \
		docs/$*.md
	$(CC) -std=c99 -pedantic -Wall -Wextra -Werror $(CPUFLAGS) -Iinclude -O1 $(LDFLAGS) \
		-o $(B)/docs-example/$*/embed $(B)/docs-example/$*/embed.c $(B)/libedgeplug.a $(SODIUM_LIB) -lm
	@$(QEMU) $(B)/docs-example/$*/embed > $(B)/docs-example/$*/got && \
		cmp -s $(B)/docs-example/$*/want $(B)/docs-example/$*/got || \
		{ echo "docs/$*.md: the example printed something else:"; \
		  diff $(B)/docs-example/$*/want $(B)/docs-example/$*/got; exit 1; }
	@echo "docs-example: docs/$*.md's example builds and prints what it says"

# The public headers as C99 -pedantic and as C++ (g++ or clang++ when
# installed): what an embedder's compiler sees. Run by `make unit`.
HEADERS_CXX := $(shell command -v g++ || command -v clang++)
headers-test:
	@mkdir -p build/headers
	@printf '#include "edgeplug.h"\n#include "edgeplug_wasi.h"\n#include "edgeplug_plugin.h"\nint main(void) { return ep_version_number() == 0; }\n' \
		> build/headers/use.c
	$(CC) -std=c99 -pedantic -Wall -Wextra -Werror -Iinclude -fsyntax-only build/headers/use.c
ifneq ($(HEADERS_CXX),)
	$(HEADERS_CXX) -std=c++11 -pedantic -Wall -Wextra -Werror -Iinclude -fsyntax-only -x c++ build/headers/use.c
else
	@echo "headers-test: no C++ compiler (g++, clang++): C++ not checked"
endif

$(B)/spec-runner: tests/spec/runner.c $(B)/libedgeplug.a $(SODIUM_LIB) $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) -O2 $(LDFLAGS) -o $@ $< $(B)/libedgeplug.a $(SODIUM_LIB) -lm

# test_sign again in the host build (EP_SIGNING): keygen and signing.
sign-unit:
	@$(MAKE) --no-print-directory BOARD=x86_64 B=$(HOST_B) EP_SIGNING=1 UNIT_SRC=tests/unit/test_sign.c unit

# test_plugin_host's signed plugins (tests/unit/plugin_host/sign.sh): keys
# made and manifests signed by the host build, which runs natively whatever
# BOARD is, into the shared $(WASM_DIR); every board verifies the same set.
PLUGIN_HOST_DIR := $(WASM_DIR)/unit/plugin_host
PLUGIN_HOST_SIGNED := $(PLUGIN_HOST_DIR)/signed/v1.ini.sig
$(PLUGIN_HOST_SIGNED): tests/unit/plugin_host/sign.sh $(wildcard tests/unit/plugin_host/*.ini.in) \
		$(filter $(PLUGIN_HOST_DIR)/%,$(UNIT_WASM)) | host
	sh tests/unit/plugin_host/sign.sh $(HOST_B)/edgeplug $(PLUGIN_HOST_DIR)

unit: $(UNIT_BIN) $(UNIT_WASM) headers-test docs-example \
		$(if $(filter %/test_plugin_host.c,$(UNIT_SRC)),$(PLUGIN_HOST_SIGNED))
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; \
		$(if $(QEMU),EDGEPLUG_UNDER_QEMU=1) $(QEMU) $$t $(WASM_DIR)/unit/$${t##*/test_}; done

spec: $(B)/spec-runner
	@TESTSUITE=$(TESTSUITE) B=$(B) WASM_DIR=$(WASM_DIR) QEMU="$(QEMU)" sh tests/spec/run.sh

# SIMD is not part of the engine yet: reported on its own, not in `make test`.
spec-simd: $(B)/spec-runner
	@TESTSUITE=$(TESTSUITE) B=$(B) WASM_DIR=$(WASM_DIR) QEMU="$(QEMU)" sh tests/spec/run.sh --simd

# The switch-dispatch fallback must stay correct too: same spec, other build dir.
spec-switch:
	@mkdir -p $(B)-switch
	@$(MAKE) --no-print-directory spec B=$(B)-switch EXTRA_CFLAGS=-DEP_SWITCH_DISPATCH=1 \
		> $(B)-switch/spec.log 2>&1 || { cat $(B)-switch/spec.log; exit 1; }
	@printf 'switch: '; tail -n 1 $(B)-switch/spec.log

# Every test target runs each binary it built through $(QEMU) (the board's
# qemu-user and its real CPU; empty on x86_64), so `make test BOARD=rpi-zero`
# tests the ARMv6 build on an emulated ARM1176. Add new test targets here.
test: all unit sign-unit manifests cli-test wasi-test limits-test plugin-test docs-test spec spec-switch

cli-test: $(B)/edgeplug
	@B=$(B) WASM_DIR=$(WASM_DIR) QEMU="$(QEMU)" sh tests/cli/run.sh

# WASI plugins: tests/wasi/*.c and examples/*.c, built for wasm32-wasi with
# Debian's clang, lld, wasi-libc and libclang-rt-14-dev-wasm32.
WASI_CC ?= sh tests/wasm-cc --target=wasm32-wasi

wasi-test: $(B)/edgeplug
	@B=$(B) WASM_DIR=$(WASM_DIR) QEMU="$(QEMU)" WASI_CC="$(WASI_CC)" sh tests/wasi/run.sh

# Plugins as deployed (tests/plugin): manifests, grants seen from inside,
# keys, signatures and pins, audit/inspect/list/doctor and run reports.
# Keys are made and manifests signed by the host build, which runs natively
# whatever BOARD is; the board's own binary verifies and runs them.
plugin-test: $(B)/edgeplug host
	@B=$(B) WASM_DIR=$(WASM_DIR) QEMU="$(QEMU)" WASI_CC="$(WASI_CC)" HOST_EP=$(HOST_B)/edgeplug \
		sh tests/plugin/run.sh

# Every "$ " example of README.md and docs/*.md, run and compared
# (tests/docs/run.sh): the documentation cannot drift from what the
# commands print.
docs-test: $(B)/edgeplug host $(B)/examples/wc.wasm $(B)/examples/fib.wasm manifests
	@B=$(B) QEMU="$(QEMU)" sh tests/docs/run.sh

# Budgets from the command line (--fuel, --max-*, --timeout, --stats): WASI
# plugins and .wat fixtures; prints each measured fuel count ("fuel NAME =
# N"), which must be the same on every board.
limits-test: $(B)/edgeplug
	@B=$(B) WASM_DIR=$(WASM_DIR) QEMU="$(QEMU)" WASI_CC="$(WASI_CC)" sh tests/limits/run.sh

$(B)/examples/%.wasm: examples/%.wat
	@mkdir -p $(dir $@)
	wat2wasm $< -o $@

$(B)/examples/%.wasm: examples/%.c
	@mkdir -p $(dir $@)
	$(WASI_CC) -O2 -Wall -Wextra $< -o $@

# The demo plugin counts words in files it is granted, read-only, and sees
# nothing else of the host.
# Then the example plugin hello as deployed: a new key (host build), its
# signature, and the board binary verifying and running it with that key as
# the only trusted one (build/demo; made anew each time).
demo: $(B)/edgeplug host $(B)/examples/wc.wasm manifests
	$(QEMU) $(B)/edgeplug run --dir-ro examples/data::data $(B)/examples/wc.wasm \
		data/edge.txt data/small-boards.txt
	rm -rf build/demo && mkdir -p build/demo && cp build/manifests/hello/* build/demo/
	$(HOST_B)/edgeplug keygen build/demo/demo
	$(HOST_B)/edgeplug sign --key build/demo/demo.key build/demo/hello.ini
	$(QEMU) $(B)/edgeplug verify --trust build/demo/demo.pub build/demo/hello.ini
	$(QEMU) $(B)/edgeplug run --trust build/demo/demo.pub build/demo/hello.ini

# ---- example manifests (manifests/README.md) ----
# build/manifests/NAME/ holds NAME.ini and the module it names, built from
# manifests/NAME/*.wat (or examples/): a folder as it would be installed.
# wat2wasm's output is deterministic, so each committed sha256 line is the
# hash of the module built here; `make manifests` checks that it is.
MANIFEST_INI := $(patsubst %,build/%,$(wildcard manifests/*/*.ini))
MANIFEST_WASM := $(patsubst manifests/%.wat,build/manifests/%.wasm,$(wildcard manifests/*/*.wat)) \
	build/manifests/fib/fib.wasm

build/manifests/%.ini: manifests/%.ini
	@mkdir -p $(dir $@)
	cp $< $@

build/manifests/%.wasm: manifests/%.wat
	@mkdir -p $(dir $@)
	wat2wasm $< -o $@.$$$$.tmp && mv -f $@.$$$$.tmp $@

build/manifests/fib/fib.wasm: examples/fib.wat
	@mkdir -p $(dir $@)
	wat2wasm $< -o $@.$$$$.tmp && mv -f $@.$$$$.tmp $@

manifests: $(MANIFEST_INI) $(MANIFEST_WASM)
	@sh manifests/check.sh build/manifests

# ---- fuzzing (tests/fuzz, libFuzzer; host clang, not a board build) ----
# Every tests/fuzz/fuzz_NAME.c is a libFuzzer target linked against the
# library built with ASan+UBSan and coverage into build/fuzz. `make fuzz`
# runs each for FUZZ_SECONDS on a copy of its seeds, tests/fuzz/corpus/NAME/
# (new inputs go to build/fuzz/corpus/NAME; the committed seeds are never
# written), with tests/fuzz/NAME.dict and the libFuzzer flags in
# tests/fuzz/NAME.flags when they exist. Crashes are saved in
# build/fuzz/artifacts/NAME/ and fail the target. fuzz-smoke: 10 s each.
FUZZ_SECONDS ?= 60
FUZZ_B := build/fuzz
FUZZ_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) -Iinclude -Isrc -g -O1 \
	-fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
# The engine, WASI and the manifest parser: what the fuzzers reach (not the
# signature layer, whose inputs are fixed-length hex checked by test_sign).
FUZZ_LIB_OBJ := $(patsubst src/%.c,$(FUZZ_B)/obj/%.o,$(ENGINE_SRC) $(WASI_SRC) $(FMT_SRC) \
	src/units.c src/manifest.c)
FUZZ_BIN := $(patsubst tests/fuzz/%.c,$(FUZZ_B)/%,$(wildcard tests/fuzz/fuzz_*.c))

$(FUZZ_B)/obj/%.o: src/%.c $(HDRS)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_B)/libedgeplug.a: $(FUZZ_LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(FUZZ_B)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_B)/libedgeplug.a $(HDRS)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_B)/libedgeplug.a -lm

fuzz: $(FUZZ_BIN)
	@set -e; for f in $(FUZZ_BIN); do \
		n=$${f##*/fuzz_}; c=$(FUZZ_B)/corpus/$$n; a=$(FUZZ_B)/artifacts/$$n; \
		mkdir -p $$c $$a; \
		if [ -d tests/fuzz/corpus/$$n ]; then cp -R tests/fuzz/corpus/$$n/. $$c/; fi; \
		d=; if [ -f tests/fuzz/$$n.dict ]; then d=-dict=tests/fuzz/$$n.dict; fi; \
		x=; if [ -f tests/fuzz/$$n.flags ]; then x=$$(cat tests/fuzz/$$n.flags); fi; \
		echo "== fuzz $$n: $(FUZZ_SECONDS) s, corpus $$c"; \
		$$f -max_total_time=$(FUZZ_SECONDS) -timeout=10 -print_final_stats=1 \
			-artifact_prefix=$$a/ $$d $$x $$c 2>$(FUZZ_B)/$$n.log || \
			{ tail -n 60 $(FUZZ_B)/$$n.log; echo "fuzz $$n: failed, inputs in $$a/" >&2; exit 1; }; \
		grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb)|^#[0-9]+.*DONE' $(FUZZ_B)/$$n.log || true; \
	done

fuzz-smoke:
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=10

# ---- differential testing (tests/diff/difftest.py) ----
# Random valid modules from binaryen's wasm-opt -ttf, every export called in
# edgeplug and in wabt's spectest-interp and the results, traps, globals and
# memory compared. Seeds are reproducible: a failure prints its seed and is
# saved under build/difftest/failures/. Host-side tools: x86_64 only.
DIFF_MODULES ?= 2000
DIFF_START ?= 0
DIFF_CALLS ?= 6
difftest: $(B)/edgeplug
	python3 tests/diff/difftest.py --edgeplug $(B)/edgeplug --start $(DIFF_START) \
		--modules $(DIFF_MODULES) --calls $(DIFF_CALLS)

difftest-smoke: $(B)/edgeplug
	python3 tests/diff/difftest.py --edgeplug $(B)/edgeplug --start 0 --modules 200 --calls 4

# ---- size gate ----
# The shipped binary (static, stripped) against its line in size/budgets,
# with a breakdown by component from the link map into size/report-BOARD.txt.
# SIZE_BUDGETS=file and SIZE_REPORT=file point elsewhere (to try the gate).
SIZE_BUDGETS ?= size/budgets
SIZE_REPORT ?= size/report-$(BOARD).txt
# The host build (keygen and sign) is reported beside it, not gated.
size-check: $(B)/edgeplug host
	@if [ "$(SANITIZE)" = 1 ]; then echo "size-check: not for SANITIZE=1 builds" >&2; exit 2; fi
	@echo "host build (signing, not gated): $(HOST_B)/edgeplug $$(wc -c <$(HOST_B)/edgeplug) bytes"
	@sh size/report.sh -b $(SIZE_BUDGETS) -o $(SIZE_REPORT) $(BOARD) $(B)/edgeplug.map $(B)/edgeplug

# ---- benchmarks (tests/bench, docs/performance.md) ----
# bench: the full suite, minutes; results in build/bench[/BOARD]/. Other
# boards run natively-built and edgeplug under $(QEMU) (ratios only).
# bench-smoke: every workload and runner once on tiny inputs, checksums only.
# BENCH_ARGS passes options to tests/bench/run.py (--runs 3, --only fib,vm).
# The native builds use the board's plain gcc (glibc, static), not musl.
BENCH_RUN = python3 tests/bench/run.py --board $(BOARD) --edgeplug $(B)/edgeplug --clang "sh tests/wasm-cc" \
	--native-cc "$(CROSS)gcc $(CPUFLAGS)" --qemu "$(QEMU)" $(BENCH_ARGS)
bench: $(B)/edgeplug
	$(BENCH_RUN)
bench-smoke: $(B)/edgeplug
	$(BENCH_RUN) --smoke

clean:
	rm -rf build

.PHONY: all host host-build unit unit-tsan headers-test docs-example sign-unit spec spec-simd spec-switch test cli-test wasi-test limits-test test-programs \
	plugin-test docs-test size-check demo clean bench bench-smoke fuzz fuzz-smoke manifests \
	difftest difftest-smoke

# Real programs (tests/programs/run.sh): Debian's bzip2, zlib and Lua sources
# (apt-get source, pinned versions, fetched once into build/programs/src)
# built for wasm32-wasi and with gcc and compared run for run, and flite from
# npm against stored checksums. Needs the network the first time; a few
# minutes; not part of `test`.
test-programs: $(B)/edgeplug
	@B=$(B) QEMU="$(QEMU)" WASI_CC="$(WASI_CC)" sh tests/programs/run.sh
