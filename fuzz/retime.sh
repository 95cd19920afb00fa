#!/bin/sh
# Re-runs saved fuzz inputs one at a time and prints the CPU time (user + system) each
# takes in the instrumented target, slowest last. On a busy machine libFuzzer's wall-clock
# -timeout fires spuriously; an input is a real slow input only when its CPU time is.
# Usage: fuzz/retime.sh TARGET FILE...   (from the repository root, after cargo fuzz build)
t=$1; shift
bin=fuzz/target/x86_64-unknown-linux-gnu/release/$t
for f in "$@"; do
    /usr/bin/time -f "%U %S %e %M" -o /tmp/retime.$$ "$bin" -runs=1 "$f" >/dev/null 2>&1
    read -r user sys wall rss < /tmp/retime.$$
    echo "$(echo "$user + $sys" | bc) cpu_s ${wall} wall_s ${rss} KB $f"
done | sort -n
rm -f /tmp/retime.$$
