//! robots.txt: fetched once per host, obeyed by default, ignorable.

mod common;

use common::{article, config, kind, scrape, Resp, Server};

fn robots_server() -> Server {
    Server::start(|r| match r.path.as_str() {
        "/robots.txt" => Resp::new(200)
            .header("Content-Type", "text/plain")
            .body("User-agent: *\nDisallow: /private\n\nUser-agent: otherbot\nDisallow: /\n"),
        p => Resp::html(article(p)),
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disallowed_url_is_a_robots_error() {
    let srv = robots_server();
    let list = format!(
        "{}\n{}\n{}\n",
        srv.url("/public/1"),
        srv.url("/private/secret"),
        srv.url("/public/2")
    );
    let recs = scrape(config(), &list).await;
    assert_eq!(recs.len(), 3);
    assert_eq!(kind(&recs[0]), "ok");
    assert_eq!(kind(&recs[1]), "robots");
    assert_eq!(recs[1].record.source, srv.url("/private/secret"));
    assert_eq!(kind(&recs[2]), "ok");
    assert_eq!(srv.hits("/private/secret"), 0, "never requested");
    assert_eq!(srv.hits("/robots.txt"), 1, "fetched once per host");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ignore_robots_fetches_everything() {
    let srv = robots_server();
    let mut cfg = config();
    cfg.obey_robots = false;
    let recs = scrape(cfg, &srv.url("/private/secret")).await;
    assert_eq!(kind(&recs[0]), "ok", "{recs:?}");
    assert_eq!(srv.hits("/robots.txt"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn robots_server_error_means_disallow() {
    let srv = Server::start(|r| match r.path.as_str() {
        "/robots.txt" => Resp::new(503),
        p => Resp::html(article(p)),
    });
    let recs = scrape(config(), &srv.url("/page")).await;
    assert_eq!(kind(&recs[0]), "robots", "{recs:?}");
    assert_eq!(srv.hits("/page"), 0);
}
