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
#   make bench-compare [BASE=32a44bf] [BOARD=...]  this engine against an older commit's, side
#                       by side (workloads and real programs); bench-compare-smoke: checks only
#   make manifests      build the example plugins of manifests/ and check their sha256
#   make fuzz [FUZZ_SECONDS=60]  each libFuzzer target of tests/fuzz; fuzz-smoke: 10 s each
#   make difftest [DIFF_MODULES=2000 DIFF_START=0]  random modules (wasm-opt -ttf) run in
#                       edgeplug and wabt's spectest-interp, compared; difftest-smoke: 200
#   make test-programs  Debian's bzip2, zlib, Lua, mujs, SQLite for WASI vs native; flite (npm)
#   make lib-core       build/BOARD/core/libedgeplug-core.a: the engine alone (no WASI,
#                       manifests, signatures or CLI; src/config.h's EP_WITH_* knobs)
#   make install [PREFIX=/usr/local DESTDIR=] [BOARD=...]  the CLI, the library, headers,
#                       edgeplug.pc, man pages, licences (docs/firmware.md); make uninstall
#   make install-test   install into a temporary DESTDIR, build and run a program
#                       against it, uninstall (tests/install); man-test: the man pages
#   make products       what install installs, without the host build; make dist: the
#                       source tarball for Buildroot and Yocto, libsodium's source in it
BOARD ?= x86_64
TESTSUITE ?= ../shared/testsuite/wasm-2.0

# Library configurations (src/config.h says what each knob leaves out).
# The CLI needs both; any 0 is a library-only build with a directory of
# its own, so its objects never mix with the CLI's.
EP_WITH_WASI ?= 1
EP_WITH_PLUGIN ?= 1
ifeq ($(EP_WITH_WASI)$(EP_WITH_PLUGIN),01)
$(error EP_WITH_PLUGIN=1 needs EP_WITH_WASI=1: plugins run as WASI programs (src/config.h))
endif
ifeq ($(EP_WITH_WASI)$(EP_WITH_PLUGIN),11)
LIB_ONLY :=
LIB_DIR :=
LIB_NAME := libedgeplug.a
else
LIB_ONLY := 1
LIB_DIR := /$(if $(filter 0,$(EP_WITH_WASI)),core,no-plugin)
LIB_NAME := libedgeplug-$(if $(filter 0,$(EP_WITH_WASI)),core,no-plugin).a
endif
KNOB_DEFS := $(if $(filter 0,$(EP_WITH_WASI)),-DEP_WITH_WASI=0) $(if $(filter 0,$(EP_WITH_PLUGIN)),-DEP_WITH_PLUGIN=0)

ifeq ($(SANITIZE),1)
include boards/x86_64.mk
CC := clang
B := build/sanitize
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g -DEP_CHECKS=1
LDSTATIC :=
else
include boards/$(BOARD).mk
B := build/$(BOARD)$(LIB_DIR)
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
# 16-bit handler offsets (code.h; the exec.o rule checks they fit) but in
# sanitizer builds, whose loop is 200 KB.
EXEC_OFF16 := $(if $(filter 1,$(SANITIZE)),,-DEP_HANDLER_OFF16=1)
CFLAGS_COMMON := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) $(CPUFLAGS) $(BOARD_DEFS) $(SIGN_DEFS) $(KNOB_DEFS) $(EXEC_OFF16) \
	-Iinclude -Isrc -ffunction-sections -fdata-sections $(NOUNWIND) $(NOPIE) $(SANFLAGS) $(EXTRA_CFLAGS)
