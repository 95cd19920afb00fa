//! Output to a full disk: `/dev/full` (every write fails with ENOSPC) and a file size limit
//! (`ulimit -f`, writes past it fail with EFBIG). A write failure is fatal (exit 2) with a
//! clear message, stops the run early, and never leaves a torn line or a half-written file.
#![cfg(target_os = "linux")]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::{article, Resp, Server};

fn dehusk() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dehusk"));
    for v in common::PROXY_VARS {
        c.env_remove(v);
    }
    c
}

/// `dehusk ARGS` under `ulimit -f BLOCKS` (512-byte blocks), via the shell's builtin.
fn dehusk_limited(blocks: u32) -> Command {
    let mut c = Command::new("sh");
    c.arg("-c")
        .arg(format!("ulimit -f {blocks} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_dehusk"));
    for v in common::PROXY_VARS {
        c.env_remove(v);
    }
    c
}

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A failed write must end the process through the error path: exit 2, not a signal or a
/// panic.
fn assert_fatal(out: &Output, message: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "{:?}: {err}", out.status);
    assert!(err.contains(message), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

fn dev_full() -> Stdio {
    Stdio::from(
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap(),
    )
}

/// Every line of `path` is a whole JSON record; returns their sources.
fn whole_lines(path: &Path) -> Vec<String> {
    let data = std::fs::read(path).unwrap();
    assert!(
        data.is_empty() || data.ends_with(b"\n"),
        "a torn last line: {:?}",
        String::from_utf8_lossy(&data[data.len().saturating_sub(80)..])
    );
    String::from_utf8(data)
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("a whole JSON line");
            v["source"].as_str().unwrap().to_string()
        })
        .collect()
}

#[test]
fn extract_to_dev_full_fails_clearly() {
    let out = dehusk()
        .arg("extract")
        .arg(samples())
        .stdout(dev_full())
        .output()
        .unwrap();
    assert_fatal(&out, "No space left on device");
}

#[test]
fn scrape_to_dev_full_fails_clearly_and_stops_early() {
    let srv = Server::start(|r| match r.path.as_str() {
        p if p.starts_with("/p") => Resp::html(article(p)),
        _ => Resp::not_found(),
    });
    let total = 2000;
    let list: String = (0..total)
        .map(|i| srv.url(&format!("/p{i}")) + "\n")
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let list_path = dir.path().join("urls.txt");
    std::fs::write(&list_path, list).unwrap();
    let out = dehusk()
        .args([
            "scrape",
            "--delay",
            "0",
            "--per-host",
            "4",
            "--concurrency",
            "4",
        ])
        .arg(&list_path)
        .stdout(dev_full())
        .output()
        .unwrap();
    assert_fatal(&out, "No space left on device");
    // The first failed write stops new fetches; only those already in flight (and the look-
    // ahead window's worth at most) may still be requested.
    let pages = srv
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/p"))
        .count();
    assert!(pages < total / 4, "{pages} of {total} pages fetched");
}

#[test]
fn scrape_over_the_size_limit_keeps_whole_lines_and_resumes() {
    let srv = Server::start(|r| match r.path.as_str() {
        p if p.starts_with("/p") => Resp::html(article(p)),
        _ => Resp::not_found(),
    });
    let total = 300;
    let urls: Vec<String> = (0..total).map(|i| srv.url(&format!("/p{i}"))).collect();
    let dir = tempfile::tempdir().unwrap();
    let list_path = dir.path().join("urls.txt");
    std::fs::write(&list_path, urls.join("\n") + "\n").unwrap();
    let out_path = dir.path().join("out.jsonl");
    let scrape = |c: &mut Command| {
        c.args(["--delay", "0", "--per-host", "8", "-o"])
            .arg(&out_path)
            .arg(&list_path)
            .output()
            .unwrap()
    };

    // 16 KiB holds some records but not 300 of them, and the limit falls mid-line.
    let out = scrape(dehusk_limited(32).arg("scrape"));
    assert_fatal(&out, "File too large");
    assert!(stderr(&out).contains("--resume"), "{}", stderr(&out));
    let first = whole_lines(&out_path);
    assert!(!first.is_empty() && first.len() < total, "{}", first.len());

    let out = scrape(dehusk().args(["scrape", "--resume"]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut all = whole_lines(&out_path);
    assert_eq!(all.len(), total, "each URL exactly once");
    all.sort();
    all.dedup();
    assert_eq!(all.len(), total, "no URL twice");
}

#[test]
fn extract_output_over_the_size_limit_keeps_the_old_file() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("out.jsonl");
    std::fs::write(&out_path, "{\"source\":\"old\"}\n").unwrap();
    // The samples' records are far over 8 KiB.
    let out = dehusk_limited(16)
        .arg("extract")
        .arg(samples())
        .arg("-o")
        .arg(&out_path)
        .output()
        .unwrap();
    assert_fatal(&out, "File too large");
    assert!(stderr(&out).contains("left unchanged"), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(&out_path).unwrap(),
        "{\"source\":\"old\"}\n"
    );
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        left,
        vec![std::ffi::OsString::from("out.jsonl")],
        "{left:?}"
    );
}
