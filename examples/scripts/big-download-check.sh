#!/usr/bin/env bash
# Manual end-to-end check: `haul get` of a large body in a small heap.
#
#   examples/scripts/big-download-check.sh [SIZE_MIB] [HEAP]     (defaults: 3072 MiB, -Xmx64m)
#
# Generates a SIZE_MIB file (sparse, with random blocks at the start, the middle and the end so
# that a misplaced or missing range changes the hash), serves its folder with `./haul serve`,
# downloads it with `./haul get -o ... --sha256 <expected>` in a JVM limited to HEAP (through
# HAUL_JAVA_OPTS, which the `haul` launcher passes to java), and compares the hashes. Needs about
# twice SIZE_MIB of free disk in $TMPDIR for the download (the source file is sparse).
# Exit status 0 when the download completed and both hashes match.
set -euo pipefail

size_mib="${1:-3072}"
heap="${2:--Xmx64m}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/haul-big.XXXXXX")"
serve_pid=""

cleanup() {
  if [ -n "$serve_pid" ]; then
    kill "$serve_pid" 2>/dev/null || true
    wait "$serve_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "building haul.jar..." >&2
(cd "$repo" && mvn -q -B -o -DskipTests -pl examples -am package) >&2

mkdir -p "$work/served" "$work/out"
src="$work/served/big.bin"
echo "generating $size_mib MiB at $src..." >&2
truncate -s "${size_mib}M" "$src"
for at_mib in 0 $((size_mib / 2)) $((size_mib - 1)); do
  dd if=/dev/urandom of="$src" bs=1M count=1 seek="$at_mib" conv=notrunc status=none
done
expected="$(sha256sum "$src" | cut -d' ' -f1)"
echo "expected SHA-256 $expected" >&2

"$repo/haul" serve "$work/served" --port 0 >"$work/serve.log" 2>&1 &
serve_pid=$!
url=""
for _ in $(seq 1 300); do
  url="$(sed -n 's/^serving .* at \(http[^ ]*\)$/\1/p' "$work/serve.log")"
  [ -n "$url" ] && break
  if ! kill -0 "$serve_pid" 2>/dev/null; then
    cat "$work/serve.log" >&2
    echo "haul serve exited early" >&2
    exit 1
  fi
  sleep 0.1
done
[ -n "$url" ] || { echo "haul serve did not start" >&2; exit 1; }
echo "served at $url" >&2

target="$work/out/big.bin"
set +e
HAUL_JAVA_OPTS="$heap" "$repo/haul" get "${url}big.bin" -o "$target" --sha256 "$expected" --json \
  --timeout 60m >"$work/get.json" 2>"$work/get.err"
code=$?
set -e
cat "$work/get.json"
if [ "$code" -ne 0 ]; then
  cat "$work/get.err" >&2
  echo "FAIL: haul get exited $code" >&2
  exit 1
fi
actual="$(sha256sum "$target" | cut -d' ' -f1)"
if [ "$actual" != "$expected" ]; then
  echo "FAIL: downloaded SHA-256 $actual, expected $expected" >&2
  exit 1
fi
echo "OK: $size_mib MiB downloaded with $heap, SHA-256 $actual" >&2