# The interpreter loop is built for speed, the rest for size.
OPT_FAST := -O2
# -fconserve-stack stops inlining that would grow stack frames: 2.5% less
# code for the -Os objects, and loading measured no slower (callgrind).
# gcc has it, clang (the sanitizer builds) does not.
CONSERVE_STACK := $(shell $(CC) -fconserve-stack -E -x c /dev/null >/dev/null 2>&1 && echo -fconserve-stack)
OPT_SMALL := -Os $(CONSERVE_STACK)
# The loop zeroes a callee's locals in a loop that gcc 12 for ARM turns
# into a call of memset, musl's generic C one, which for the handful of
# slots most functions declare cost 6% of a Lua session's instructions
# (qemu's count). The loop stays a loop. clang has no such flag.
NO_LOOP_CALLS := $(shell $(CC) -fno-tree-loop-distribute-patterns -E -x c /dev/null >/dev/null 2>&1 && echo -fno-tree-loop-distribute-patterns)
# Link-time optimisation of everything but the interpreter loop (exec.o
# stays as -O2 made it): 2.0-3.5 KB smaller on every board, as calls across
# files inline and unused arguments go. The objects are fat (machine code
# beside the IR), so libedgeplug.a links with any linker and without -flto.
# gcc keeps each object's own flags (-Os, -fno-jump-tables, -mthumb) per
# function. LTO=0 turns it off; the sanitizer builds (clang) never use it.
LTO ?= $(if $(filter 1,$(SANITIZE)),0,1)
LTO_CFLAGS := $(if $(filter 1,$(LTO)),-flto -ffat-lto-objects)
# Links of test programs against the fat objects: gcc's linker plugin would
# otherwise optimise the library again at every link (slower, and it warns).
NO_LTO_LINK := $(if $(filter 1,$(LTO)),-fno-lto)
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
ifneq ($(LIB_ONLY),)
all: $(B)/$(LIB_NAME)
else ifeq ($(EP_SIGNING),1)
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

# The loader stays out of LTO like the loop: LTO cost loading 6.7% more
# instructions (callgrind, the generated module of `make bench`). So does
# the binary's malloc: seen whole, gcc folds the malloc + memset of its
# calloc into a call to calloc, itself (a crash on rpi-zero).
LTO_OBJ := $(filter-out $(B)/obj/exec.o $(B)/obj/decode.o $(B)/obj/validate.o $(B)/obj/lower.o,$(ENGINE_OBJ)) \
	$(WASI_OBJ) $(PLUGIN_OBJ) $(FMT_OBJ) $(filter-out $(B)/obj/cli_malloc.o,$(CLI_OBJ))
$(LTO_OBJ): OPT_SMALL += $(LTO_CFLAGS)

# -fno-math-errno: sqrt never needs errno, so it is the FPU's instruction
# (on ARMv6 instead of musl's software sqrt, as armel's libm is built
# soft-float); wasm's sqrt of a negative number is a NaN either way.
#
# The loop's handler table holds 16-bit offsets (EXEC_OFF16, code.h) where
# its function fits them, as every optimised build's does (15-20 KB):
# checked here, as the assembler would truncate a longer distance without
# a word.
$(B)/obj/exec.o: src/exec.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) $(OPT_FAST) $(NO_LOOP_CALLS) -fno-math-errno -c $< -o $@
ifneq ($(EXEC_OFF16),)
	@n=$$($(CROSS)nm -S $@ | awk '$$4 == "run" { print $$2 }'); \
	if [ -z "$$n" ] || [ $$((0x$$n)) -gt 32767 ]; then \
		echo "$@: the loop (run) is $$((0x$${n:-0})) bytes, over the 32767 its 16-bit handler offsets reach" >&2; \
		rm -f $@; exit 1; fi
endif

$(B)/obj/%.o: src/%.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) $(OPT_SMALL) $(SMALL_CPUFLAGS) -c $< -o $@

# What the library holds in each configuration: the engine and its
# message formatting always; WASI unless EP_WITH_WASI=0; the plugin layer
# and exact float text (the value syntax manifests share with the CLI)
# unless EP_WITH_PLUGIN=0. libsodium stays in $(SODIUM_LIB) beside it, as
# the CLI and the tests link it; `make install` merges the two. The order
# of the members is the link's order, which moves padding: the CLI's size
# depends on it by a few bytes.
LIB_OBJ := $(ENGINE_OBJ) \
	$(if $(filter 0,$(EP_WITH_WASI)),,$(WASI_OBJ)) \
	$(if $(filter 0,$(EP_WITH_PLUGIN)),,$(PLUGIN_OBJ)) \
	$(B)/obj/fmt.o $(if $(filter 0,$(EP_WITH_PLUGIN)),,$(B)/obj/floattext.o)

