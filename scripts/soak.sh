#!/usr/bin/env bash
# Soak test for `dehusk scrape` (not CI: it takes minutes and wants a quiet machine).
#
#   scripts/soak.sh                 # 100,000 URLs over 64 loopback hosts
#   SOAK_URLS=20000 scripts/soak.sh # shorter
#   SOAK_URLS=1000000 SOAK_INTERVAL=20 SOAK_RESUME=0 scripts/soak.sh  # long, phase 1 only
#
# Phase 1: a release build scrapes SOAK_URLS URLs (127.0.0.2 .. 127.0.0.(SOAK_HOSTS+1), one
# port, served by examples/soak_server.rs: the bundled samples with the URL's number woven
# in, plus 0.1% 404s, 0.1% 500s and 0.02% pages that take 2 s). Every SOAK_INTERVAL seconds
# it prints the records written so far and the scraper's resident memory (VmRSS), open file
# descriptors and the server's VmRSS; at the end, the peak (VmHWM), throughput, and checks
# that memory and descriptors stayed flat and every URL has exactly one record.
# Phase 2: a fresh run gets SIGTERM after half the URLs (exit code 130 expected), then
# `--resume` on the same -o file finishes; every URL must be in the file exactly once.
# Prints PASS/FAIL per check and exits non-zero if any failed. Files are kept in SOAK_DIR
# (default: a new directory under /tmp).
set -euo pipefail
cd "$(dirname "$0")/.."

N=${SOAK_URLS:-100000}
HOSTS=${SOAK_HOSTS:-64}
EVERY=${SOAK_INTERVAL:-3}
TARGET=${CARGO_TARGET_DIR:-target}
WORK=${SOAK_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/dehusk-soak.XXXXXX")}
mkdir -p "$WORK"
FAILED=0

check() { # NAME STATUS DETAIL (status 0 pass, 2 skipped, else fail)
    case "$2" in
        0) echo "PASS  $1  ($3)" ;;
        2) echo "SKIP  $1  ($3)" ;;
        *) echo "FAIL  $1  ($3)"; FAILED=1 ;;
    esac
}

echo "== build (release) -> $WORK"
cargo build --release --quiet --bin dehusk --example soak_server
# Copied at once: the target directory may be shared with other builds.
cp "$TARGET/release/dehusk" "$TARGET/release/examples/soak_server" "$WORK/"
DEHUSK=$WORK/dehusk

SERVER_PID=
DEHUSK_PID=
cleanup() {
    [ -n "$DEHUSK_PID" ] && kill -KILL "$DEHUSK_PID" 2>/dev/null || true
    [ -n "$SERVER_PID" ] && kill -INT "$SERVER_PID" 2>/dev/null || true
    wait 2>/dev/null || true
}
trap cleanup EXIT

"$WORK/soak_server" --hosts "$HOSTS" >"$WORK/server.out" 2>"$WORK/server.err" &
SERVER_PID=$!
for _ in $(seq 100); do
    grep -q '^port ' "$WORK/server.out" 2>/dev/null && break
    sleep 0.1
done
PORT=$(awk '/^port /{print $2}' "$WORK/server.out")
[ -n "$PORT" ] || { echo "the server did not start"; cat "$WORK/server.err"; exit 1; }
echo "== server on 127.0.0.2-$((HOSTS + 1)):$PORT (pid $SERVER_PID)"

# Hosts round-robin, so every host always has work in the look-ahead window.
awk -v n="$N" -v h="$HOSTS" -v port="$PORT" 'BEGIN {
    for (i = 0; i < n; i++) {
        kind = "p"
        if (i % 1000 == 7) kind = "missing"
        else if (i % 1000 == 13) kind = "error"
        else if (i % 5000 == 21) kind = "slow"
        printf "http://127.0.0.%d:%d/%s/%d\n", 2 + i % h, port, kind, i
    }
}' >"$WORK/urls.txt"
echo "== $(wc -l <"$WORK/urls.txt") URLs in $WORK/urls.txt"

SCRAPE=(scrape --delay 0 --per-host 4 --concurrency 64 --quiet)

status_kb() { # PID FIELD -> kB, or empty once the process is gone (or a zombie)
    awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status" 2>/dev/null || true
}

