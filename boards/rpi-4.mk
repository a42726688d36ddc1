# Raspberry Pi 4: Cortex-A72, AArch64.
CROSS := aarch64-linux-gnu-
MUSL_SYSROOT := /usr/lib/aarch64-linux-musl
CC := $(CROSS)gcc -specs=$(MUSL_SYSROOT)/musl-gcc.specs
# -mcmodel=tiny: the binary is far below the model's 1 MiB, so every address
# of code or data is one ADR instead of ADRP+ADD: 4 KB smaller, and faster.
CPUFLAGS := -mcpu=cortex-a72 -mcmodel=tiny
BOARD_DEFS :=
QEMU := qemu-aarch64-static -cpu cortex-a72