$(B)/$(LIB_NAME): $(LIB_OBJ)
	rm -f $@
	$(CROSS)ar rcs $@ $^

lib: $(B)/$(LIB_NAME)
	@echo "$(B)/$(LIB_NAME)"

# B is given so that a B=DIR of the command line puts the core in DIR/core
# too, never on top of DIR's own objects.
lib-core:
	@$(MAKE) --no-print-directory EP_WITH_WASI=0 EP_WITH_PLUGIN=0 B=$(B)/core lib

ifneq ($(LIB_ONLY),)
$(B)/edgeplug:
	@echo "make: the edgeplug command needs EP_WITH_WASI=1 and EP_WITH_PLUGIN=1" >&2; exit 2
else
# With LTO the binary is linked twice: the per-object link gives the size
# report its breakdown by object (size/report.sh reads its map), the
# link-time optimised one is what ships and what the gate measures.
$(B)/edgeplug: $(CLI_OBJ) $(B)/libedgeplug.a $(SODIUM_LIB)
ifeq ($(LTO),1)
	$(CC) $(CPUFLAGS) $(LDFLAGS) -fno-lto -Wl,-Map,$(B)/edgeplug.map -o $(B)/edgeplug-objs $^ -lm
	$(CROSS)strip $(B)/edgeplug-objs
	$(CC) $(CPUFLAGS) $(LDFLAGS) -flto=2 -o $@ $^ -lm
	$(CROSS)strip $@
else
	$(CC) $(LDFLAGS) -Wl,-Map,$(B)/edgeplug.map -o $@ $^ -lm
ifneq ($(SANITIZE),1)
	$(CROSS)strip $@
endif
endif
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
	$(CC) $(CFLAGS_COMMON) $(UNIT_FLAGS) -O1 -g $(LDFLAGS) $(NO_LTO_LINK) -o $@ $< $(B)/libedgeplug.a $(SODIUM_LIB) -lm

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
	$(CC) -std=c99 -pedantic -Wall -Wextra -Werror $(CPUFLAGS) -Iinclude -O1 $(LDFLAGS) $(NO_LTO_LINK) \
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
	$(CC) $(CFLAGS_COMMON) -O2 $(LDFLAGS) $(NO_LTO_LINK) -o $@ $< $(B)/libedgeplug.a $(SODIUM_LIB) -lm

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
test: all unit sign-unit manifests cli-test wasi-test limits-test plugin-test docs-test man-test \
	$(if $(filter 1,$(SANITIZE)),,install-test firmware-example) spec spec-switch

# The man pages against the help texts, docs/cli.md and include/*.h
# (tests/man): every command, option, exit code and function.
man-test: $(B)/edgeplug host
	@B=$(B) QEMU="$(QEMU)" HOST_EP=$(HOST_B)/edgeplug sh tests/man/run.sh

# make install and uninstall into a temporary DESTDIR for this BOARD, and
# programs built against the installed files alone (tests/install). Not
# for sanitizer builds, which are not installed.
install-test: $(B)/edgeplug $(B)/dist/libedgeplug.a $(B)/dist/edgeplug.pc
	@MAKE="$(MAKE)" BOARD=$(BOARD) B=$(B) QEMU="$(QEMU)" CC="$(CC)" CROSS="$(CROSS)" \
		sh tests/install/run.sh

