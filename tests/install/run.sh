#!/bin/sh
# tests/install/run.sh - `make install` and `make uninstall` for the
# current BOARD, into a temporary DESTDIR as a Buildroot or Yocto recipe
# would call them: the exact file list, the installed binary being the
# board's, libsodium inside libedgeplug.a, edgeplug.pc (version, and found
# through PKG_CONFIG_SYSROOT_DIR and --define-prefix), two programs built
# with the board's compiler from the installed files alone and run (under
# $QEMU), then uninstall leaving nothing, and nothing else removed when the
# tree held files and directories of its own. Run by `make install-test`
# with MAKE, BOARD, B, QEMU, CC and CROSS.
# The last line is always "N passed, M failed"; exits 1 if M > 0.
set -u

HERE=$(dirname "$0")
# shellcheck source=tests/lib.sh
. "$HERE/../lib.sh"
MAKE=${MAKE:-make}
BOARD=${BOARD:-x86_64}
CC=${CC:-musl-gcc}
CROSS=${CROSS:-}
R=$B/install-test
D=$R/dest
P=/usr/local
rm -rf "$R"
mkdir -p "$R"
# DESTDIR must be absolute: make runs the recipes from the top of the tree.
D=$(cd "$R" && pwd)/dest

inst() {
	$MAKE --no-print-directory BOARD="$BOARD" DESTDIR="$D" PREFIX=$P "$@" >"$R/make.log" 2>&1
}

# What install must put there, computed from the tree.
{
	echo "$P/bin/edgeplug"
	for h in include/edgeplug*.h; do echo "$P/include/${h##*/}"; done
	echo "$P/lib/libedgeplug.a"
	echo "$P/lib/pkgconfig/edgeplug.pc"
	for f in docs/licenses/* LICENSE COPYING; do
		[ -f "$f" ] && echo "$P/share/doc/edgeplug/${f##*/}"
	done
	echo "$P/share/doc/edgeplug/installed-dirs"
	echo "$P/share/man/man1/edgeplug.1"
	echo "$P/share/man/man3/edgeplug.3"
} | sort >"$R/want-files"
# tree DIR: every file and directory below DIR, as paths from DIR.
tree() {
	(cd "$1" && find . -mindepth 1 | sed 's/^\.//' | sort)
}

# ---- an empty DESTDIR ----
mkdir -p "$D"
if inst install; then ok; else bad "make install"; indent "$R/make.log"; fi
(cd "$D" && find . -type f | sed 's/^\.//' | sort) >"$R/got-files"
if cmp -s "$R/want-files" "$R/got-files"; then
	ok
else
	bad "installed files differ from the expected list (< expected, > installed)"
	diff "$R/want-files" "$R/got-files" | sed 's/^/    /'
fi
if [ -x "$D$P/bin/edgeplug" ] && cmp -s "$B/edgeplug" "$D$P/bin/edgeplug"; then
	ok
else
	bad "bin/edgeplug is not $B/edgeplug, executable"
fi
# One archive: libsodium's verifier is a member of libedgeplug.a.
if "${CROSS}nm" "$D$P/lib/libedgeplug.a" 2>/dev/null | grep -q ' T crypto_sign_ed25519_verify_detached$'; then
	ok
else
	bad "libedgeplug.a does not define crypto_sign_ed25519_verify_detached (libsodium)"
fi

pc() {
	PKG_CONFIG_LIBDIR="$D$P/lib/pkgconfig" PKG_CONFIG_PATH= PKG_CONFIG_SYSROOT_DIR="$D" pkg-config "$@"
}
version=$(sed -n 's/^#define EP_VERSION "\(.*\)"/\1/p' include/edgeplug.h)
got=$(pc --modversion edgeplug 2>&1)
if [ -n "$version" ] && [ "$got" = "$version" ]; then
	ok
else
	bad "pkg-config --modversion edgeplug: \"$got\", want EP_VERSION \"$version\""
