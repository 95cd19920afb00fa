//! `dehusk serve`: the HTTP service on an ephemeral loopback port, with its limits, the
//! SSRF guard and graceful shutdown.

mod common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use common::{article, Resp, Server};
use dehusk::fetch::FetchConfig;
use dehusk::serve::{serve, ServeConfig};
use serde_json::Value;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A running service and the handle that shuts it down.
struct Service {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<Result<(), dehusk::serve::ServeError>>,
}

impl Service {
    async fn start(cfg: ServeConfig) -> Service {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(serve(listener, cfg, async {
            let _ = rx.await;
        }));
        Service {
            addr,
            stop: Some(tx),
            task,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Sends the shutdown signal and waits for `serve` to return.
    async fn shutdown(mut self) -> Result<(), dehusk::serve::ServeError> {
        let _ = self.stop.take().unwrap().send(());
        tokio::time::timeout(Duration::from_secs(10), self.task)
            .await
            .expect("serve returns after shutdown")
            .unwrap()
    }
}

/// Quick fetch settings: no politeness delay, no retries.
fn config(allow_private: bool) -> ServeConfig {
    ServeConfig {
        allow_private,
        timeout: Duration::from_secs(10),
        fetch: FetchConfig {
            delay: Duration::ZERO,
            retries: 0,
            env_proxy: false,
            ..Default::default()
        },
        ..Default::default()
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

/// POSTs `{"urls": urls}` to /scrape; returns the content type and the NDJSON records.
async fn scrape(svc: &Service, urls: &[String]) -> (String, Vec<Value>) {
    let resp = client()
        .post(svc.url("/scrape"))
        .header("content-type", "application/json")
        .body(serde_json::json!({ "urls": urls }).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let ct = resp.headers()["content-type"].to_str().unwrap().to_string();
    let text = resp.text().await.unwrap();
    let recs = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is one JSON record"))
        .collect();
    (ct, recs)
}

fn kind(rec: &Value) -> &str {
    rec["error"]["kind"].as_str().unwrap_or("ok")
}

fn site() -> Server {
    Server::start(|r| match r.path.as_str() {
        "/a" => Resp::html(article("Alpha")),
        "/b" => Resp::html(article("Beta")),
        "/slow" => Resp::html(article("Slow")).delay(Duration::from_millis(600)),
        "/stuck" => Resp::html(article("Stuck")).delay(Duration::from_secs(5)),
        _ => Resp::not_found(),
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_reports_version() {
    let svc = Service::start(config(false)).await;
    let resp = client().get(svc.url("/health")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let v: Value = serde_json::from_str(&resp.text().await.unwrap()).unwrap();
    assert_eq!(v["status"], "ok");
    assert_eq!(v["version"], env!("CARGO_PKG_VERSION"));
    svc.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn extract_with_and_without_url() {
    let svc = Service::start(config(false)).await;
    let page = article("Posted").replace(
        "<title>",
        "<meta property=\"og:image\" content=\"/img/lead.jpg\"><title>",
    );
    let resp = client()
        .post(svc.url("/extract"))
        .header("content-type", "text/html; charset=utf-8")
        .body(page.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let rec: Value = serde_json::from_str(&resp.text().await.unwrap()).unwrap();
    assert_eq!(kind(&rec), "ok", "{rec}");
    assert_eq!(rec["source"], "-");
    assert!(rec["text"]
        .as_str()
        .unwrap()
        .starts_with("This is the first paragraph"));
    assert!(rec.get("url").is_none());
    assert_eq!(rec["image"], "/img/lead.jpg");

    let resp = client()
        .post(svc.url("/extract?url=https%3A%2F%2Fnews.example%2F2024%2Fstory"))
        .body(page)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let rec: Value = serde_json::from_str(&resp.text().await.unwrap()).unwrap();
    assert_eq!(rec["source"], "https://news.example/2024/story");
    assert_eq!(rec["url"], "https://news.example/2024/story");
    // Relative links resolve against the given URL.
    assert_eq!(rec["image"], "https://news.example/img/lead.jpg");

    // Not HTML: an error record, with 422.
    let resp = client()
        .post(svc.url("/extract"))
        .body(vec![0u8, 159, 146, 150, 0, 1, 2, 3])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);
    let rec: Value = serde_json::from_str(&resp.text().await.unwrap()).unwrap();
    assert_ne!(kind(&rec), "ok");

    let resp = client()
        .post(svc.url("/extract?url=not%20a%20url"))
        .body("<p>x</p>")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    svc.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_over_the_limit_get_413() {
    let svc = Service::start(ServeConfig {
        max_body: 1024,
        ..config(false)
    })
    .await;
    let big = format!("<html><body><p>{}</p></body></html>", "x".repeat(4096));
    let resp = client()
        .post(svc.url("/extract"))
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 413);
    let many: Vec<String> = (0..200)
        .map(|i| format!("https://example.com/{i}"))
        .collect();
    let resp = client()
        .post(svc.url("/scrape"))
        .header("content-type", "application/json")
        .body(serde_json::json!({ "urls": many }).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 413);
    // Under the limit still works.
    let resp = client()
        .post(svc.url("/extract"))
        .body(article("Small"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    svc.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scrape_streams_one_line_per_url() {
    let srv = site();
    let svc = Service::start(config(true)).await;
    let urls = vec![srv.url("/a"), srv.url("/b"), "ftp://nope/".to_string()];
    let (ct, recs) = scrape(&svc, &urls).await;
    assert_eq!(ct, "application/x-ndjson");
    assert_eq!(recs.len(), 3, "{recs:?}");
    for (u, title) in [(&urls[0], "Alpha"), (&urls[1], "Beta")] {
        let rec = recs
            .iter()
            .find(|r| r["source"] == **u)
            .expect("a record per URL");
        assert_eq!(kind(rec), "ok", "{rec}");
        assert_eq!(rec["title"], title);
        assert_eq!(rec["http_status"], 200);
        assert!(rec["fetched_at"].is_string());
    }
    let bad = recs.iter().find(|r| r["source"] == "ftp://nope/").unwrap();
    assert_eq!(kind(bad), "invalid_url");

    // Bad JSON is a 4xx with an error body, not a stream.
    let resp = client()
        .post(svc.url("/scrape"))
        .header("content-type", "application/json")
        .body("{\"urls\": 3}")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let err: Value = serde_json::from_str(&resp.text().await.unwrap()).unwrap();
    assert_eq!(err["error"]["kind"], "bad_request");
    svc.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_addresses_are_forbidden_unless_allowed() {
    let srv = site();
    let port = srv.addr.port();
    let targets = vec![
        // A literal IP (never resolved) ...
        srv.url("/a"),
        format!("http://[::ffff:127.0.0.1]:{port}/a"),
        // ... and a name whose DNS answer is loopback.
        format!("http://localhost:{port}/a"),
    ];
    let svc = Service::start(config(false)).await;
    let (_, recs) = scrape(&svc, &targets).await;
    assert_eq!(recs.len(), 3);
    for rec in &recs {
        assert_eq!(kind(rec), "forbidden_address", "{rec}");
    }
    assert!(
        srv.requests().is_empty(),
        "the target was never contacted, not even for robots.txt"
    );
    svc.shutdown().await.unwrap();

    let svc = Service::start(config(true)).await;
    let (_, recs) = scrape(&svc, &targets[..1]).await;
    assert_eq!(kind(&recs[0]), "ok", "{}", recs[0]);
    assert_eq!(recs[0]["title"], "Alpha");
    svc.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saturated_service_answers_503_and_slow_fetches_time_out() {
    let srv = site();
    let svc = Service::start(ServeConfig {
        concurrency: 1,
        timeout: Duration::from_millis(800),
        ..config(true)
    })
    .await;
    let held = {
        let u = svc.url("/scrape");
        let stuck = srv.url("/stuck");
        tokio::spawn(async move {
            let t0 = Instant::now();
            let text = client()
                .post(u)
                .header("content-type", "application/json")
                .body(serde_json::json!({ "urls": [stuck] }).to_string())
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            (t0.elapsed(), text)
        })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    let resp = client()
        .post(svc.url("/extract"))
        .body(article("Busy"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 503);
    assert_eq!(resp.headers()["retry-after"], "1");
    // /health is never limited.
    let resp = client().get(svc.url("/health")).send().await.unwrap();
    assert_eq!(resp.status(), 200);

    let (took, text) = held.await.unwrap();
    assert!(
        took < Duration::from_secs(3),
        "cut off at the limit: {took:?}"
    );
    let rec: Value = serde_json::from_str(text.trim()).unwrap();
    assert_eq!(kind(&rec), "timeout", "{rec}");
    // The slot is free again once the stream ended.
    let resp = client()
        .post(svc.url("/extract"))
        .body(article("Free"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    svc.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_lets_requests_in_flight_finish() {
    let srv = site();
    let svc = Service::start(config(true)).await;
    let addr = svc.addr;
    let pending = {
        let u = svc.url("/scrape");
        let slow = srv.url("/slow");
        tokio::spawn(async move {
            client()
                .post(u)
                .header("content-type", "application/json")
                .body(serde_json::json!({ "urls": [slow] }).to_string())
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    svc.shutdown().await.unwrap();
    let text = pending.await.unwrap();
    let rec: Value = serde_json::from_str(text.trim()).unwrap();
    assert_eq!(kind(&rec), "ok", "{rec}");
    assert_eq!(rec["title"], "Slow");
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "no new connections after shutdown"
    );
}

#[test]
fn cli_lists_the_serve_flags() {
    let out = assert_cmd::Command::cargo_bin("dehusk")
        .unwrap()
        .args(["serve", "--help"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for flag in [
        "--listen",
        "--max-body",
        "--concurrency",
        "--timeout",
        "--allow-private",
    ] {
        assert!(help.contains(flag), "{flag} missing from:\n{help}");
    }
}
