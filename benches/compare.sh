#!/bin/sh
# Run the engine and sampler benches once and print the medians and the ratios the
# performance issue asks for, all from this one run (the machine is shared: ratios
# measured in one run are comparable, figures from different runs much less so).
#
# Usage (from the workspace root):
#   benches/compare.sh                         # full criterion defaults
#   benches/compare.sh --measurement-time 3    # extra arguments go to criterion
#   SKIP_RUN=1 benches/compare.sh              # only print, from the last run
set -eu
cd "$(dirname "$0")/.."
if [ -z "${SKIP_RUN:-}" ]; then
    cargo bench -p carefund-benches --bench engine --bench samplers -- "$@" >/dev/null
fi
echo "machine: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p' | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
printf "%-48s %12s %10s\n" bench median "per path"
benches/medians.sh
echo
dir="${CARGO_TARGET_DIR:-target}/criterion"
median() { jq '.median.point_estimate' "$dir/$1/new/estimates.json"; }
ratio() { awk -v a="$(median "$1")" -v b="$(median "$2")" 'BEGIN { printf "%.2f", a / b }'; }
for s in swindon valencia; do
    echo "$s: engine (1 thread) / floor              = $(ratio "$s/simulate_10k_paths_1_threads" "$s/floor_10k_paths")x   (goal <= 1.5x for swindon)"
    echo "$s: sample+project (no storage) / floor    = $(ratio "$s/sample_and_project_10k_paths" "$s/floor_10k_paths")x"
    echo "$s: thread scaling, 1 -> 2 threads          = $(ratio "$s/simulate_10k_paths_1_threads" "$s/simulate_10k_paths_2_threads")x   (goal >= 1.8x for swindon)"
done