# Follows DEHUSK_PID writing to OUT: a table row every EVERY seconds, into ROWS too.
# With STOP_AT > 0, sends SIGTERM once OUT holds that many lines.
monitor() { # OUT ROWS STOP_AT
    local out=$1 rows=$2 stop_at=$3 off=0 lines=0 next=0 t0=$EPOCHREALTIME sent=0
    local rss hwm fds srv size el new
    HWM_KB=0
    printf '%8s %9s %7s %7s %5s %9s\n' elapsed records rss_MB hwm_MB fds server_MB | tee "$rows"
    while :; do
        rss=$(status_kb "$DEHUSK_PID" VmRSS)
        [ -n "$rss" ] || break
        hwm=$(status_kb "$DEHUSK_PID" VmHWM)
        fds=$(ls "/proc/$DEHUSK_PID/fd" 2>/dev/null | wc -l) || true
        srv=$(status_kb "$SERVER_PID" VmRSS)
        [ -n "$hwm" ] && [ "$hwm" -gt "$HWM_KB" ] && HWM_KB=$hwm
        # Count only the bytes added since the last look.
        size=$(stat -c %s "$out" 2>/dev/null || echo 0)
        if [ "$size" -gt "$off" ]; then
            # tail may die of SIGPIPE when the file grew meanwhile; head has what it needs.
            new=$(tail -c +$((off + 1)) "$out" | head -c $((size - off)) | wc -l) || true
            lines=$((lines + new))
            off=$size
        fi
        el=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.1f", b - a}')
        if awk -v e="$el" -v n="$next" 'BEGIN {exit !(e >= n)}'; then
            printf '%8s %9d %7.1f %7.1f %5d %9.1f\n' "$el" "$lines" \
                "$(awk -v k="$rss" 'BEGIN {print k / 1024}')" \
                "$(awk -v k="${hwm:-0}" 'BEGIN {print k / 1024}')" "$fds" \
                "$(awk -v k="${srv:-0}" 'BEGIN {print k / 1024}')" | tee -a "$rows"
            next=$((next + EVERY))
        fi
        if [ "$stop_at" -gt 0 ] && [ "$sent" = 0 ] && [ "$lines" -ge "$stop_at" ]; then
            echo "   SIGTERM at $lines records ($el s)" >&2
            kill -TERM "$DEHUSK_PID" || true
            sent=1
        fi
        sleep 1
    done
}

# Every input URL appears as the source of exactly one whole JSON line of OUT.
exactly_once() { # OUT
    python3 - "$WORK/urls.txt" "$1" <<'EOF'
import collections, json, sys
urls = [l.strip() for l in open(sys.argv[1]) if l.strip()]
known = set(urls)
data = open(sys.argv[2], "rb").read()
torn = bool(data) and not data.endswith(b"\n")
seen = collections.Counter(json.loads(l)["source"] for l in data.splitlines() if l)
missing = [u for u in urls if u not in seen]
dups = [u for u, c in seen.items() if c > 1]
extra = [u for u in seen if u not in known]
print(f"   {len(urls)} URLs, {sum(seen.values())} records, {len(missing)} missing, "
      f"{len(dups)} duplicated, {len(extra)} unknown, torn last line: {torn}")
for u in (missing + dups + extra)[:5]:
    print("   e.g.", u)
sys.exit(1 if missing or dups or extra or torn else 0)
EOF
}

# Memory and descriptors are flat when the second half of the run never exceeds the first
# half's peak by more than a small margin (allocator noise, a few sockets). Samples from
# the first 5% of the records are start-up, not steady state, and are left out.
flat() { # ROWS COLUMN MARGIN_FACTOR MARGIN_ABS -> 0 flat, 1 not, 2 too few samples
    awk -v c="$2" -v f="$3" -v a="$4" -v skip=$((N / 20)) 'NR > 1 && $2 >= skip {v[++n] = $c}
        END {
            if (n < 4) { printf "only %d samples after warm-up", n; exit 2 }
            h = int(n / 2); m1 = 0; m2 = 0
            for (i = 1; i <= n; i++) if (i <= h) { if (v[i] > m1) m1 = v[i] } else if (v[i] > m2) m2 = v[i]
            printf "first half max %s, second half max %s", m1, m2
            exit !(m2 <= m1 * f + a)
        }' "$1"
}

