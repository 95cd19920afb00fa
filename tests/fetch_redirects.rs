//! Redirects: chains are followed with `source` kept and `url` final; loops and overlong
//! chains become errors.

mod common;

use common::{article, config, kind, scrape_one, Resp, Server};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirect_chain_is_followed() {
    let srv = Server::start(|r| match r.path.as_str() {
        "/a" => Resp::redirect("/b"),
        "/b" => Resp::new(301).header("Location", "/c"),
        "/c" => Resp::new(307).header("Location", "/final"),
        "/final" => Resp::html(article("Final")),
        _ => Resp::not_found(),
    });
    let rec = scrape_one(config(), &srv.url("/a")).await;
    assert_eq!(kind(&rec), "ok", "{rec:?}");
    assert_eq!(rec.record.source, srv.url("/a"));
    assert_eq!(rec.record.url.as_deref(), Some(srv.url("/final").as_str()));
    assert_eq!(rec.http_status, Some(200));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirect_loop_is_detected() {
    let srv = Server::start(|r| match r.path.as_str() {
        "/x" => Resp::redirect("/y"),
        "/y" => Resp::redirect("/x"),
        _ => Resp::not_found(),
    });
    let rec = scrape_one(config(), &srv.url("/x")).await;
    assert_eq!(kind(&rec), "redirect_loop", "{rec:?}");
    assert!(srv.hits("/x") <= 2, "a loop is caught on its first repeat");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_many_redirects_give_up() {
    let srv = Server::start(|r| {
        if r.path == "/robots.txt" {
            return Resp::not_found();
        }
        let n: u32 = r.path.trim_start_matches("/r").parse().unwrap_or(0);
        Resp::redirect(&format!("/r{}", n + 1))
    });
    let rec = scrape_one(config(), &srv.url("/r0")).await;
    assert_eq!(kind(&rec), "too_many_redirects", "{rec:?}");
    assert_eq!(
        srv.requests().len(),
        12,
        "robots.txt, then the first request plus 10 redirects"
    );
}
