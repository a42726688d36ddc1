#!/bin/sh
# src/sodium/fetch.sh - gets libsodium's Debian source package once into
# build/src/ (shared by every board) and unpacks it with Debian's patches.
# Owns the version pin and the checksums; what is compiled, and how, is
# sodium.mk's. Never builds anything and never touches the tree outside
# build/src/.
#
#   sh src/sodium/fetch.sh OUTDIR        e.g. build/src/libsodium-1.0.18
#
# The checksums pin the exact bytes the build was measured and reviewed
# with: apt's own signature chain authenticates the archive, these make a
# changed package (or a different mirror's idea of it) a loud failure
# instead of a silent new input. OUTDIR/.ep-fetched marks a complete tree.
set -eu
LC_ALL=C
export LC_ALL

PKG=libsodium
VER=1.0.18-1+deb12u1
DSC=libsodium_1.0.18-1+deb12u1.dsc
ORIG=libsodium_1.0.18.orig.tar.gz
DEB=libsodium_1.0.18-1+deb12u1.debian.tar.xz
SUM_DSC=2c23c57b5a9385dab5a1916014c9b5f2cdd7dadeb8a35b28c1bfb603ce7095c4
SUM_ORIG=d59323c6b712a1519a5daf710b68f5e7fde57040845ffec53850911f10a5d4f4
SUM_DEB=f410474e46346b06b162defa05b1be26906aeed6cf309e3d4ebe30b4d1350733

if [ $# -ne 1 ]; then
	echo "usage: sh src/sodium/fetch.sh OUTDIR" >&2
	exit 2
fi
out=$1
fail() {
	echo "src/sodium/fetch.sh: $*" >&2
	exit 1
}

parent=$(dirname "$out")
mkdir -p "$parent"
# Boards built at once in one tree: the first fetches, the others wait and
# then find the stamp newer than this script.
exec 9>"$parent/.fetch.lock"
flock 9
[ "$out/.ep-fetched" -nt "$0" ] && exit 0
tmp=$(mktemp -d "$parent/.fetch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

# apt-get source writes into the current directory, as any user.
if ! (cd "$tmp" && apt-get source -qq --download-only "$PKG=$VER") >"$tmp/apt.log" 2>&1; then
	fail "apt-get cannot fetch the source of $PKG $VER (no deb-src line?): run 'bash .ci/run', which sets up deb-src and dpkg-dev"
fi
check() {
	[ -f "$tmp/$1" ] || fail "$1: not fetched by apt-get source; run 'bash .ci/run'"
	got=$(sha256sum "$tmp/$1" | cut -d' ' -f1)
	[ "$got" = "$2" ] || fail "$1: SHA-256 $got, expected $2 (the pin in src/sodium/fetch.sh)"
}
check "$DSC" "$SUM_DSC"
check "$ORIG" "$SUM_ORIG"
check "$DEB" "$SUM_DEB"

command -v dpkg-source >/dev/null 2>&1 || fail "dpkg-source not found (package dpkg-dev): run 'bash .ci/run'"
# The .dsc's OpenPGP signature is not checked here (that needs
# debian-keyring); the three checksums above already pin every byte.
if ! (cd "$tmp" && dpkg-source --no-check -x "$DSC" src) >"$tmp/dpkg.log" 2>&1; then
	cat "$tmp/dpkg.log" >&2
	fail "dpkg-source -x $DSC failed"
fi

# The one header configure would generate: sodium/version.h, from the
# values of 1.0.18's configure.ac (library version 10.3, full build).
inc=$tmp/src/src/libsodium/include/sodium
sed -e 's/@VERSION@/1.0.18/' \
	-e 's/@SODIUM_LIBRARY_VERSION_MAJOR@/10/' \
	-e 's/@SODIUM_LIBRARY_VERSION_MINOR@/3/' \
	-e 's/@SODIUM_LIBRARY_MINIMAL_DEF@//' \
	"$inc/version.h.in" >"$inc/version.h"
grep -q @ "$inc/version.h" && fail "$inc/version.h: a placeholder was left"

rm -rf "$out"
mv "$tmp/src" "$out" || fail "cannot create $out"
touch "$out/.ep-fetched"
