#!/usr/bin/env bash
# Extracts weka's Reuters ARFF files from Debian's weka package without
# installing it (and its Java runtime): apt-get download + dpkg-deb.
set -euo pipefail
out="$1"
mkdir -p "$out"
if [ -f "$out/ReutersGrain-train.arff" ]; then exit 0; fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get download weka >/dev/null 2>&1 || { apt-get update -qq && apt-get download weka >/dev/null; })
dpkg-deb --fsys-tarfile "$tmp"/weka_*.deb |
  tar -x -C "$tmp" ./usr/share/doc/weka/examples/ReutersGrain-train.arff \
    ./usr/share/doc/weka/examples/ReutersGrain-test.arff
mv "$tmp"/usr/share/doc/weka/examples/ReutersGrain-*.arff "$out/"
