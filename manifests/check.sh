#!/bin/sh
# manifests/check.sh - `make manifests`: each example manifest in DIR
# (build/manifests, where the Makefile put every NAME/NAME.ini beside its
# built module) names a module that exists and hashes to its sha256 line.
# Prints one line per manifest; exit 1 at the first mismatch.
set -e
dir=${1:-build/manifests}
n=0
for ini in "$dir"/*/*.ini; do
	[ -f "$ini" ] || continue
	folder=${ini%/*}
	wasm=$(sed -n 's/^wasm[ 	]*=[ 	]*\([^ 	;#]*\).*/\1/p' "$ini")
	want=$(sed -n 's/^sha256[ 	]*=[ 	]*\([0-9a-f]*\).*/\1/p' "$ini")
	if [ ! -f "$folder/$wasm" ]; then
		echo "manifests: $ini: $folder/$wasm not found" >&2
		exit 1
	fi
	got=$(sha256sum "$folder/$wasm" | cut -d' ' -f1)
	if [ "$got" != "$want" ]; then
		echo "manifests: $ini: $wasm hashes to $got, the manifest says $want" >&2
		exit 1
	fi
	echo "manifest ${ini#"$dir"/}: $wasm sha256 ok"
	n=$((n + 1))
done
if [ "$n" -eq 0 ]; then
	echo "manifests: no manifests in $dir" >&2
	exit 1
fi
