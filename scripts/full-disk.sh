#!/usr/bin/env bash
# dehusk writing to a full disk (not CI: it mounts a file system).
#
#   scripts/full-disk.sh
#   FULL_DISK_MODE=ulimit scripts/full-disk.sh   # the ulimit -f variant even as root
#
# As root, output goes to a 256 KiB tmpfs (writes fail with ENOSPC); otherwise, or if the
# mount is refused, to a normal directory under `ulimit -f 512` (256 KiB; writes past it fail
# with EFBIG; 32 KiB for checks 3 and 4). Checks, each printed as PASS or FAIL:
#   1. `scrape -o DIR/out.jsonl` of 2,000 pages (megabytes of records): exit 2, a message
#      naming the cause, and a file of whole JSON lines only (no torn last line);
#   2. with room again, `scrape --resume` on that file: every URL exactly once;
#   3. `extract -o DIR/out.jsonl` over an existing output with the disk nearly full: exit 2,
#      a message, the old output byte for byte, and no temporary file left;
#   4. `scrape` and `extract` with stdout redirected to the full disk: exit 2 and a message
#      (a torn last line is possible there: stdout cannot be cut back; use -o).
set -euo pipefail
cd "$(dirname "$0")/.."

TARGET=${CARGO_TARGET_DIR:-target}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/dehusk-full-disk.XXXXXX")
DISK=$WORK/disk
mkdir -p "$DISK"
N=2000
FAILED=0

check() { # NAME STATUS DETAIL
    if [ "$2" = 0 ]; then echo "PASS  $1  ($3)"; else echo "FAIL  $1  ($3)"; FAILED=1; fi
}
is() { [ "$1" = "$2" ]; echo $?; }

echo "== build (release) -> $WORK"
cargo build --release --quiet --bin dehusk --example soak_server
cp "$TARGET/release/dehusk" "$TARGET/release/examples/soak_server" "$WORK/"
DEHUSK=$WORK/dehusk

