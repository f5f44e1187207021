#!/usr/bin/env bash
# Renders docs/workbook-schemes.png, README's screenshot of the Schemes sheet: the
# workbook `carefund init --xlsx` writes, printed to PDF by LibreOffice headless, its
# Schemes page (page 6) rasterised by poppler and cropped to the first columns.
# Needs soffice (libreoffice-calc-nogui) and pdftoppm (poppler-utils).
#
#   docs/workbook-screenshot.sh     # from the repository root or anywhere inside it
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --quiet -p carefund-cli
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
target/release/carefund init --xlsx "$work/plan.xlsx" >/dev/null
soffice "-env:UserInstallation=file://$work/profile" --headless --convert-to pdf \
  --outdir "$work" "$work/plan.xlsx" >/dev/null
pdftoppm -r 220 -png -singlefile -f 6 -l 6 -x 136 -y 94 -W 1454 -H 132 \
  "$work/plan.pdf" "$work/schemes"
cp "$work/schemes.png" docs/workbook-schemes.png
