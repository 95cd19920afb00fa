//! Retries: 5xx and 429 are retried with backoff, `Retry-After` is honoured, and the
//! last failure is reported once retries run out.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::{article, config, kind, scrape_one, Resp, Server};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_error_then_success_is_retried() {
    let n = AtomicUsize::new(0);
    let srv = Server::start(move |r| match r.path.as_str() {
        "/flaky" if n.fetch_add(1, Ordering::SeqCst) == 0 => Resp::new(500),
        "/flaky" => Resp::html(article("Flaky")),
        _ => Resp::not_found(),
    });
    let rec = scrape_one(config(), &srv.url("/flaky")).await;
    assert_eq!(kind(&rec), "ok", "{rec:?}");
    assert_eq!(rec.http_status, Some(200));
    assert_eq!(srv.hits("/flaky"), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retries_run_out() {
    let srv = Server::start(|_| Resp::new(503));
    let mut cfg = config();
    cfg.retries = 2;
    cfg.obey_robots = false;
    let rec = scrape_one(cfg, &srv.url("/down")).await;
    assert_eq!(kind(&rec), "http");
    assert_eq!(rec.http_status, Some(503));
    assert_eq!(srv.hits("/down"), 3, "one attempt and two retries");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_many_requests_honours_retry_after() {
    let n = AtomicUsize::new(0);
    let srv = Server::start(move |r| match r.path.as_str() {
        "/busy" if n.fetch_add(1, Ordering::SeqCst) == 0 => {
            Resp::new(429).header("Retry-After", "1")
        }
        "/busy" => Resp::html(article("Busy")),
        _ => Resp::not_found(),
    });
    let rec = scrape_one(config(), &srv.url("/busy")).await;
    assert_eq!(kind(&rec), "ok", "{rec:?}");
    let hits: Vec<_> = srv
        .requests()
        .into_iter()
        .filter(|r| r.path == "/busy")
        .collect();
    assert_eq!(hits.len(), 2);
    // Generous lower bound only: the retry waited for Retry-After, not the 20 ms backoff.
    let gap = hits[1].at - hits[0].at;
    assert!(gap >= Duration::from_millis(800), "retried after {gap:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_after_beyond_the_limit_fails_at_once() {
    let srv = Server::start(|r| match r.path.as_str() {
        "/later" => Resp::new(429).header("Retry-After", "3600"),
        _ => Resp::not_found(),
    });
    let rec = scrape_one(config(), &srv.url("/later")).await;
    assert_eq!(kind(&rec), "http");
    assert_eq!(rec.http_status, Some(429));
    assert!(rec.record.error.unwrap().message.contains("Retry-After"));
    assert_eq!(srv.hits("/later"), 1);
}
