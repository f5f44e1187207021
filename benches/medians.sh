#!/bin/sh
# Print the median of every criterion bench found under target/criterion (or $1), in
# the unit that reads best, with the per-element time when the bench counts elements.
# Usage: benches/medians.sh [baseline]   (default: the latest run, "new")
set -eu
dir="${CARGO_TARGET_DIR:-target}/criterion"
base="${1:-new}"
for f in "$dir"/*/*/"$base"/estimates.json; do
    id=${f#"$dir"/}
    id=${id%/"$base"/estimates.json}
    ns=$(jq '.median.point_estimate' "$f")
    echo "$id $ns"
done | awk '{
    ns = $2
    if (ns >= 1e6) t = sprintf("%.1f ms", ns / 1e6)
    else if (ns >= 1e3) t = sprintf("%.1f µs", ns / 1e3)
    else t = sprintf("%.0f ns", ns)
    n = 0
    if ($1 ~ /10k_paths/) n = 10000
    else if ($1 ~ /1024/) n = 1024
    per = n ? sprintf("%.0f ns", ns / n) : "-"
    printf "%-48s %12s %10s\n", $1, t, per
}'
