#!/bin/sh
# tests/unit/plugin_host/sign.sh HOST_EP DIR - the signed fixtures of
# test_plugin_host: DIR holds the .wasm files the Makefile built from this
# folder's .wat; this makes DIR/signed/ with two new key pairs (test,
# other), bad.wasm (not a module), each NAME.ini from NAME.ini.in with the
# sha256 of the module it names, signed by test, and v1-other.ini, v1's
# manifest signed by other. Keys are new each time: the test reads them
# from the .pub files. Built in a scratch folder and renamed into place, so
# a test running meanwhile sees the old set or the new one.
set -eu
HOST_EP=$1
DIR=$2
HERE=$(dirname "$0")
T=$DIR/signed.$$
rm -rf "$T"
mkdir -p "$T"
trap 'rm -rf "$T"' EXIT
cp "$DIR"/*.wasm "$T"/
printf '\000asm\001\000\000\000\001\005' >"$T/bad.wasm"
"$HOST_EP" keygen "$T/test" >/dev/null
"$HOST_EP" keygen "$T/other" >/dev/null
for in in "$HERE"/*.ini.in; do
	n=$(basename "$in" .ini.in)
	w=$(sed -n 's/^wasm = //p' "$in")
	sha=$(sha256sum "$T/$w" | cut -d' ' -f1)
	sed "s/@SHA256@/$sha/" "$in" >"$T/$n.ini"
	"$HOST_EP" sign --key "$T/test.key" "$T/$n.ini" >/dev/null
done
cp "$T/v1.ini" "$T/v1-other.ini"
"$HOST_EP" sign --key "$T/other.key" "$T/v1-other.ini" >/dev/null
rm -rf "$DIR/signed.old"
if [ -d "$DIR/signed" ]; then mv "$DIR/signed" "$DIR/signed.old"; fi
mv "$T" "$DIR/signed"
rm -rf "$DIR/signed.old"
trap - EXIT