MODE=ulimit
BLOCKS=512
if [ "${FULL_DISK_MODE:-tmpfs}" = tmpfs ] && [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=256k tmpfs "$DISK" 2>/dev/null; then
    MODE=tmpfs
    WANT="No space left on device"
else
    WANT="File too large"
fi
echo "== full disk: $MODE ($DISK)"

SERVER_PID=
cleanup() {
    [ -n "$SERVER_PID" ] && kill -INT "$SERVER_PID" 2>/dev/null || true
    wait 2>/dev/null || true
    [ "$MODE" = tmpfs ] && umount "$DISK" 2>/dev/null || true
}
trap cleanup EXIT

# Runs a command against the full disk: as is on the tmpfs, else under the size limit.
limited() {
    if [ "$MODE" = tmpfs ]; then "$@"; else (ulimit -f "$BLOCKS" && exec "$@"); fi
}
# Makes room again for the resume.
make_room() {
    if [ "$MODE" = tmpfs ]; then mount -o remount,size=256m "$DISK"; fi
}
# Leaves about 32 KiB free: a filler file on the tmpfs, a 32 KiB size limit otherwise.
nearly_full() {
    BLOCKS=64
    if [ "$MODE" = tmpfs ]; then
        rm -f "$DISK"/*
        mount -o remount,size=256k "$DISK"
        head -c $((224 * 1024)) /dev/zero >"$DISK/filler"
    fi
}

"$WORK/soak_server" --hosts 2 >"$WORK/server.out" 2>"$WORK/server.err" &
SERVER_PID=$!
for _ in $(seq 100); do
    grep -q '^port ' "$WORK/server.out" 2>/dev/null && break
    sleep 0.1
done
PORT=$(awk '/^port /{print $2}' "$WORK/server.out")
[ -n "$PORT" ] || { echo "the server did not start"; exit 1; }
for i in $(seq 0 $((N - 1))); do echo "http://127.0.0.$((2 + i % 2)):$PORT/p/$i"; done >"$WORK/urls.txt"
SCRAPE=(scrape --delay 0 --per-host 8 --quiet)

# Every line of FILE is a whole JSON record and the file ends with a newline; with a second
# argument, every URL of the list is in it exactly once.
whole_lines() { # FILE [all]
    python3 - "$1" "$WORK/urls.txt" "${2:-}" <<'EOF'
import collections, json, sys
data = open(sys.argv[1], "rb").read()
if data and not data.endswith(b"\n"):
    print(f"   torn last line: ...{data[-60:]!r}"); sys.exit(1)
srcs = collections.Counter(json.loads(l)["source"] for l in data.splitlines())
print(f"   {sum(srcs.values())} whole records, {len(data)} bytes")
if sys.argv[3]:
    urls = [l.strip() for l in open(sys.argv[2]) if l.strip()]
    missing = [u for u in urls if u not in srcs]
    dups = [u for u, c in srcs.items() if c > 1]
    print(f"   {len(urls)} URLs: {len(missing)} missing, {len(dups)} duplicated")
    sys.exit(1 if missing or dups or len(srcs) != len(urls) else 0)
EOF
}

echo
echo "== 1. scrape -o onto the full disk"
set +e
limited "$DEHUSK" "${SCRAPE[@]}" -o "$DISK/out.jsonl" "$WORK/urls.txt" 2>"$WORK/1.err"
RC=$?
set -e
echo "   exit $RC: $(cat "$WORK/1.err")"
check "scrape -o: exit code 2" "$(is "$RC" 2)" "got $RC"
check "scrape -o: message says '$WANT'" "$(grep -q "$WANT" "$WORK/1.err"; echo $?)" "$WORK/1.err"
set +e
whole_lines "$DISK/out.jsonl"; R=$?
set -e
LINES=$(wc -l <"$DISK/out.jsonl")
check "scrape -o: whole lines only, no partial line" "$R" "$(stat -c %s "$DISK/out.jsonl") bytes"
check "scrape -o: stopped early" "$([ "$LINES" -lt "$N" ]; echo $?)" "$LINES of $N records"

echo
echo "== 2. room again: scrape --resume on the same file"
make_room
set +e
"$DEHUSK" scrape --delay 0 --per-host 8 --resume -o "$DISK/out.jsonl" "$WORK/urls.txt" 2>"$WORK/2.err"
RC=$?
whole_lines "$DISK/out.jsonl" all; R=$?
set -e
echo "   exit $RC: $(cat "$WORK/2.err")"
check "resume: exit code 0" "$(is "$RC" 0)" "got $RC"
check "resume: every URL exactly once" "$R" "$DISK/out.jsonl"

echo
echo "== 3. extract -o over an existing output, disk nearly full"
nearly_full
printf '{"source":"old output"}\n' >"$DISK/out.jsonl"
OLD=$(sha256sum <"$DISK/out.jsonl")
set +e
limited "$DEHUSK" extract samples/ samples/ samples/ -o "$DISK/out.jsonl" 2>"$WORK/3.err"
RC=$?
set -e
echo "   exit $RC: $(cat "$WORK/3.err")"
check "extract -o: exit code 2" "$(is "$RC" 2)" "got $RC"
check "extract -o: message says '$WANT'" "$(grep -q "$WANT" "$WORK/3.err"; echo $?)" "$WORK/3.err"
check "extract -o: old output intact" "$(is "$(sha256sum <"$DISK/out.jsonl")" "$OLD")" "$(cat "$DISK/out.jsonl")"
LEFT=$(find "$DISK" -name '.dehusk-*' | wc -l)
check "extract -o: no temporary file left" "$(is "$LEFT" 0)" "$LEFT left: $(ls -A "$DISK" | tr '\n' ' ')"

echo
echo "== 4. stdout redirected to the full disk"
nearly_full
set +e
limited "$DEHUSK" "${SCRAPE[@]}" "$WORK/urls.txt" >"$DISK/stdout.jsonl" 2>"$WORK/4a.err"
RC=$?
set -e
echo "   scrape > file: exit $RC: $(cat "$WORK/4a.err")"
check "scrape > full disk: exit 2 and '$WANT'" "$([ "$RC" = 2 ] && grep -q "$WANT" "$WORK/4a.err"; echo $?)" "got $RC"
rm -f "$DISK/stdout.jsonl"
set +e
limited "$DEHUSK" extract samples/ samples/ samples/ >"$DISK/stdout.jsonl" 2>"$WORK/4b.err"
RC=$?
set -e
echo "   extract > file: exit $RC: $(cat "$WORK/4b.err")"
check "extract > full disk: exit 2 and '$WANT'" "$([ "$RC" = 2 ] && grep -q "$WANT" "$WORK/4b.err"; echo $?)" "got $RC"

echo
if [ "$FAILED" = 0 ]; then echo "PASS ($MODE; files in $WORK)"; else echo "FAIL ($MODE; files in $WORK)"; fi
exit "$FAILED"
