//! Replays every saved fuzz input in `tests/fuzz-regressions/<target>/` through the same
//! code as the fuzz target of that name (`fuzz/harness.rs`), so a fixed crash stays fixed.
//!
//! To add a crasher: copy `fuzz/artifacts/<target>/crash-…` (or `slow-unit-…`, `oom-…`)
//! into the target's directory under a name saying what it is.

#[path = "../fuzz/harness.rs"]
mod harness;

use std::path::Path;
use std::time::{Duration, Instant};

/// Runs `f` on every file of the target's directory; the files are few and small.
fn replay(target: &str, f: impl Fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz-regressions")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no inputs in {}", dir.display());
    for path in files {
        let data = std::fs::read(&path).unwrap();
        let start = Instant::now();
        f(&data);
        // Debug builds are several times slower than the fuzzed release build, hence the
        // margin over the fuzzer's one-second limit.
        let took = start.elapsed();
        assert!(
            took < Duration::from_secs(10),
            "{} took {took:?}",
            path.display()
        );
    }
}

#[test]
fn extract_inputs_give_records() {
    replay("extract", |d| {
        let refused_allowed = d.first().is_some_and(|f| f & 2 != 0);
        let rec = harness::extract(d);
        assert!(
            rec.is_some() || refused_allowed,
            "extract_bytes gave no record"
        );
    });
}

#[test]
fn charset_inputs_decode() {
    replay("charset", |d| {
        harness::charset(d);
    });
}

#[test]
fn url_list_inputs_parse() {
    replay("urls", |d| {
        harness::urls(d);
    });
}

#[test]
fn jsonl_inputs_parse() {
    replay("jsonl", |d| {
        harness::jsonl(d);
    });
}

#[test]
fn warc_inputs_read() {
    replay("warc", |d| {
        harness::warc(d);
    });
}
