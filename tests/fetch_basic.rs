//! Plain fetches: a page, an error status, a non-HTML type, a declared charset, and the
//! one-record-per-URL guarantee over invalid lines and duplicates.

mod common;

use common::{article, config, kind, scrape, scrape_one, Resp, Server};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn html_page_becomes_a_full_record() {
    let srv = Server::start(|r| match r.path.as_str() {
        "/story" => Resp::html(article("Lighthouses")),
        _ => Resp::not_found(),
    });
    let rec = scrape_one(config(), &srv.url("/story")).await;
    assert_eq!(kind(&rec), "ok", "{rec:?}");
    assert_eq!(rec.record.source, srv.url("/story"));
    assert_eq!(rec.record.url.as_deref(), Some(srv.url("/story").as_str()));
    assert!(rec
        .record
        .text
        .contains("first paragraph of a story about Lighthouses"));
    assert!(!rec.record.text.contains("All rights reserved"));
    assert_eq!(rec.http_status, Some(200));
    assert_eq!(
        rec.content_type.as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(rec.record.charset.as_deref(), Some("UTF-8"));
    assert!(rec.elapsed_ms.is_some());
    let at = rec.record.fetched_at.expect("fetched_at");
    assert!(at.ends_with('Z') && at.contains('T'), "{at}");
    // The default User-Agent names dehusk and its version.
    let ua = srv
        .requests()
        .last()
        .unwrap()
        .header("user-agent")
        .unwrap()
        .to_string();
    assert_eq!(ua, format!("dehusk/{}", env!("CARGO_PKG_VERSION")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn not_found_is_an_http_error() {
    let srv = Server::start(|_| Resp::not_found());
    let rec = scrape_one(config(), &srv.url("/missing")).await;
    assert_eq!(kind(&rec), "http");
    assert_eq!(rec.http_status, Some(404));
    assert!(rec.record.error.unwrap().message.contains("404"));
    assert_eq!(srv.hits("/missing"), 1, "a 404 is not retried");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn non_html_is_refused_by_type() {
    let srv = Server::start(|r| match r.path.as_str() {
        "/doc.pdf" => Resp::new(200)
            .header("Content-Type", "application/pdf")
            .body("%PDF-1.4 ..."),
        _ => Resp::not_found(),
    });
    let rec = scrape_one(config(), &srv.url("/doc.pdf")).await;
    assert_eq!(kind(&rec), "content_type");
    assert!(rec
        .record
        .error
        .unwrap()
        .message
        .contains("application/pdf"));
    assert_eq!(rec.content_type.as_deref(), Some("application/pdf"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn charset_comes_from_the_header() {
    // "Привет" in windows-1251, with a <meta> that lies: the header wins.
    let mut body =
        b"<html><head><meta charset=\"iso-8859-1\"><title>t</title></head><body><article><p>"
            .to_vec();
    body.extend_from_slice(&[0xCF, 0xF0, 0xE8, 0xE2, 0xE5, 0xF2]);
    body.extend_from_slice(b", this paragraph is long enough to be kept as article text, with commas, and more words.</p></article></body></html>");
    let srv = Server::start(move |_| {
        Resp::new(200)
            .header("Content-Type", "text/html; charset=windows-1251")
            .body(&body)
    });
    let rec = scrape_one(config(), &srv.url("/ru")).await;
    assert_eq!(kind(&rec), "ok", "{rec:?}");
    assert_eq!(rec.record.charset.as_deref(), Some("windows-1251"));
    assert!(rec.record.text.contains("Привет"), "{}", rec.record.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_lines_name_their_line() {
    let list = "# a comment\n\nnot a url\nftp://example.test/file\n{\"nourl\": 1}\n";
    let recs = scrape(config(), list).await;
    assert_eq!(recs.len(), 3, "{recs:?}");
    for r in &recs {
        assert_eq!(kind(r), "invalid_url");
    }
    let msgs: Vec<String> = recs
        .iter()
        .map(|r| r.record.error.clone().unwrap().message)
        .collect();
    assert!(msgs[0].starts_with("list:3:"), "{msgs:?}");
    assert!(
        msgs[1].starts_with("list:4:") && msgs[1].contains("ftp"),
        "{msgs:?}"
    );
    assert!(msgs[2].starts_with("list:5:"), "{msgs:?}");
    assert_eq!(recs[0].record.source, "not a url");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicates_are_fetched_once() {
    let srv = Server::start(|r| match r.path.as_str() {
        "/a" => Resp::html(article("A")),
        _ => Resp::not_found(),
    });
    let port = srv.addr.port();
    let list = format!(
        "http://127.0.0.1:{port}/a\nhttp://127.0.0.1:{port}/a#section\n  http://127.0.0.1:{port}/a  \n{{\"url\": \"http://127.0.0.1:{port}/a\"}}\n"
    );
    let recs = scrape(config(), &list).await;
    assert_eq!(recs.len(), 1, "{recs:?}");
    assert_eq!(srv.hits("/a"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_input_yields_exactly_one_record() {
    let srv = Server::start(|r| match r.path.as_str() {
        p if p.starts_with("/ok") => Resp::html(article(p)),
        "/gone" => Resp::new(410),
        "/bin" => Resp::new(200)
            .header("Content-Type", "image/png")
            .body("\u{89}PNG"),
        _ => Resp::not_found(),
    });
    let mut list = String::new();
    let mut expected = Vec::new();
    for i in 0..20 {
        let u = srv.url(&format!("/ok{i}"));
        list.push_str(&format!("{u}\n"));
        expected.push(u);
    }
    for p in ["/gone", "/bin", "/nothing"] {
        list.push_str(&format!("{}\n", srv.url(p)));
        expected.push(srv.url(p));
    }
    list.push_str("bad line\n");
    expected.push("bad line".to_string());
    // A closed port: connection refused.
    list.push_str("http://127.0.0.1:9/closed\n");
    expected.push("http://127.0.0.1:9/closed".to_string());
    let mut cfg = config();
    cfg.retries = 0;
    let recs = scrape(cfg, &list).await;
    let sources: Vec<String> = recs.iter().map(|r| r.record.source.clone()).collect();
    assert_eq!(sources, expected, "ordered, one each");
    assert_eq!(recs.iter().filter(|r| !r.is_error()).count(), 20);
    assert_eq!(kind(&recs[20]), "http");
    assert_eq!(kind(&recs[21]), "content_type");
    assert_eq!(kind(&recs[22]), "http");
    assert_eq!(kind(&recs[23]), "invalid_url");
    assert_eq!(kind(&recs[24]), "connect");
}
