#!/usr/bin/env bash
# Renders one of every chart kind carefund draws, from the shipped scenarios, into
# docs/gallery/ (see docs/gallery.md). Small path counts keep it to about a minute on a
# laptop; the charts' shapes are those of full runs, their bands a little noisier.
#
#   docs/gallery.sh            # from the repository root or anywhere inside it
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --quiet -p carefund-cli
bin="$PWD/target/release/carefund"
out=docs/gallery
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

swindon=data/scenarios/swindon-2015.toml
slow=data/scenarios/swindon-2015-slow-ramps.toml
valencia=data/scenarios/valencia-alzira.toml

quiet() { "$bin" "$@" >/dev/null; }
# keep DIR PREFIX NAME...: copies DIR/NAME.png to docs/gallery/PREFIX-NAME.png
keep() {
  local dir=$1 prefix=$2
  shift 2
  for name in "$@"; do
    cp "$work/$dir/$name.png" "$out/$prefix-$name.png"
  done
}

echo "run: Swindon and Valencia" >&2
quiet run "$swindon" --paths 2000 --out "$work/swindon"
keep swindon swindon fan admissions histogram cash break-even evidence-fan evidence-effects
quiet run "$valencia" --paths 2000 --out "$work/valencia"
keep valencia valencia fan admissions histogram cash break-even evidence-fan

echo "stress" >&2
quiet stress "$swindon" --paths 1000 --out "$work/stress"
keep stress swindon stress-bars stress-fan

echo "compare, compare --voi" >&2
quiet compare "$swindon" "$slow" --paths 1000 --out "$work/compare"
keep compare swindon compare-fan compare-difference
quiet init --do-nothing "$swindon" "$work/do-nothing.toml"
quiet compare "$swindon" "$work/do-nothing.toml" --paths 4000 --voi \
  --group 'effects=scheme.*.effect' --group 'success=scheme.*.success_probability' \
  --admission-value 25000 --out "$work/voi"
keep voi swindon voi-evppi voi-acceptability

echo "sensitivity" >&2
quiet sensitivity "$swindon" --paths 1000 --sobol-rows 300 --bootstrap 50 --out "$work/sensitivity"
keep sensitivity swindon tornado swing sobol

echo "twoway" >&2
quiet twoway "$swindon" --paths 300 --metric median_cum_net \
  --x 'scheme.Reablement and intermediate care.effect=0:0.04:9' \
  --y 'costs.cashable_share_long=0.3:0.9:7' --out "$work/twoway-swindon"
keep twoway-swindon swindon twoway
quiet twoway "$valencia" --paths 300 \
  --x 'costs.cashable_share_long=0.3:0.9:7' --y 'demand.growth=0:0.04:5' \
  --out "$work/twoway-valencia"
keep twoway-valencia valencia twoway

echo "national" >&2
quiet national --areas data/national/areas-synthetic.csv \
  --template data/national/england-2015.toml --paths 200 --out "$work/national"
keep national england national-fan national-ratings national-break-even

echo "wrote $(ls "$out" | wc -l) charts to $out" >&2
