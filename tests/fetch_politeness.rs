//! Politeness: a per-host cap on requests in flight, a gap between requests to one host,
//! and a slow host never holding up another.

mod common;

use std::time::Duration;

use common::{article, config, kind, scrape, Resp, Server};
use dehusk::fetch::{scrape_list, Fetcher, RunOptions};
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_to_one_host_are_spaced_by_the_delay() {
    let srv = Server::start(|r| Resp::html(article(&r.path)));
    let mut cfg = config();
    cfg.obey_robots = false;
    cfg.delay = Duration::from_millis(400);
    cfg.per_host = 4;
    let list: String = (0..3)
        .map(|i| format!("{}\n", srv.url(&format!("/p{i}"))))
        .collect();
    let recs = scrape(cfg, &list).await;
    assert!(recs.iter().all(|r| kind(r) == "ok"), "{recs:?}");
    let mut times: Vec<_> = srv.requests().iter().map(|r| r.at).collect();
    times.sort();
    assert_eq!(times.len(), 3);
    for w in times.windows(2) {
        // Generous lower bound (server-side arrival can shift a little either way).
        assert!(
            w[1] - w[0] >= Duration::from_millis(300),
            "gap {:?}",
            w[1] - w[0]
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_flight_requests_per_host_are_capped() {
    let srv = Server::start(|r| Resp::html(article(&r.path)).delay(Duration::from_millis(150)));
    let mut cfg = config();
    cfg.obey_robots = false;
    cfg.per_host = 2;
    let list: String = (0..8)
        .map(|i| format!("{}\n", srv.url(&format!("/p{i}"))))
        .collect();
    let recs = scrape(cfg, &list).await;
    assert_eq!(recs.len(), 8);
    assert!(recs.iter().all(|r| kind(r) == "ok"));
    assert!(
        srv.max_concurrent() <= 2,
        "saw {} at once",
        srv.max_concurrent()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_host_does_not_hold_up_others() {
    // Same port number is irrelevant: 127.0.0.1 and 127.0.0.2 are different hosts.
    let slow = Server::start_on("127.0.0.1", |r| {
        Resp::html(article(&r.path)).delay(Duration::from_secs(2))
    });
    let fast = Server::start_on("127.0.0.2", |r| Resp::html(article(&r.path)));
    let mut cfg = config();
    cfg.obey_robots = false;
    cfg.per_host = 1;
    cfg.delay = Duration::from_millis(100);
    let mut list = String::new();
    for i in 0..2 {
        list.push_str(&format!("{}\n", slow.url(&format!("/s{i}"))));
    }
    for i in 0..5 {
        list.push_str(&format!("{}\n", fast.url(&format!("/f{i}"))));
    }
    let fetcher = Arc::new(Fetcher::new(cfg, dehusk::Extractor::new()).unwrap());
    let (recs, _) = scrape_list(fetcher, &list, RunOptions::default()).await;
    assert_eq!(recs.len(), 7);
    // Unordered output: every fast page is written before the slow host's first one.
    let first_slow = recs
        .iter()
        .position(|r| r.record.source.contains("127.0.0.1"))
        .unwrap();
    assert_eq!(
        first_slow,
        5,
        "{:?}",
        recs.iter().map(|r| &r.record.source).collect::<Vec<_>>()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ordered_output_keeps_input_order() {
    let srv = Server::start(|r| {
        let d = if r.path == "/first" { 500 } else { 0 };
        Resp::html(article(&r.path)).delay(Duration::from_millis(d))
    });
    let mut cfg = config();
    cfg.obey_robots = false;
    cfg.per_host = 8;
    let paths = ["/first", "/b", "/c", "/d"];
    let list: String = paths.iter().map(|p| format!("{}\n", srv.url(p))).collect();
    let recs = scrape(cfg, &list).await;
    let got: Vec<String> = recs.iter().map(|r| r.record.source.clone()).collect();
    let want: Vec<String> = paths.iter().map(|p| srv.url(p)).collect();
    assert_eq!(got, want);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_host_fails_fast() {
    // A port that was just free: connections are refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let list: String = (0..12)
        .map(|i| format!("http://127.0.0.1:{port}/p{i}\n"))
        .collect();
    let mut cfg = config();
    cfg.retries = 1;
    let recs = scrape(cfg, &list).await;
    assert_eq!(recs.len(), 12);
    assert!(recs.iter().all(|r| kind(r) == "connect"), "{recs:?}");
    let skipped = recs
        .iter()
        .filter(|r| {
            r.record
                .error
                .as_ref()
                .unwrap()
                .message
                .contains("not tried")
        })
        .count();
    assert!(skipped >= 5, "only {skipped} skipped");
}
