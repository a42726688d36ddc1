# x86-64 host: musl-gcc from Debian musl-tools; runs natively.
CROSS :=
CC := musl-gcc
CPUFLAGS :=
BOARD_DEFS :=
QEMU :=
