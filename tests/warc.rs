//! Web archives: `dehusk extract FILE.warc.gz` and `--shard`.

mod common;

use std::io::Write;
use std::path::Path;

use assert_cmd::Command;
use common::article;

fn dehusk() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dehusk"));
    for v in common::PROXY_VARS {
        c.env_remove(v);
    }
    c
}

/// One WARC record, gzipped as a member of its own (Common Crawl's layout).
fn member(warc_type: &str, uri: &str, content_type: &str, block: &[u8]) -> Vec<u8> {
    let mut rec = format!(
        "WARC/1.0\r\nWARC-Type: {warc_type}\r\nWARC-Target-URI: {uri}\r\n\
         WARC-Date: 2024-05-06T07:08:09Z\r\nWARC-Record-ID: <urn:uuid:{}>\r\n\
         Content-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        "12345678-1234-4234-8234-123456789abc",
        block.len()
    )
    .into_bytes();
    rec.extend_from_slice(block);
    rec.extend_from_slice(b"\r\n\r\n");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&rec).unwrap();
    gz.finish().unwrap()
}

fn response(uri: &str, head: &str, body: &[u8]) -> Vec<u8> {
    let mut http = format!("HTTP/1.1 200 OK\r\n{head}\r\n").into_bytes();
    http.extend_from_slice(body);
    member("response", uri, "application/http; msgtype=response", &http)
}

fn chunked(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for c in body.chunks(50) {
        out.extend_from_slice(format!("{:x}\r\n", c.len()).as_bytes());
        out.extend_from_slice(c);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"0\r\n\r\n");
    out
}

const CYRILLIC: &str = "Это первый абзац статьи о погоде в Москве, достаточно длинный, чтобы считаться текстом, с запятыми.";

fn build(path: &Path) {
    let mut f = Vec::new();
    f.extend(member(
        "warcinfo",
        "",
        "application/warc-fields",
        b"software: test\r\n",
    ));
    f.extend(member(
        "request",
        "http://a.test/one",
        "application/http; msgtype=request",
        b"GET /one HTTP/1.1\r\nHost: a.test\r\n\r\n",
    ));
    f.extend(response(
        "http://a.test/one",
        "Content-Type: text/html; charset=utf-8\r\n",
        article("Plain one").as_bytes(),
    ));
    f.extend(response(
        "http://b.test/chunked",
        "Content-Type: text/html\r\nTransfer-Encoding: chunked\r\n",
        &chunked(article("Chunked two").as_bytes()),
    ));
    f.extend(response(
        "http://a.test/logo.png",
        "Content-Type: image/png\r\n",
        b"\x89PNG\r\n\x1a\n not html",
    ));
    // The charset is only in the HTTP header: without it this would not decode.
    let page = format!(
        "<html><head><title>Погода</title></head><body><article><h1>Погода</h1><p>{CYRILLIC}</p><p>{CYRILLIC}</p></article></body></html>"
    );
    let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode(&page);
    f.extend(response(
        "http://c.test/ru",
        "Content-Type: text/html; charset=windows-1251\r\n",
        &cp1251,
    ));
    std::fs::write(path, f).unwrap();
}

fn records(stdout: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8(stdout.to_vec())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn extracts_html_responses_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let warc = dir.path().join("crawl.warc.gz");
    build(&warc);
    let out = dehusk().arg("extract").arg(&warc).assert().code(0);
    let recs = records(&out.get_output().stdout);
    let urls: Vec<_> = recs.iter().map(|r| r["url"].as_str().unwrap()).collect();
    assert_eq!(
        urls,
        [
            "http://a.test/one",
            "http://b.test/chunked",
            "http://c.test/ru"
        ]
    );
    let src = warc.display().to_string();
    assert_eq!(recs[0]["source"], format!("{src}#2"));
    assert_eq!(recs[1]["source"], format!("{src}#3"));
    assert_eq!(recs[2]["source"], format!("{src}#5"));
    // The fetch date comes from the WARC headers.
    assert_eq!(recs[0]["fetched_at"], "2024-05-06T07:08:09Z");
    assert!(recs[0]["text"]
        .as_str()
        .unwrap()
        .contains("story about Plain one"));
    assert!(recs[1]["text"]
        .as_str()
        .unwrap()
        .contains("story about Chunked two"));
    assert!(
        recs[2]["text"].as_str().unwrap().contains(CYRILLIC),
        "{}",
        recs[2]
    );
    assert_eq!(recs[2]["charset"], "windows-1251");
}

