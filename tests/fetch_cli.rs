//! `dehusk scrape` on the command line: exit codes, -o, the summary, --save-html.

mod common;

use assert_cmd::Command;
use common::{article, Resp, Server};

fn dehusk() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dehusk"));
    for v in common::PROXY_VARS {
        c.env_remove(v);
    }
    c
}

fn site() -> Server {
    Server::start(|r| match r.path.as_str() {
        p if p.starts_with("/ok") => Resp::html(article(p)),
        _ => Resp::not_found(),
    })
}

#[test]
fn all_ok_exits_zero_and_writes_stdout() {
    let srv = site();
    let list = format!("{}\n{}\n", srv.url("/ok1"), srv.url("/ok2"));
    let out = dehusk()
        .args(["scrape", "--delay", "0", "-"])
        .write_stdin(list)
        .assert()
        .code(0);
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert_eq!(stdout.lines().count(), 2);
    for l in stdout.lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        assert_eq!(v["http_status"], 200);
    }
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("2 record(s), 2 ok, 0 failed"), "{stderr}");
}

#[test]
fn some_failed_exits_one_with_error_records_in_the_file() {
    let srv = site();
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("urls.txt");
    std::fs::write(
        &list,
        format!("{}\n{}\nnot a url\n", srv.url("/ok1"), srv.url("/missing")),
    )
    .unwrap();
    let out = dir.path().join("out.jsonl");
    dehusk()
        .args(["scrape", "--delay", "0", "--quiet", "-o"])
        .arg(&out)
        .arg(&list)
        .assert()
        .code(1)
        .stdout("")
        .stderr("");
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.ends_with('\n'));
    let kinds: Vec<String> = text
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["error"]["kind"].as_str().unwrap_or("ok").to_string()
        })
        .collect();
    assert_eq!(kinds.len(), 3);
    for k in ["ok", "http", "invalid_url"] {
        assert!(kinds.iter().any(|x| x == k), "{kinds:?}");
    }
}

#[test]
fn usage_errors_exit_two() {
    dehusk()
        .args(["scrape", "--resume", "list.txt"])
        .assert()
        .code(2);
    dehusk()
        .args(["scrape", "/no/such/list.txt"])
        .assert()
        .code(2);
    dehusk()
        .args(["scrape", "--delay", "soon", "-"])
        .assert()
        .code(2);
}

#[test]
fn saved_html_can_be_extracted_again() {
    let srv = Server::start(|r| match r.path.as_str() {
        "/from" => Resp::redirect("/ok-final"),
        p => Resp::html(article(p)),
    });
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("pages");
    dehusk()
        .args(["scrape", "--delay", "0", "--quiet", "--save-html"])
        .arg(&saved)
        .arg("-")
        .write_stdin(srv.url("/from"))
        .assert()
        .code(0);
    let mut names: Vec<String> = std::fs::read_dir(&saved)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names[0].ends_with(".html.gz") && names[1].ends_with(".url"));
    let url_file = std::fs::read_to_string(saved.join(&names[1])).unwrap();
    assert_eq!(url_file.trim(), srv.url("/ok-final"));
    // `dehusk extract` picks the URL up from the sibling .url file.
    let out = dehusk()
        .arg("extract")
        .arg(saved.join(&names[0]))
        .assert()
        .code(0);
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert!(v["text"]
        .as_str()
        .unwrap()
        .contains("story about /ok-final"));
    assert_eq!(v["url"], srv.url("/ok-final"));
}