echo
echo "== phase 1: $N URLs, sampled every ${EVERY}s"
rm -f "$WORK/out1.jsonl"
T0=$EPOCHREALTIME
"$DEHUSK" "${SCRAPE[@]}" -o "$WORK/out1.jsonl" "$WORK/urls.txt" 2>"$WORK/phase1.err" &
DEHUSK_PID=$!
monitor "$WORK/out1.jsonl" "$WORK/phase1.rows" 0
set +e
wait "$DEHUSK_PID"
RC=$?
set -e
DEHUSK_PID=
SECS=$(awk -v a="$T0" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.1f", b - a}')
RECS=$(wc -l <"$WORK/out1.jsonl")
echo "   exit code $RC, $RECS records in $SECS s: $(awk -v r="$RECS" -v s="$SECS" 'BEGIN {printf "%.0f", r / s}') records/s, peak RSS (VmHWM) $((HWM_KB / 1024)) MB"
python3 - "$WORK/out1.jsonl" <<'EOF'
import collections, json, sys
c = collections.Counter()
for l in open(sys.argv[1], "rb"):
    r = json.loads(l)
    c[(r.get("http_status"), (r.get("error") or {}).get("kind", "ok"))] += 1
print("   by status and error kind:", ", ".join(f"{s} {k}: {n}" for (s, k), n in sorted(c.items(), key=str)))
EOF
# Exit code 1: the 404 and 500 URLs are error records, as they should be.
check "phase 1 exit code is 1 (some records are errors)" "$([ "$RC" = 1 ]; echo $?)" "got $RC"
set +e
exactly_once "$WORK/out1.jsonl"; R=$?
D=$(flat "$WORK/phase1.rows" 3 1.25 4); RF=$?
E=$(flat "$WORK/phase1.rows" 5 1 16); EF=$?
set -e
check "phase 1 every URL exactly once" "$R" "$WORK/out1.jsonl"
check "phase 1 RSS flat" "$RF" "MB, $D"
check "phase 1 FDs flat" "$EF" "$E"

if [ "${SOAK_RESUME:-1}" = 0 ]; then
    echo
    if [ "$FAILED" = 0 ]; then echo "PASS (files in $WORK)"; else echo "FAIL (files in $WORK)"; fi
    exit "$FAILED"
fi

echo
echo "== phase 2: SIGTERM after $((N / 2)) records, then --resume"
rm -f "$WORK/out2.jsonl"
"$DEHUSK" "${SCRAPE[@]}" -o "$WORK/out2.jsonl" "$WORK/urls.txt" 2>"$WORK/phase2a.err" &
DEHUSK_PID=$!
monitor "$WORK/out2.jsonl" "$WORK/phase2a.rows" $((N / 2)) >/dev/null
set +e
wait "$DEHUSK_PID"
RC=$?
set -e
DEHUSK_PID=
FIRST=$(wc -l <"$WORK/out2.jsonl")
echo "   interrupted run: exit code $RC, $FIRST records; stderr: $(tr '\n' ' ' <"$WORK/phase2a.err")"
check "SIGTERM exit code is 130" "$([ "$RC" = 130 ]; echo $?)" "got $RC"
check "stopped before the end" "$([ "$FIRST" -lt "$N" ]; echo $?)" "$FIRST of $N records"
set +e
"$DEHUSK" scrape --delay 0 --per-host 4 --concurrency 64 --resume -o "$WORK/out2.jsonl" "$WORK/urls.txt" 2>"$WORK/phase2b.err"
RC=$?
set -e
echo "   resumed run: exit code $RC; $(tail -n 1 "$WORK/phase2b.err")"
check "resume exit code is 1 (some records are errors)" "$([ "$RC" = 1 ]; echo $?)" "got $RC"
set +e
exactly_once "$WORK/out2.jsonl"; R=$?
set -e
check "after SIGTERM + --resume every URL exactly once" "$R" "$WORK/out2.jsonl"

echo
if [ "$FAILED" = 0 ]; then echo "PASS (files in $WORK)"; else echo "FAIL (files in $WORK)"; fi
exit "$FAILED"