fi
if pc --validate edgeplug >"$R/pc.log" 2>&1; then ok; else bad "pkg-config --validate edgeplug"; indent "$R/pc.log"; fi
flags=$(pc --cflags --libs --static edgeplug)
case " $flags " in
*" -I$D$P/include "*"-L$D$P/lib "*"-ledgeplug "*"-lm "*) ok ;;
*) bad "pkg-config --cflags --libs --static edgeplug: \"$flags\"" ;;
esac
# --define-prefix: the .pc's own place decides, without a sysroot.
dflags=$(PKG_CONFIG_LIBDIR="$D$P/lib/pkgconfig" PKG_CONFIG_PATH= pkg-config --define-prefix --cflags --libs edgeplug)
case " $dflags " in
*" -I$D$P/include "*"-L$D$P/lib "*) ok ;;
*) bad "pkg-config --define-prefix --cflags --libs edgeplug: \"$dflags\"" ;;
esac

# Built in $R, away from the tree's include/: only what pkg-config says.
# shellcheck disable=SC2086
for prog in size/core-firmware.c tests/install/embed.c; do
	n=$(basename "$prog" .c)
	if $CC -std=c99 -Wall -Wextra -o "$R/$n" "$prog" $flags -static >"$R/cc.log" 2>&1; then
		ok
	else
		bad "$prog does not build against the installed files"
		echo "    $CC -std=c99 -Wall -Wextra -o $R/$n $prog $flags -static"
		indent "$R/cc.log"
	fi
done
if [ -x "$R/core-firmware" ] && $QEMU "$R/core-firmware" >"$R/out" 2>&1 && [ ! -s "$R/out" ]; then
	ok
else
	bad "core-firmware built against the installed library failed"
	indent "$R/out"
fi
if [ -x "$R/embed" ] && $QEMU "$R/embed" >"$R/out" 2>&1 &&
	check "$R/out" "edgeplug $version: bad argument, fuel exhausted"; then
	ok
else
	bad "embed built against the installed library failed"
	indent "$R/out"
fi

if inst uninstall; then ok; else bad "make uninstall"; indent "$R/make.log"; fi
tree "$D" >"$R/left"
if [ ! -s "$R/left" ]; then
	ok
else
	bad "uninstall left these behind:"
	indent "$R/left"
fi

# ---- a DESTDIR with a tree of its own ----
# Its files and directories, empty ones included, must stay; installing
# twice must not make uninstall forget the directories it made.
rm -rf "$D"
mkdir -p "$D$P/lib/pkgconfig" "$D$P/share/man/man1" "$D$P/bin"
echo other >"$D$P/lib/pkgconfig/other.pc"
echo other >"$D$P/bin/other"
tree "$D" >"$R/before"
if inst install && inst install && inst uninstall; then ok; else bad "install, install, uninstall"; indent "$R/make.log"; fi
tree "$D" >"$R/after"
if cmp -s "$R/before" "$R/after"; then
	ok
else
	bad "install and uninstall changed what was there (< before, > after)"
	diff "$R/before" "$R/after" | sed 's/^/    /'
fi

# ---- another PREFIX: the .pc follows it ----
rm -rf "$D"
mkdir -p "$D"
if $MAKE --no-print-directory BOARD="$BOARD" DESTDIR="$D" PREFIX=/opt/ep install >"$R/make.log" 2>&1; then
	ok
else
	bad "make install PREFIX=/opt/ep"
	indent "$R/make.log"
fi
oflags=$(PKG_CONFIG_LIBDIR="$D/opt/ep/lib/pkgconfig" PKG_CONFIG_PATH= PKG_CONFIG_SYSROOT_DIR="$D" \
	pkg-config --cflags --libs edgeplug 2>&1)
case " $oflags " in
*" -I$D/opt/ep/include "*"-L$D/opt/ep/lib "*) ok ;;
*) bad "PREFIX=/opt/ep: pkg-config --cflags --libs edgeplug: \"$oflags\"" ;;
esac
$MAKE --no-print-directory BOARD="$BOARD" DESTDIR="$D" PREFIX=/opt/ep uninstall >"$R/make.log" 2>&1
tree "$D" >"$R/left"
if [ ! -s "$R/left" ]; then
	ok
else
	bad "PREFIX=/opt/ep: uninstall left these behind:"
	indent "$R/left"
fi

rm -rf "$D"
summary
