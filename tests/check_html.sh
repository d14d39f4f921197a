#!/usr/bin/env bash
# A look at report.html as a browser shows it: headless Chromium renders the
# page to a PNG (not part of `make test`: Chromium is not a dependency).
#   apt-get install -y chromium       (once)
#   bash tests/check_html.sh [report/out/report.html] [report/out/report.png]
set -eu
html=$(realpath "${1:-report/out/report.html}")
png=${2:-${html%.html}.png}
command -v chromium >/dev/null || { echo "check_html: chromium is not installed (apt-get install chromium)" >&2; exit 1; }
prof=$(mktemp -d)
trap 'rm -rf "$prof"' EXIT
chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
  --disable-sync --no-first-run --user-data-dir="$prof" --window-size=1200,16000 --screenshot="$png" \
  "file://$html" 2>/dev/null
[ -s "$png" ] || { echo "check_html: no screenshot was written" >&2; exit 1; }
echo "check_html: $png"
