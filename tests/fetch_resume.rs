//! `--resume`: a run cut short (a torn last line, `kill -9`, SIGTERM) and run again ends
//! with every URL exactly once.

mod common;

use std::collections::HashMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{article, Resp, Server};

fn sources(out: &Path) -> Vec<String> {
    std::fs::read_to_string(out)
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("whole JSON lines only");
            v["source"].as_str().unwrap().to_string()
        })
        .collect()
}

fn assert_each_once(out: &Path, urls: &[String]) {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for s in sources(out) {
        *counts.entry(s).or_default() += 1;
    }
    for u in urls {
        assert_eq!(counts.get(u), Some(&1), "{u} in {counts:?}");
    }
    assert_eq!(counts.len(), urls.len());
}

fn slow_site() -> Server {
    Server::start(|r| match r.path.as_str() {
        "/robots.txt" => Resp::not_found(),
        p => Resp::html(article(p)).delay(Duration::from_millis(60)),
    })
}

fn spawn_scrape(list: &Path, out: &Path, resume: bool) -> Child {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dehusk"));
    for v in common::PROXY_VARS {
        c.env_remove(v);
    }
    c.args(["scrape", "--quiet", "--delay", "0", "--per-host", "1", "-o"])
        .arg(out);
    if resume {
        c.arg("--resume");
    }
    c.arg(list)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Waits until `out` holds at least `n` lines ("does not hang" bound only).
fn wait_for_lines(out: &Path, n: usize) {
    let t = Instant::now();
    while std::fs::read_to_string(out)
        .map(|s| s.lines().count())
        .unwrap_or(0)
        < n
    {
        assert!(t.elapsed() < Duration::from_secs(60), "no progress");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn write_list(dir: &Path, srv: &Server, n: usize) -> (std::path::PathBuf, Vec<String>) {
    let urls: Vec<String> = (0..n).map(|i| srv.url(&format!("/p{i}"))).collect();
    let list = dir.join("urls.txt");
    std::fs::write(&list, urls.join("\n")).unwrap();
    (list, urls)
}

#[test]
fn resume_skips_done_urls_and_cuts_a_torn_line() {
    let srv = slow_site();
    let dir = tempfile::tempdir().unwrap();
    let (list, urls) = write_list(dir.path(), &srv, 3);
    let out = dir.path().join("out.jsonl");
    // A finished record for the first URL (spelled differently), then half a line.
    let done = format!("{{\"source\":\"{}#top\",\"text\":\"\"}}\n", urls[0]);
    std::fs::write(&out, format!("{done}{{\"source\":\"{}\",\"te", urls[1])).unwrap();
    let status = spawn_scrape(&list, &out, true).wait().unwrap();
    assert_eq!(status.code(), Some(0));
    assert_eq!(srv.hits("/p0"), 0, "already done");
    assert_eq!(srv.hits("/p1"), 1);
    let got = sources(&out);
    assert_eq!(got.len(), 3, "{got:?}");
    assert!(std::fs::read_to_string(&out).unwrap().starts_with(&done));
    assert!(got[1..].contains(&urls[1]) && got[1..].contains(&urls[2]));
}

#[test]
fn kill_nine_then_resume_gives_each_url_once() {
    let srv = slow_site();
    let dir = tempfile::tempdir().unwrap();
    let (list, urls) = write_list(dir.path(), &srv, 30);
    let out = dir.path().join("out.jsonl");
    let mut child = spawn_scrape(&list, &out, false);
    wait_for_lines(&out, 3);
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    // Whatever kill -9 left, plus a torn line as if it had struck mid-write.
    let mut f = std::fs::OpenOptions::new().append(true).open(&out).unwrap();
    std::io::Write::write_all(&mut f, b"{\"source\":\"http://torn").unwrap();
    drop(f);
    let status = spawn_scrape(&list, &out, true).wait().unwrap();
    assert_eq!(status.code(), Some(0));
    assert_each_once(&out, &urls);
}

#[cfg(unix)]
#[test]
fn sigterm_leaves_whole_lines_and_resume_finishes() {
    let srv = slow_site();
    let dir = tempfile::tempdir().unwrap();
    let (list, urls) = write_list(dir.path(), &srv, 30);
    let out = dir.path().join("out.jsonl");
    let mut child = spawn_scrape(&list, &out, false);
    wait_for_lines(&out, 2);
    let ok = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(ok.success());
    let t = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(t.elapsed() < Duration::from_secs(60), "did not stop");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(130));
    let partial = sources(&out); // panics on any torn line
    assert!(partial.len() < urls.len(), "stopped early");
    let status = spawn_scrape(&list, &out, true).wait().unwrap();
    assert_eq!(status.code(), Some(0));
    assert_each_once(&out, &urls);
}
