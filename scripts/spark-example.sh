#!/usr/bin/env bash
# dehusk as the worker of a real Apache Spark job (pyspark, local[2]), two ways:
#
#   Job 1, RDD.pipe over JSON lines: one {"url", "html_base64"} line per page, piped through
#          `dehusk extract --stdin-jsonl --quiet`, one dehusk process per partition.
#   Job 2, one task per WARC file (Common Crawl style): an RDD of .warc.gz paths, one
#          partition each, mapPartitions running `dehusk extract --quiet FILE.warc.gz`.
#
# Both jobs run over the bundled samples/*.html and their records are checked against a plain
# `dehusk extract` run (text, title, page_type per page; text per URL for the archives).
# Prints PASS/FAIL lines and exits non-zero on any mismatch.
#
# Needs Java 17+ and PyPI: pyspark and warcio are installed into target/spark-venv on first
# use, and dehusk is built with `cargo build --release`. Not run in CI (it needs PyPI);
# checked by running it.
#   scripts/spark-example.sh
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

venv="$root/target/spark-venv"
work="$root/target/spark-example"
bin="$root/target/release/dehusk"

# --- Java ----------------------------------------------------------------------------------
if [ -z "${JAVA_HOME:-}" ]; then
  command -v java >/dev/null || { echo "FAIL: java not found (Spark needs Java 17)" >&2; exit 2; }
  JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
  export JAVA_HOME
fi

# --- Python venv with pyspark and warcio (idempotent) --------------------------------------
if ! { [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import pyspark, warcio' 2>/dev/null; }; then
  echo "== installing pyspark and warcio into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet pyspark warcio
fi

# --- dehusk --------------------------------------------------------------------------------
echo "== cargo build --release"
cargo build --release --quiet

# --- quiet Spark: log4j2 lets only errors through; no progress bar ---------------------------
rm -rf "$work"
mkdir -p "$work/conf" "$work/warc"
cat > "$work/conf/log4j2.properties" <<'EOF'
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n
logger.repl.name = org.apache.spark.repl.Main
logger.repl.level = error
EOF
export PYSPARK_SUBMIT_ARGS="--conf spark.ui.showConsoleProgress=false --driver-java-options -Dlog4j2.configurationFile=file:$work/conf/log4j2.properties pyspark-shell"
export PYSPARK_PYTHON="$venv/bin/python"
export PYSPARK_DRIVER_PYTHON="$venv/bin/python"
export SPARK_LOCAL_IP=127.0.0.1

export DEHUSK_BIN="$bin" DEHUSK_WORK="$work" DEHUSK_ROOT="$root"
"$venv/bin/python" - <<'PY'
import base64, glob, io, json, os, shlex, subprocess, sys

from pyspark.sql import SparkSession
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

BIN, WORK, ROOT = os.environ["DEHUSK_BIN"], os.environ["DEHUSK_WORK"], os.environ["DEHUSK_ROOT"]

samples = sorted(glob.glob(os.path.join(ROOT, "samples", "*.html")))
pages = []  # (name, file URL, raw bytes)
for path in samples:
    with open(path, "rb") as f:
        pages.append((os.path.basename(path), "file://" + path, f.read()))
assert pages, "no samples/*.html"


def plain(path, url):
    """The reference: a plain `dehusk extract --url URL FILE` run."""
    out = subprocess.run([BIN, "extract", "--quiet", "--url", url, path],
                         capture_output=True, check=False)
    if out.returncode > 1:
        sys.exit(f"plain dehusk failed on {path}: {out.stderr.decode(errors='replace')}")
    return json.loads(out.stdout)


spark = (SparkSession.builder.master("local[2]").appName("dehusk-spark-example")
         .config("spark.ui.enabled", "false").getOrCreate())
sc = spark.sparkContext
sc.setLogLevel("ERROR")
failures = 0


def report(ok, msg):
    global failures
    print(("PASS " if ok else "FAIL ") + msg)
    failures += 0 if ok else 1


# ---- Job 1: RDD.pipe over JSON lines --------------------------------------------------------
lines = [json.dumps({"url": url, "html_base64": base64.b64encode(raw).decode("ascii")})
         for _, url, raw in pages]
records = (sc.parallelize(lines, 2)
           .pipe(f"{shlex.quote(BIN)} extract --stdin-jsonl --quiet")  # one process per partition
           .map(json.loads)
           .collect())
by_source = {r["source"]: r for r in records}
report(len(records) == len(pages),
       f"job 1 (pipe, JSON lines): {len(records)} records for {len(pages)} pages")
mismatch = []
for (name, url, _), path in zip(pages, samples):
    got, want = by_source.get(url), plain(path, url)
    if got is None:
        mismatch.append(f"{name}: no record")
        continue
    if "error" in got or not got.get("text"):
        mismatch.append(f"{name}: error or empty text: {got.get('error')}")
    for field in ("text", "title", "page_type"):
        if got.get(field) != want.get(field):
            mismatch.append(f"{name}: {field} differs")
for m in mismatch:
    print("  " + m)
report(not mismatch,
       f"job 1: text, title and page_type of all {len(pages)} pages match plain `dehusk extract`")

# ---- Job 2: one task per WARC file ---------------------------------------------------------
N_WARCS = 3
warc_paths = [os.path.join(WORK, "warc", f"crawl-{i:05d}.warc.gz") for i in range(N_WARCS)]
where = {}  # (archive file name, WARC record number) -> (URL, sample path)
for i, wpath in enumerate(warc_paths):
    with open(wpath, "wb") as f:
        w = WARCWriter(f, gzip=True, warc_version="1.1")  # one gzip member per record
        w.write_record(w.create_warcinfo_record(os.path.basename(wpath),
                                                {"software": "dehusk spark-example"}))
        n = 1
        for (name, _, raw), path in list(zip(pages, samples))[i::N_WARCS]:
            url = f"https://site{n}.example.org/{name}"
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html"),
                                               ("Content-Length", str(len(raw)))],
                                    protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(raw),
                                                http_headers=http))
            where[(os.path.basename(wpath), n)] = (url, path)
            n += 1


