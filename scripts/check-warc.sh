#!/usr/bin/env bash
# Checks web archives with an independent reader, warcio (Python), installed into a venv
# under target/ on first use. Not run in CI: it needs PyPI.
#   scripts/check-warc.sh FILE.warc.gz [...]
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 FILE.warc[.gz]..." >&2; exit 2; }
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/target/warcio-venv"
if [ ! -x "$venv/bin/warcio" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet warcio
fi
status=0
for f in "$@"; do
  echo "== warcio check -v $f"
  "$venv/bin/warcio" check -v "$f" || status=1
  echo "== warcio index $f"
  "$venv/bin/warcio" index -f warc-type,warc-target-uri,http:status,http:content-type,content-length "$f" || status=1
done
exit $status
