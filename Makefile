# edgeplug - plain GNU make. `make` builds build/$(BOARD)/edgeplug.
#   make test           unit tests, CLI tests and the spec testsuite
#   make spec           the spec testsuite only (TESTSUITE=dir to override)
#   make test SANITIZE=1  the same under ASan+UBSan (clang, dynamic, build/sanitize)
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
LDSTATIC := -static
endif

WARN := -Wall -Wextra -Wno-unused-parameter
CFLAGS_COMMON := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) $(CPUFLAGS) $(BOARD_DEFS) \
	-Iinclude -Isrc -ffunction-sections -fdata-sections $(SANFLAGS) $(EXTRA_CFLAGS)
# The interpreter loop is built for speed, the rest for size.
OPT_FAST := -O2
OPT_SMALL := -Os
LDFLAGS := $(LDSTATIC) -Wl,--gc-sections $(SANFLAGS)

ENGINE_SRC := src/alloc.c src/decode.c src/validate.c src/lower.c src/exec.c src/instance.c
CLI_SRC := src/cli.c
ENGINE_OBJ := $(ENGINE_SRC:src/%.c=$(B)/obj/%.o)
CLI_OBJ := $(CLI_SRC:src/%.c=$(B)/obj/%.o)
HDRS := $(wildcard include/*.h src/*.h)

all: $(B)/edgeplug

$(B)/obj/exec.o: src/exec.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) $(OPT_FAST) -c $< -o $@

$(B)/obj/%.o: src/%.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) $(OPT_SMALL) -c $< -o $@

$(B)/libedgeplug.a: $(ENGINE_OBJ)
	rm -f $@
	$(CROSS)ar rcs $@ $^

$(B)/edgeplug: $(CLI_OBJ) $(B)/libedgeplug.a
	$(CC) $(LDFLAGS) -Wl,-Map,$(B)/edgeplug.map -o $@ $^ -lm
ifneq ($(SANITIZE),1)
	$(CROSS)strip $@
endif

# ---- tests ----
UNIT_SRC := $(wildcard tests/unit/*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/unit/%)

$(B)/unit/%: tests/unit/%.c $(B)/libedgeplug.a $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) -O1 -g $(LDFLAGS) -o $@ $< $(B)/libedgeplug.a -lm

$(B)/spec-runner: tests/spec/runner.c $(B)/libedgeplug.a $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_COMMON) -O2 $(LDFLAGS) -o $@ $< $(B)/libedgeplug.a -lm

unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; $(QEMU) $$t; done

spec: $(B)/spec-runner
	@TESTSUITE=$(TESTSUITE) B=$(B) QEMU="$(QEMU)" sh tests/spec/run.sh

# SIMD is not part of the engine yet: reported on its own, not in `make test`.
spec-simd: $(B)/spec-runner
	@TESTSUITE=$(TESTSUITE) B=$(B) QEMU="$(QEMU)" sh tests/spec/run.sh --simd

# The switch-dispatch fallback must stay correct too: same spec, other build dir.
spec-switch:
	@mkdir -p $(B)-switch
	@$(MAKE) --no-print-directory spec B=$(B)-switch EXTRA_CFLAGS=-DEP_SWITCH_DISPATCH=1 \
		> $(B)-switch/spec.log 2>&1 || { cat $(B)-switch/spec.log; exit 1; }
	@printf 'switch: '; tail -n 1 $(B)-switch/spec.log

test: all unit cli-test spec spec-switch

cli-test: $(B)/edgeplug
	@B=$(B) QEMU="$(QEMU)" sh tests/cli/run.sh

$(B)/examples/%.wasm: examples/%.wat
	@mkdir -p $(dir $@)
	wat2wasm $< -o $@

demo: $(B)/edgeplug $(B)/examples/fib.wasm
	$(QEMU) $(B)/edgeplug run --invoke fib $(B)/examples/fib.wasm 30

clean:
	rm -rf build

.PHONY: all unit spec spec-simd spec-switch test cli-test demo clean