def extract_warcs(paths):
    # Runs on the executor: one dehusk process per archive, records streamed back.
    import subprocess
    for p in paths:
        out = subprocess.run([BIN, "extract", "--quiet", p], capture_output=True)
        if out.returncode > 1:  # 1 only means some record failed; it is still in the output
            raise RuntimeError(f"dehusk failed on {p}: {out.stderr.decode(errors='replace')}")
        yield from out.stdout.decode("utf-8").splitlines()


warc_rdd = sc.parallelize(warc_paths, len(warc_paths))  # one partition, so one task, per file
warc_records = (warc_rdd
                .mapPartitions(extract_warcs)
                .map(json.loads)
                .collect())
report(len(warc_records) == len(pages) and warc_rdd.getNumPartitions() == N_WARCS,
       f"job 2 (mapPartitions, one task per WARC): {len(warc_records)} records "
       f"from {N_WARCS} archives holding {len(pages)} responses")
mismatch, seen = [], set()
for r in warc_records:
    file, _, num = r["source"].rpartition("#")
    key = (os.path.basename(file), int(num))
    if key not in where:
        mismatch.append(f"{r['source']}: unexpected record")
        continue
    seen.add(key)
    url, path = where[key]
    want = plain(path, url)
    if "error" in r or not r.get("text"):
        mismatch.append(f"{url}: error or empty text: {r.get('error')}")
    if r.get("text") != want.get("text"):
        mismatch.append(f"{url}: text differs")
    if r.get("url") != url:  # an archived record's url is its WARC-Target-URI
        mismatch.append(f"{url}: url {r.get('url')!r}, not the WARC-Target-URI")
mismatch += [f"{where[k][0]}: no record" for k in sorted(set(where) - seen)]
for m in mismatch:
    print("  " + m)
report(not mismatch,
       f"job 2: text of all {len(where)} archived pages matches plain `dehusk extract` by URL")

spark.stop()
print("PASS: dehusk ran as a Spark worker; output matches plain dehusk" if not failures
      else f"FAIL: {failures} check(s) failed")
sys.exit(1 if failures else 0)
PY
