# Raspberry Pi Zero / Zero W / 1: ARM1176JZF-S, ARMv6 + VFPv2, no Thumb-2, no NEON.
# Debian's armel musl (soft-float ABI) is the one built for ARMv6; our own code
# still uses the VFP through -mfloat-abi=softfp.
CROSS := arm-linux-gnueabi-
MUSL_SYSROOT := /usr/lib/arm-linux-musleabi
CC := $(CROSS)gcc -specs=$(MUSL_SYSROOT)/musl-gcc.specs
CPUFLAGS := -mcpu=arm1176jzf-s -marm -mfloat-abi=softfp -mfpu=vfp
BOARD_DEFS :=
QEMU := qemu-arm-static -cpu arm1176
# Everything but the interpreter loop (built -O2 in ARM mode) is Thumb-1,
# which ARMv6 runs beside ARM code: about 25% smaller, and only the loading,
# WASI and CLI paths, which are not the hot ones, pay for it.
SMALL_CPUFLAGS := -mthumb
# libsodium's SHA-512 as Thumb-1: smaller, and it only hashes manifests
# (src/sodium/sodium.mk says why not the rest).
SODIUM_SHA512_FLAGS := -mthumb
