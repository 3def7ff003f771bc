#!/usr/bin/env bash
# Renders resources/icons/vlmscope.svg into the hicolor PNG sizes that packaging installs.
# Needs rsvg-convert (Debian: librsvg2-bin, installed by packaging/install-deps.sh). The PNGs
# are committed, so builds never need this; rerun it after editing the SVG.
set -euo pipefail

APP_ID="io.github.vlmscope.vlmscope"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if ! command -v rsvg-convert >/dev/null; then
  echo "render-icons: rsvg-convert not found (apt-get install librsvg2-bin)" >&2
  exit 1
fi

for size in 16 24 32 48 64 128 256; do
  out="${here}/hicolor/${size}x${size}/apps"
  mkdir -p "$out"
  rsvg-convert --width "$size" --height "$size" --format png \
    --output "${out}/${APP_ID}.png" "${here}/vlmscope.svg"
  echo "render-icons: ${out#"${here}/"}/${APP_ID}.png"
done