#[test]
fn directories_pick_up_archives_and_uncompressed_works() {
    let dir = tempfile::tempdir().unwrap();
    build(&dir.path().join("b.warc.gz"));
    // The same archive uncompressed.
    let mut plain = Vec::new();
    std::io::copy(
        &mut flate2::read::MultiGzDecoder::new(
            &std::fs::read(dir.path().join("b.warc.gz")).unwrap()[..],
        ),
        &mut plain,
    )
    .unwrap();
    std::fs::write(dir.path().join("a.WARC"), plain).unwrap();
    std::fs::write(dir.path().join("c.html"), article("Loose page")).unwrap();
    let out = dehusk().arg("extract").arg(dir.path()).assert().code(0);
    let recs = records(&out.get_output().stdout);
    assert_eq!(recs.len(), 7);
    assert!(recs[0]["source"].as_str().unwrap().ends_with("a.WARC#2"));
    assert!(recs[3]["source"].as_str().unwrap().ends_with("b.warc.gz#2"));
    assert!(recs[6]["source"].as_str().unwrap().ends_with("c.html"));
}

#[test]
fn broken_archive_is_an_error_record() {
    let dir = tempfile::tempdir().unwrap();
    let warc = dir.path().join("x.warc");
    std::fs::write(&warc, "<html>this is no archive</html>").unwrap();
    let out = dehusk().arg("extract").arg(&warc).assert().code(1);
    let recs = records(&out.get_output().stdout);
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0]["error"]["kind"], "warc");
}

#[test]
fn shards_partition_archive_records_and_files() {
    let dir = tempfile::tempdir().unwrap();
    let warc = dir.path().join("crawl.warc.gz");
    build(&warc);
    for i in 0..6 {
        std::fs::write(
            dir.path().join(format!("p{i}.html")),
            article(&format!("Page {i}")),
        )
        .unwrap();
    }
    let all = records(
        &dehusk()
            .arg("extract")
            .arg(dir.path())
            .assert()
            .code(0)
            .get_output()
            .stdout,
    );
    assert_eq!(all.len(), 9);
    let mut seen = Vec::new();
    for k in 0..3 {
        let out = dehusk()
            .args(["extract", "--shard", &format!("{k}/3")])
            .arg(dir.path())
            .assert()
            .code(0);
        for r in records(&out.get_output().stdout) {
            seen.push(r["source"].as_str().unwrap().to_string());
        }
    }
    seen.sort();
    let mut want: Vec<String> = all
        .iter()
        .map(|r| r["source"].as_str().unwrap().to_string())
        .collect();
    want.sort();
    assert_eq!(seen, want, "every input in exactly one shard");
}

#[test]
fn bad_shard_values_are_usage_errors() {
    for bad in ["3/3", "1", "x/2", "0/0"] {
        dehusk()
            .args(["extract", "--shard", bad, "nothing.html"])
            .assert()
            .code(2);
        dehusk()
            .args(["scrape", "--shard", bad, "-"])
            .write_stdin("")
            .assert()
            .code(2);
    }
}

#[test]
fn stdin_jsonl_is_sharded_by_url_host() {
    let lines: String = (0..12)
        .map(|i| {
            serde_json::json!({"url": format!("https://h{}.test/{i}", i % 5), "html": article(&format!("T{i}"))})
                .to_string()
                + "\n"
        })
        .collect();
    let mut total = 0;
    for k in 0..2 {
        let out = dehusk()
            .args(["extract", "--stdin-jsonl", "--shard", &format!("{k}/2")])
            .write_stdin(lines.clone())
            .assert()
            .code(0);
        let recs = records(&out.get_output().stdout);
        for r in &recs {
            let host = dehusk::shard::key(r["url"].as_str().unwrap());
            assert_eq!(dehusk::shard::shard_of(&host, 2), k);
        }
        total += recs.len();
    }
    assert_eq!(total, 12);
}

#[test]
fn whole_file_gzip_reads_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let per_record = dir.path().join("r.warc.gz");
    build(&per_record);
    let mut plain = Vec::new();
    std::io::copy(
        &mut flate2::read::MultiGzDecoder::new(&std::fs::read(&per_record).unwrap()[..]),
        &mut plain,
    )
    .unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&plain).unwrap();
    let whole = dir.path().join("w.warc.gz");
    std::fs::write(&whole, gz.finish().unwrap()).unwrap();
    let texts = |p: &Path| -> Vec<String> {
        records(
            &dehusk()
                .arg("extract")
                .arg(p)
                .assert()
                .code(0)
                .get_output()
                .stdout,
        )
        .iter()
        .map(|r| r["text"].as_str().unwrap().to_string())
        .collect()
    };
    let a = texts(&per_record);
    assert_eq!(a.len(), 3);
    assert_eq!(a, texts(&whole));
}