# The firmware example (examples/firmware, docs/firmware.md) as an embedder
# builds it: the board's build installed into $(FW_B)/dest, the example
# built from those files alone with the board's compiler and pkg-config
# (its plugin signed by the host build), run (under $(QEMU)) and its output
# compared with examples/firmware/expected.txt, the same on every board
# (the build's random key id aside).
FW_B = $(B)/firmware
FW_DEST = $(abspath $(FW_B))/dest
FW_PC = env PKG_CONFIG_PATH= PKG_CONFIG_LIBDIR=$(FW_DEST)/usr/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$(FW_DEST) pkg-config
firmware-example: products host
	@rm -rf $(FW_B) && mkdir -p $(FW_B)
	@$(MAKE) --no-print-directory install DESTDIR=$(FW_DEST) PREFIX=/usr >$(FW_B)/install.log 2>&1 || \
		{ cat $(FW_B)/install.log; exit 1; }
	@$(MAKE) --no-print-directory -C examples/firmware O=$(abspath $(FW_B)) CC="$(CC) $(CPUFLAGS)" \
		PKG_CONFIG="$(FW_PC)" SIGNER=$(abspath $(HOST_B))/edgeplug >$(FW_B)/build.log 2>&1 || \
		{ cat $(FW_B)/build.log; exit 1; }
	@$(QEMU) $(FW_B)/firmware >$(FW_B)/output.txt 2>&1 || { cat $(FW_B)/output.txt; exit 1; }
	@sed -E 's/key [0-9a-f]{16}/key KEYID/g' $(FW_B)/output.txt >$(FW_B)/output.cmp
	@diff -u examples/firmware/expected.txt $(FW_B)/output.cmp && \
		echo "firmware example: output as examples/firmware/expected.txt"

# What the firmware example prints, as docs/firmware.md shows it. The
# sanitizer build has no installed form: it shows the x86_64 build's.
firmware-run:
ifeq ($(SANITIZE),1)
	@$(MAKE) --no-print-directory SANITIZE= BOARD=x86_64 firmware-run
else
	@$(MAKE) --no-print-directory firmware-example >/dev/null
	@$(QEMU) $(FW_B)/firmware
endif

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
	-fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all \
	-DEP_CHECKS=1
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
# The host build (keygen and sign) is reported beside it, not gated. So is
# the core library alone, in the smallest firmware program that uses it
# (size/core-firmware.c, run once to show it works), unless size/budgets
# has a line BOARD-core.
size-check: $(B)/edgeplug host
	@if [ "$(SANITIZE)" = 1 ]; then echo "size-check: not for SANITIZE=1 builds" >&2; exit 2; fi
	@$(MAKE) --no-print-directory EP_WITH_WASI=0 EP_WITH_PLUGIN=0 B=$(B)/core core-firmware
	@$(QEMU) $(B)/core/core-firmware || { echo "size-check: $(B)/core/core-firmware failed" >&2; exit 1; }
	@if $(CROSS)ar t $(B)/core/libedgeplug-core.a | grep -vqE '^($(CORE_MEMBERS))\.o$$'; then \
		echo "size-check: $(B)/core/libedgeplug-core.a holds more than the engine:" $$($(CROSS)ar t $(B)/core/libedgeplug-core.a) >&2; exit 1; fi
	@echo "host build (signing, not gated): $(HOST_B)/edgeplug $$(wc -c <$(HOST_B)/edgeplug) bytes"
	@sh size/report.sh -b $(SIZE_BUDGETS) -o $(SIZE_REPORT) $(if $(filter 1,$(LTO)),-p $(B)/edgeplug-objs) \
		-c $(B)/core/core-firmware.map:$(B)/core/core-firmware \
		$(BOARD) $(B)/edgeplug.map $(B)/edgeplug

space := $(subst ,, )
# What the core library may hold: the engine's objects and fmt.o.
CORE_MEMBERS = $(subst $(space),|,$(strip $(notdir $(ENGINE_SRC:.c=)) fmt))
# Built in the core configuration (B is build/BOARD/core there), with the
# link flags of the shipped binary. -fno-lto: gcc's linker plugin would
# otherwise optimise the fat objects at link time and the breakdown would
# lose them (it saves 0.2 KB).
core-firmware: $(B)/core-firmware
$(B)/core-firmware: size/core-firmware.c $(B)/$(LIB_NAME) $(HDRS)
	$(CC) $(CFLAGS_COMMON) $(OPT_SMALL) $(SMALL_CPUFLAGS) $(LDFLAGS) $(NO_LTO_LINK) \
		-Wl,-Map,$@.map -o $@ $< $(B)/$(LIB_NAME) -lm
	$(CROSS)strip $@

