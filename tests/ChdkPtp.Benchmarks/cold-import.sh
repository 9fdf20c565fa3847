#!/usr/bin/env bash
# Cold module import: a fresh chdkps process that imports ChdkPtp, against one that does not.
# Usage: tests/ChdkPtp.Benchmarks/cold-import.sh [runs]   (from anywhere; builds chdkps if needed)
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
runs=${1:-10}
cd "$repo"
./chdkps -NoModule -Command '1' >/dev/null   # build and warm the disk cache
time_ms() {
    local t0 t1
    t0=$(date +%s%N)
    for _ in $(seq "$runs"); do ./chdkps -NoModule -Command "$1" >/dev/null; done
    t1=$(date +%s%N)
    echo $(( (t1 - t0) / runs / 1000000 ))
}
base=$(time_ms '1')
import=$(time_ms 'Import-Module ./ChdkPtp.psd1')
echo "chdkps process without the module: ${base} ms"
echo "chdkps process importing ChdkPtp:   ${import} ms"
awk -v b="$base" -v i="$import" 'BEGIN { printf "import adds %d ms, ratio %.2f\n", i - b, i / b }'
