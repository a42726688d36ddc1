# x86-64 host: musl-gcc from Debian musl-tools; runs natively.
CROSS :=
CC := musl-gcc
CPUFLAGS :=
BOARD_DEFS :=
QEMU :=
# Text and read-only data share one segment: GNU ld otherwise pads each to
# a 4 KiB page of its own, about 4 KB of the file for nothing.
BOARD_LDFLAGS := -Wl,-z,noseparate-code
