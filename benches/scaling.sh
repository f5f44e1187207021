#!/bin/sh
# Time and peak memory of whole `carefund run`s against the number of paths and against
# the horizon, written as a table (benches/scaling.tsv) that `scaling-chart` draws on
# log-log axes (benches/scaling.svg). Needs GNU time (/usr/bin/time).
#
# Usage (from the workspace root):
#   benches/scaling.sh                  # paths 10k … 10M, horizons 5y quarterly … 60y monthly
#   PATHS="10000 100000" HORIZON_PATHS=2000 benches/scaling.sh   # a quicker sweep
#   SKIP_RUN=1 benches/scaling.sh       # only redraw the chart from benches/scaling.tsv
#
# Every run is the shipped Swindon scenario with `--paths-file none` (the per-path CSV is
# a stream of about 690 bytes a path whose cost is the disk's, not the engine's), charts
# as SVG, on every available core. Horizons change only `horizon_years` and
# `periods_per_year` of the same scenario.
set -eu
cd "$(dirname "$0")/.."
tsv=benches/scaling.tsv
if [ -z "${SKIP_RUN:-}" ]; then
    [ -x /usr/bin/time ] || { echo "scaling.sh needs GNU time at /usr/bin/time" >&2; exit 2; }
    cargo build --release -q -p carefund-cli
    bin="${CARGO_TARGET_DIR:-target}/release/carefund"
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    printf 'sweep\tpaths\thorizon_years\tperiods_per_year\tcolumns\twall_s\tuser_s\tsys_s\tpeak_rss_mb\tload_1min\n' >"$tsv"
    one() { # sweep paths years per_year
        sed -e "s/^horizon_years = .*/horizon_years = $3/" \
            -e "s/^periods_per_year = .*/periods_per_year = $4/" \
            data/scenarios/swindon-2015.toml >"$work/s.toml"
        load=$(cut -d' ' -f1 /proc/loadavg)
        rm -rf "$work/out"
        /usr/bin/time -o "$work/t" -f '%e\t%U\t%S\t%M' "$bin" run "$work/s.toml" \
            --paths "$2" --paths-file none --format svg --out "$work/out" >/dev/null
        # 15 quantities a period (the per-period table's columns)
        printf '%s\t%s\t%s\t%s\t%s\t' "$1" "$2" "$3" "$4" $(($3 * $4 * 15)) >>"$tsv"
        awk -F'\t' -v load="$load" '{ printf "%s\t%s\t%s\t%.0f\t%s\n", $1, $2, $3, $4 / 1024, load }' \
            "$work/t" >>"$tsv"
        tail -1 "$tsv"
    }
    for n in ${PATHS:-10000 100000 1000000 10000000}; do one paths "$n" 5 4; done
    for h in "5 4" "10 4" "30 4" "30 12" "60 12"; do
        # shellcheck disable=SC2086
        one horizon "${HORIZON_PATHS:-10000}" $h
    done
fi
cargo run --release -q -p carefund-benches --bin scaling-chart -- "$tsv" benches/scaling.svg
echo "machine: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p' | head -1)"
column -t -s "$(printf '\t')" "$tsv"
