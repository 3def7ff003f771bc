#!/bin/sh
# Screenshots of the dashboard on a virtual 1600x1000 display: the first-run window, a
# live run mid-generation, the finished dashboard and a two-run comparison.
#   tests/screenshots/make_screenshots.sh OUTDIR [--model builtin|tiny] [--tokens N] [--theme light|dark]
# The build folder is $VLMSCOPE_BUILD (default: build/release under the repository).
set -eu
if [ $# -lt 1 ]; then
  echo "usage: $0 OUTDIR [--model builtin|tiny] [--tokens N] [--theme light|dark]" >&2
  exit 1
fi
out=$1
shift
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${VLMSCOPE_BUILD:-$root/build/release}
demo=$build/tests/ui/screenshot_demo
if [ ! -x "$demo" ]; then
  echo "$0: $demo not found; build the target screenshot_demo first (or set VLMSCOPE_BUILD)" >&2
  exit 1
fi
command -v xvfb-run >/dev/null 2>&1 || { echo "$0: xvfb-run is missing (apt-get install xvfb)" >&2; exit 1; }
mkdir -p "$out"
QT_QPA_PLATFORM=xcb exec xvfb-run -a -s "-screen 0 1600x1000x24" "$demo" "$out" "$@"
