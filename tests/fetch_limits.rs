//! Limits: slow servers time out, trickling bodies are cut off, and bodies over
//! `max_bytes` fail while streaming, decompressed size included (a gzip bomb).

mod common;

use std::io::Write;
use std::time::{Duration, Instant};

use common::{config, kind, scrape_one, Resp, Server};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_response_times_out() {
    let srv = Server::start(|r| match r.path.as_str() {
        "/slow" => Resp::html("<p>late</p>").delay(Duration::from_secs(5)),
        _ => Resp::not_found(),
    });
    let mut cfg = config();
    cfg.timeout = Duration::from_millis(300);
    cfg.retries = 0;
    let rec = scrape_one(cfg, &srv.url("/slow")).await;
    assert_eq!(kind(&rec), "timeout", "{rec:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trickling_body_is_cut_off() {
    let srv = Server::start(|r| match r.path.as_str() {
        "/drip" => Resp::new(200)
            .header("Content-Type", "text/html")
            .trickle(Duration::from_millis(50)),
        _ => Resp::not_found(),
    });
    let mut cfg = config();
    cfg.timeout = Duration::from_millis(500);
    cfg.retries = 0;
    let t = Instant::now();
    let rec = scrape_one(cfg, &srv.url("/drip")).await;
    assert_eq!(kind(&rec), "timeout", "{rec:?}");
    assert_eq!(rec.http_status, Some(200));
    // "Does not hang" only: the bound is far above the 0.5 s timeout.
    assert!(t.elapsed() < Duration::from_secs(20));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn body_over_the_limit_is_refused() {
    let big = format!("<html><body>{}</body></html>", "x".repeat(200_000));
    let srv = Server::start(move |r| match r.path.as_str() {
        "/big" => Resp::html(&big),
        _ => Resp::not_found(),
    });
    let mut cfg = config();
    cfg.max_bytes = 100_000;
    let rec = scrape_one(cfg, &srv.url("/big")).await;
    assert_eq!(kind(&rec), "too_large", "{rec:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gzip_bomb_is_stopped_at_the_limit() {
    // 16 MiB of spaces compresses to about 16 KiB; the limit applies after decompression.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(b"<html><body>").unwrap();
    let block = vec![b' '; 1 << 20];
    for _ in 0..16 {
        gz.write_all(&block).unwrap();
    }
    let bomb = gz.finish().unwrap();
    assert!(bomb.len() < 1 << 20);
    let srv = Server::start(move |r| match r.path.as_str() {
        "/bomb" => Resp::html(&bomb).header("Content-Encoding", "gzip"),
        _ => Resp::not_found(),
    });
    let mut cfg = config();
    cfg.max_bytes = 1 << 20;
    let rec = scrape_one(cfg, &srv.url("/bomb")).await;
    assert_eq!(kind(&rec), "too_large", "{rec:?}");
}
