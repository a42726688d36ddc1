# src/sodium/sodium.mk - libsodium, built from Debian's source package
# (src/sodium/fetch.sh) into $(B)/libsodium-ep.a: only the files the
# signature layer (src/sign.c) needs, with the board's compiler and our size
# flags, so --gc-sections can drop every function we do not call. Owns
# which libsodium files are compiled and their configure-style defines; the
# Makefile owns $(CC), $(CPUFLAGS), $(B) and the links. docs/signing.md.
#
# Debian's prebuilt libsodium.a has one section per file, not per function:
# one verify and SHA-256 would pull in 120-210 KB. Built here they cost
# 24-37 KB with our sign.c and trust.c (docs/signing.md, per board).

SODIUM_VER := 1.0.18
SODIUM_DIR := build/src/libsodium-$(SODIUM_VER)
SODIUM_STAMP := $(SODIUM_DIR)/.ep-fetched
SODIUM_SRCDIR := $(SODIUM_DIR)/src/libsodium
SODIUM_INC := -I$(SODIUM_SRCDIR)/include
SODIUM_LIB := $(B)/libsodium-ep.a

# Verifying a detached signature and SHA-256 (ref10/sign.c holds the
# SHA-512 prefix open.c uses; its signing half is gc'd away in board builds).
SODIUM_VERIFY_SRC := crypto_sign/ed25519/ref10/open.c crypto_sign/ed25519/ref10/sign.c \
	crypto_core/ed25519/ref10/ed25519_ref10.c crypto_hash/sha512/cp/hash_sha512_cp.c \
	crypto_hash/sha256/cp/hash_sha256_cp.c crypto_verify/sodium/verify.c sodium/utils.c
# Signing adds the key pair from a seed; sign.c reads the seed from
# getrandom(2) itself, so libsodium's randombytes (which aborts when there
# is no entropy) and sodium_init (which pulls in every primitive) stay out.
SODIUM_SIGN_SRC := crypto_sign/ed25519/ref10/keypair.c
SODIUM_SRC := $(SODIUM_VERIFY_SRC) $(if $(filter 1,$(EP_SIGNING)),$(SODIUM_SIGN_SRC))
SODIUM_OBJ := $(addprefix $(B)/sodium/,$(notdir $(SODIUM_SRC:.c=.o)))

# What libsodium's configure would find on every board: musl has
# explicit_bzero (sodium_memzero). NATIVE_LITTLE_ENDIAN
# lets load/store helpers use plain memcpy. HAVE_TI_MODE (unsigned __int128)
# selects the radix-2^51 field code (fe_51) where the compiler has 64x64->128
# multiplies (x86_64, AArch64): fewer, wider limbs, smaller and faster there
# than fe_25_5, which 32-bit ARM keeps. Found as configure does: from the
# compiler's predefined macros (SODIUM_TI_MODE= forces fe_25_5).
SODIUM_TI_MODE ?= $(if $(shell $(CC) $(CPUFLAGS) -dM -E -x c /dev/null | grep __SIZEOF_INT128__),1)
SODIUM_DEFS := -DCONFIGURED=1 -DSODIUM_STATIC=1 -DNATIVE_LITTLE_ENDIAN=1 \
	-DHAVE_EXPLICIT_BZERO=1 \
	$(if $(SODIUM_TI_MODE),-DHAVE_TI_MODE=1)
# libsodium's own warnings are not ours to fix: -w. SODIUM_EXTRA lets a
# board (or a measurement) add flags for these files only, e.g. -mthumb.
SODIUM_CFLAGS := $(CPUFLAGS) $(SODIUM_EXTRA) -Os -ffunction-sections -fdata-sections \
	$(NOUNWIND) $(NOPIE) $(SANFLAGS) -w $(SODIUM_DEFS) \
	$(SODIUM_INC) -I$(SODIUM_SRCDIR)/include/sodium

# SODIUM_SHA512_FLAGS: a board's extra flags for SHA-512 alone. rpi-zero
# builds it as Thumb-1 (2.1 KB smaller; verify hashes only the manifest
# with it, so its speed does not show). Not the field arithmetic: Thumb-1
# has no 32x32->64 multiply, and ed25519_ref10.o in Thumb is 15 times
# slower for 0.5 KB. ARM and Thumb code call each other through BLX.
$(B)/sodium/hash_sha512_cp.o: SODIUM_CFLAGS += $(SODIUM_SHA512_FLAGS)

# One fetch for every board; each sodium object waits for it. The stamp is
# newer than fetch.sh once the tree is complete (a changed pin refetches).
$(SODIUM_STAMP): src/sodium/fetch.sh
	sh src/sodium/fetch.sh $(SODIUM_DIR)

# libsodium's sources do not change once fetched: the stamp stands for them.
$(B)/sodium/%.o: $(SODIUM_STAMP) src/sodium/sodium.mk
	@mkdir -p $(dir $@)
	$(CC) $(SODIUM_CFLAGS) -c $(filter %/$*.c,$(addprefix $(SODIUM_SRCDIR)/,$(SODIUM_SRC))) -o $@

# src/sodium/stubs.c: definitions utils.o refers to from code never run,
# for links without --gc-sections (an embedder's).
SODIUM_OBJ += $(B)/sodium/stubs.o
$(B)/sodium/stubs.o: src/sodium/stubs.c src/sodium/sodium.mk
	@mkdir -p $(dir $@)
	$(CC) $(SODIUM_CFLAGS) -c $< -o $@

$(SODIUM_LIB): $(SODIUM_OBJ)
	rm -f $@
	$(CROSS)ar rcs $@ $^
