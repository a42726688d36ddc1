# Raspberry Pi 2 v1.2 / 3 in 32-bit mode: ARMv7-A (Cortex-A53 runs it), VFPv4 + NEON,
# hard-float ABI. ARMv8's AArch32 extras (vrint*) are left out so the binary
# also runs on Cortex-A7 boards, which is the CPU the tests emulate.
CROSS := arm-linux-gnueabihf-
MUSL_SYSROOT := /usr/lib/arm-linux-musleabihf
CC := $(CROSS)gcc -specs=$(MUSL_SYSROOT)/musl-gcc.specs
CPUFLAGS := -march=armv7-a -mtune=cortex-a53 -mfpu=neon-vfpv4 -mfloat-abi=hard
BOARD_DEFS :=
QEMU := qemu-arm-static -cpu cortex-a7
