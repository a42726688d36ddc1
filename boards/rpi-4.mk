# Raspberry Pi 4: Cortex-A72, AArch64.
CROSS := aarch64-linux-gnu-
MUSL_SYSROOT := /usr/lib/aarch64-linux-musl
CC := $(CROSS)gcc -specs=$(MUSL_SYSROOT)/musl-gcc.specs
CPUFLAGS := -mcpu=cortex-a72
BOARD_DEFS :=
QEMU := qemu-aarch64-static -cpu cortex-a72
