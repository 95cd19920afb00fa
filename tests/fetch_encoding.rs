//! Compressed bodies: gzip and brotli are decoded transparently, and the request says so.

mod common;

use std::io::Write;

use common::{article, config, kind, scrape_one, Resp, Server};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gzip_body_is_decoded() {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(article("Zipped").as_bytes()).unwrap();
    let body = gz.finish().unwrap();
    let srv = Server::start(move |r| match r.path.as_str() {
        "/gz" => Resp::html(&body).header("Content-Encoding", "gzip"),
        _ => Resp::not_found(),
    });
    let rec = scrape_one(config(), &srv.url("/gz")).await;
    assert_eq!(kind(&rec), "ok", "{rec:?}");
    assert!(rec.record.text.contains("story about Zipped"));
    let accept = srv
        .requests()
        .last()
        .unwrap()
        .header("accept-encoding")
        .unwrap()
        .to_string();
    for enc in ["gzip", "br", "zstd", "deflate"] {
        assert!(accept.contains(enc), "{accept}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn brotli_body_is_decoded() {
    let mut body = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut body, 4096, 5, 22);
        w.write_all(article("Brotli").as_bytes()).unwrap();
    }
    let srv = Server::start(move |r| match r.path.as_str() {
        "/br" => Resp::html(&body).header("Content-Encoding", "br"),
        _ => Resp::not_found(),
    });
    let rec = scrape_one(config(), &srv.url("/br")).await;
    assert_eq!(kind(&rec), "ok", "{rec:?}");
    assert!(rec.record.text.contains("story about Brotli"));
}
