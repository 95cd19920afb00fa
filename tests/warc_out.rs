//! `dehusk scrape --warc-out`: the archive holds every exchange, and `dehusk extract` on it
//! reproduces the scrape's records; `scrape --shard` partitions a URL list.

mod common;

use std::collections::BTreeMap;
use std::io::{Read, Write};

use assert_cmd::Command;
use common::{article, Resp, Server};

fn dehusk() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dehusk"));
    for v in common::PROXY_VARS {
        c.env_remove(v);
    }
    c
}

fn gzip(b: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(b).unwrap();
    gz.finish().unwrap()
}

fn site() -> Server {
    Server::start(|r| match r.path.as_str() {
        "/zipped" => {
            Resp::html(gzip(article("Zipped page").as_bytes())).header("Content-Encoding", "gzip")
        }
        "/logo.png" => Resp::new(200)
            .header("Content-Type", "image/png")
            .body(b"\x89PNG not html"),
        p if p.starts_with("/page") => Resp::html(article(&format!("Story {p}"))),
        _ => Resp::not_found(),
    })
}

fn records(stdout: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8(stdout.to_vec())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn texts(recs: &[serde_json::Value]) -> BTreeMap<String, String> {
    recs.iter()
        .filter(|r| r.get("error").is_none())
        .map(|r| {
            (
                r["url"].as_str().unwrap().to_string(),
                r["text"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn archive_round_trips_through_extract() {
    let srv = site();
    let dir = tempfile::tempdir().unwrap();
    let warc = dir.path().join("out.warc.gz");
    let paths = ["/page1", "/zipped", "/logo.png", "/missing", "/page2?x=1"];
    let list: String = paths.iter().map(|p| srv.url(p) + "\n").collect();
    let out = dehusk()
        .args([
            "scrape",
            "--delay",
            "0",
            "--ignore-robots",
            "--retries",
            "0",
            "-q",
            "--warc-out",
        ])
        .arg(&warc)
        .write_stdin(list)
        .assert()
        .code(1);
    let scraped = records(&out.get_output().stdout);
    assert_eq!(scraped.len(), 5);
    let want = texts(&scraped);
    assert_eq!(want.len(), 3, "{want:?}");

    let out = dehusk().arg("extract").arg(&warc).assert().code(0);
    let got = texts(&records(&out.get_output().stdout));
    assert_eq!(got, want);

    // The raw archive: warcinfo first, then a request and a response per URL, each its
    // own gzip member, with the decoded body and no Content-Encoding left.
    let raw = std::fs::read(&warc).unwrap();
    let mut bytes = Vec::new();
    flate2::read::MultiGzDecoder::new(&raw[..])
        .read_to_end(&mut bytes)
        .unwrap();
    let all = String::from_utf8_lossy(&bytes);
    let types: Vec<&str> = all
        .lines()
        .filter_map(|l| l.strip_prefix("WARC-Type: "))
        .map(str::trim)
        .collect();
    assert_eq!(types[0], "warcinfo");
    assert_eq!(types.iter().filter(|t| **t == "request").count(), 5);
    assert_eq!(types.iter().filter(|t| **t == "response").count(), 5);
    assert!(all.contains("HTTP/1.1 404 Not Found"));
    assert!(all.contains("story about Zipped page"));
    assert!(!all.to_ascii_lowercase().contains("content-encoding"));
    let members = {
        let mut n = 0;
        let mut rest = &raw[..];
        while !rest.is_empty() {
            let mut d = flate2::bufread::GzDecoder::new(rest);
            std::io::copy(&mut d, &mut std::io::sink()).unwrap();
            rest = d.into_inner();
            n += 1;
        }
        n
    };
    assert_eq!(members, 11, "one gzip member per record");
}

#[test]
fn scrape_shards_partition_the_list() {
    let srv = site();
    // Two hosts (the test server and a closed port) plus a line that is no URL.
    let list: String = (0..8)
        .map(|i| format!("{}\n", srv.url(&format!("/page{i}"))))
        .chain((0..4).map(|i| format!("http://localhost:1/x{i}\n")))
        .chain(["not a url\n".to_string()])
        .collect();
    let mut sources = Vec::new();
    for k in 0..3 {
        let out = dehusk()
            .args([
                "scrape",
                "--delay",
                "0",
                "--ignore-robots",
                "--retries",
                "0",
                "-q",
                "--timeout",
                "2s",
                "--shard",
                &format!("{k}/3"),
            ])
            .write_stdin(list.clone())
            .assert();
        for r in records(&out.get_output().stdout) {
            sources.push(r["source"].as_str().unwrap().to_string());
        }
    }
    sources.sort();
    let mut want: Vec<String> = list.lines().map(str::to_string).collect();
    want.sort();
    assert_eq!(sources, want);
}