# ---- install (docs/firmware.md) ----
# The board's build, for a rootfs or an SDK: `make install BOARD=rpi-zero
# DESTDIR=...` installs the ARM binaries and a .pc that describes them.
# libedgeplug.a is installed as one archive: the library and libsodium's
# objects (renamed sodium_*.o: both have a sign.o), so -ledgeplug is all a
# link needs. bin/edgeplug is the board's binary, which verifies only;
# SIGNING=1 (BOARD=x86_64 only) installs the host build, which also makes
# keys and signs, for a developer's machine. The directories install had to
# make are kept in $(DOCDIR)/installed-dirs, so that uninstall removes
# those, once empty, and no others.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
DOCDIR ?= $(PREFIX)/share/doc/edgeplug
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
INSTALL_HDRS = $(sort $(wildcard include/edgeplug*.h))
INSTALL_DOCS = $(sort $(wildcard docs/licenses/* LICENSE COPYING))
ifeq ($(SIGNING),1)
ifneq ($(BOARD),x86_64)
$(error SIGNING=1 installs the host build, which is x86_64: use it with BOARD=x86_64)
endif
INSTALL_BIN := $(HOST_B)/edgeplug
else
INSTALL_BIN := $(B)/edgeplug
endif
EP_VERSION_STR := $(shell sed -n 's/^\#define EP_VERSION "\(.*\)"/\1/p' include/edgeplug.h)
# The installed files, as DESTDIR-less paths: what uninstall removes.
INSTALLED = $(BINDIR)/edgeplug $(LIBDIR)/libedgeplug.a $(PKGCONFIGDIR)/edgeplug.pc \
	$(addprefix $(INCLUDEDIR)/,$(notdir $(INSTALL_HDRS))) \
	$(MANDIR)/man1/edgeplug.1 $(MANDIR)/man3/edgeplug.3 \
	$(addprefix $(DOCDIR)/,$(notdir $(INSTALL_DOCS))) $(DOCDIR)/installed-dirs

# The installed objects are plain ones: the link-time optimisation IR of
# the fat objects (LTO) is removed, or every embedder's gcc link would
# optimise the library again at link time (and warn that it does), and a
# gcc of another version would refuse the IR.
$(B)/dist/libedgeplug.a: $(LIB_OBJ) $(SODIUM_OBJ)
	rm -rf $(B)/dist/sodium $(B)/dist/obj $@
	mkdir -p $(B)/dist/sodium $(B)/dist/obj
	for o in $(SODIUM_OBJ); do cp $$o $(B)/dist/sodium/sodium_$${o##*/}; done
	for o in $(LIB_OBJ); do $(CROSS)objcopy -R '.gnu.lto_*' -R '.gnu.debuglto_*' $$o $(B)/dist/obj/$${o##*/}; done
	$(CROSS)ar rcs $@ $(patsubst $(B)/obj/%,$(B)/dist/obj/%,$(LIB_OBJ)) $(B)/dist/sodium/*.o

# Paths below PREFIX are written relative to ${prefix}, so pkg-config's
# --define-prefix can move the tree; PKG_CONFIG_SYSROOT_DIR works either way.
pcpath = $(patsubst $(PREFIX)/%,$${prefix}/%,$(1))
# Made anew by every make (PREFIX and the directories can change from one
# call to the next) and replaced only when it differs.
$(B)/dist/edgeplug.pc: FORCE
	@mkdir -p $(dir $@)
	@if [ -z "$(EP_VERSION_STR)" ]; then echo "make: no #define EP_VERSION \"...\" in include/edgeplug.h" >&2; exit 2; fi
	@{ echo '# edgeplug.pc - the edgeplug library built for board $(BOARD)$(if $(strip $(CPUFLAGS)), ($(strip $(CPUFLAGS))))'; \
	  echo '# with $(strip $(CC)): link with the same compiler and C library.'; \
	  echo '# libsodium 1.0.18'"'"'s signature verifier is inside libedgeplug.a (ISC licence:'; \
	  echo '# $(DOCDIR)/libsodium.txt). The objects are not position-independent'; \
	  echo '# (interpreter code holds absolute addresses): programs link with -no-pie.'; \
	  echo 'prefix=$(PREFIX)'; \
	  echo 'libdir=$(call pcpath,$(LIBDIR))'; \
	  echo 'includedir=$(call pcpath,$(INCLUDEDIR))'; \
	  echo; \
	  echo 'Name: edgeplug'; \
	  echo 'Description: small WebAssembly engine with WASI and signed plugins, for embedding'; \
	  echo 'Version: $(EP_VERSION_STR)'; \
	  echo 'Cflags: -I$${includedir}'; \
	  echo 'Libs: -L$${libdir} -ledgeplug -no-pie'; \
	  echo 'Libs.private: -lm'; \
	} >$@.tmp && if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv -f $@.tmp $@; fi

FORCE:

# What install installs, built without the host build (whose x86_64 musl
# compiler a cross recipe need not have).
products: $(if $(filter 1,$(SIGNING)),host,$(B)/edgeplug) $(B)/dist/libedgeplug.a $(B)/dist/edgeplug.pc

install: products docs/man/edgeplug.1 docs/man/edgeplug.3
	@set -e; made=; \
	dir() { p=$$1; while [ "$$p" != / ] && [ ! -d "$(DESTDIR)$$p" ]; do made="$$made $$p"; p=$$(dirname "$$p"); done; \
		install -d "$(DESTDIR)$$1"; }; \
	dir $(BINDIR); dir $(LIBDIR); dir $(PKGCONFIGDIR); dir $(INCLUDEDIR); \
	dir $(MANDIR)/man1; dir $(MANDIR)/man3; dir $(DOCDIR); \
	install -m 755 $(INSTALL_BIN) $(DESTDIR)$(BINDIR)/edgeplug; \
	install -m 644 $(B)/dist/libedgeplug.a $(DESTDIR)$(LIBDIR)/libedgeplug.a; \
	install -m 644 $(B)/dist/edgeplug.pc $(DESTDIR)$(PKGCONFIGDIR)/edgeplug.pc; \
	install -m 644 $(INSTALL_HDRS) $(DESTDIR)$(INCLUDEDIR)/; \
	install -m 644 docs/man/edgeplug.1 $(DESTDIR)$(MANDIR)/man1/edgeplug.1; \
	install -m 644 docs/man/edgeplug.3 $(DESTDIR)$(MANDIR)/man3/edgeplug.3; \
	install -m 644 $(INSTALL_DOCS) $(DESTDIR)$(DOCDIR)/; \
	rec=$(DESTDIR)$(DOCDIR)/installed-dirs; \
	{ [ ! -f "$$rec" ] || cat "$$rec"; for p in $$made; do echo "$$p"; done; } | sort -u >"$$rec.tmp"; \
	mv -f "$$rec.tmp" "$$rec"; chmod 644 "$$rec"; \
	echo "installed $(INSTALL_BIN), the library and its headers, edgeplug.pc, man pages and licences in $(DESTDIR)$(PREFIX)"

# The source tarball for recipes: the committed tree and the fetched
# libsodium source (a recipe's build cannot run apt-get source), its stamp
# made newer than fetch.sh so that the build never fetches again.
DIST_NAME := edgeplug-$(EP_VERSION_STR)
dist: $(SODIUM_STAMP)
	rm -rf build/dist && mkdir -p build/dist/$(DIST_NAME)/build/src
	git archive --format=tar HEAD | tar -x -C build/dist/$(DIST_NAME)
	cp -a $(SODIUM_DIR) build/dist/$(DIST_NAME)/build/src/
	touch build/dist/$(DIST_NAME)/$(SODIUM_STAMP)
	tar -C build/dist -czf build/$(DIST_NAME).tar.gz $(DIST_NAME)
	@echo "build/$(DIST_NAME).tar.gz: sha256 $$(sha256sum build/$(DIST_NAME).tar.gz | cut -d' ' -f1)"

# Children sort after their parents: sort -r removes them first.
uninstall:
	@set -e; rec=$(DESTDIR)$(DOCDIR)/installed-dirs; dirs=; \
	if [ -f "$$rec" ]; then dirs=$$(sort -r "$$rec"); fi; \
	for f in $(INSTALLED); do rm -f "$(DESTDIR)$$f"; done; \
	for d in $$dirs; do rmdir "$(DESTDIR)$$d" 2>/dev/null || true; done; \
	echo "removed edgeplug's files from $(DESTDIR)$(PREFIX)"

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
	@CC=cc sh tests/bench/qcount_test.sh build/bench

# bench-compare: this tree's edgeplug against the one of commit BASE (issue
# 12), built in a git worktree build/base-HASH (kept and reused), on every
# bench workload and on sessions of the real programs of test-programs
# (built by tests/programs/run.sh), interleaved, with callgrind counts;
# results in build/bench-compare[/BOARD]/. bench-compare-smoke: one run on
# tiny inputs, checks only. BASE_MAKE: extra make arguments for the old tree.
# For a board, BENCH_ARGS=--qemu-count counts guest instructions under qemu
# where x86-64 has callgrind (tests/bench/qcount.c; about 100 times slower
# than the emulated runs, about 50 minutes more for rpi-zero).
BASE ?= 32a44bf
BASE_HASH = $(shell git rev-parse --verify --short=12 '$(BASE)^{commit}' 2>/dev/null)
BASE_TREE = build/base-$(BASE_HASH)
BASE_EP = $(BASE_TREE)/build/$(BOARD)/edgeplug
bench-compare-base:
	@[ -n "$(BASE_HASH)" ] || { echo "bench-compare: BASE=$(BASE) is not a commit" >&2; exit 2; }
	@git worktree prune
	@if [ ! -d $(BASE_TREE) ]; then git worktree add --detach $(BASE_TREE) $(BASE_HASH); fi
	@[ "$$(git -C $(BASE_TREE) rev-parse --short=12 HEAD)" = "$(BASE_HASH)" ] || \
		{ echo "bench-compare: $(BASE_TREE) is not at $(BASE_HASH)" >&2; exit 2; }
	@# Later bases build libsodium from the fetched source: lend them ours.
	@if [ -d build/src ] && [ ! -e $(BASE_TREE)/build/src ]; then \
		mkdir -p $(BASE_TREE)/build && cp -a build/src $(BASE_TREE)/build/; fi
	$(MAKE) --no-print-directory -C $(BASE_TREE) BOARD=$(BOARD) $(BASE_MAKE) build/$(BOARD)/edgeplug
COMPARE_RUN = python3 tests/bench/compare.py --board $(BOARD) --base $(BASE_EP) --new $(B)/edgeplug \
	--base-label $(BASE_HASH) --new-label "$$(git describe --always --dirty)" --clang "sh tests/wasm-cc" \
	--native-cc "$(CROSS)gcc $(CPUFLAGS)" --qemu "$(QEMU)" $(BENCH_ARGS)
bench-compare-programs: $(B)/edgeplug
	@PROGRAMS_BUILD_ONLY=1 B=$(B) QEMU="$(QEMU)" WASI_CC="$(WASI_CC)" sh tests/programs/run.sh
bench-compare: $(B)/edgeplug bench-compare-base bench-compare-programs
	$(COMPARE_RUN)
bench-compare-smoke: $(B)/edgeplug bench-compare-base bench-compare-programs
	$(COMPARE_RUN) --smoke

clean:
	rm -rf build

.PHONY: firmware-example firmware-run FORCE all lib lib-core core-firmware products dist install uninstall install-test man-test host host-build unit unit-tsan headers-test docs-example sign-unit spec spec-simd spec-switch test cli-test wasi-test limits-test test-programs \
	plugin-test docs-test size-check demo clean bench bench-smoke bench-compare bench-compare-smoke \
	bench-compare-base bench-compare-programs fuzz fuzz-smoke manifests \
	difftest difftest-smoke

# Real programs (tests/programs/run.sh): Debian's bzip2, zlib and Lua sources
# (apt-get source, pinned versions, fetched once into build/programs/src)
# built for wasm32-wasi and with gcc and compared run for run, and flite from
# npm against stored checksums. Needs the network the first time; a few
# minutes; not part of `test`.
test-programs: $(B)/edgeplug
	@B=$(B) QEMU="$(QEMU)" WASI_CC="$(WASI_CC)" sh tests/programs/run.sh
