//! A fast loopback site for `scripts/soak.sh` and `scripts/full-disk.sh`: one port on many
//! 127.0.0.x addresses, serving the bundled sample pages with the path's number woven in.
//!
//! ```text
//! cargo run --release --example soak_server -- [--samples DIR] [--hosts N] [--port P]
//! ```
//!
//! Listens on 127.0.0.2 .. 127.0.0.(N+1) (all of 127.0.0.0/8 is loopback on Linux) and prints
//! `port P` on stdout once every address is bound. Paths: `/p/N` a sample page (sample
//! `N mod count`, its title and first paragraph carrying N so no two pages are the same),
//! `/slow/N` the same after 2 s, `/missing/N` a 404, `/error/N` a 500, and `/robots.txt` a
//! fast 404. It runs on one thread, so it takes at most one core from the scraper it feeds.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;

struct Site {
    pages: Vec<Vec<u8>>,
    served: AtomicU64,
}

impl Site {
    /// Sample `n mod count` with `n` in its title and at the start of its first paragraph.
    fn page(&self, n: u64) -> Vec<u8> {
        let base = &self.pages[(n % self.pages.len() as u64) as usize];
        let mut out = Vec::with_capacity(base.len() + 64);
        let mut rest = &base[..];
        for (tag, insert) in [
            (&b"</title>"[..], format!(" (no. {n})")),
            (&b"<p>"[..], format!("Dispatch {n}. ")),
        ] {
            if let Some(i) = memchr::memmem::find(rest, tag) {
                // The title's number goes before its closing tag, the paragraph's after its
                // opening one.
                let at = if tag == b"<p>" { i + tag.len() } else { i };
                out.extend_from_slice(&rest[..at]);
                out.extend_from_slice(insert.as_bytes());
                rest = &rest[at..];
            }
        }
        out.extend_from_slice(rest);
        out
    }
}

async fn handle(State(site): State<Arc<Site>>, uri: Uri) -> Response {
    site.served.fetch_add(1, Ordering::Relaxed);
    let path = uri.path();
    let (kind, num) = path
        .trim_start_matches('/')
        .split_once('/')
        .unwrap_or((path, ""));
    let n: u64 = num.parse().unwrap_or(0);
    let html = |body: Vec<u8>| {
        // No charset: the two legacy-encoded samples declare theirs in <meta>.
        ([(header::CONTENT_TYPE, "text/html")], Body::from(body)).into_response()
    };
    match kind {
        "p" => html(site.page(n)),
        "slow" => {
            tokio::time::sleep(Duration::from_secs(2)).await;
            html(site.page(n))
        }
        "error" => (StatusCode::INTERNAL_SERVER_ERROR, "server error").into_response(),
        _ => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

fn main() -> std::io::Result<()> {
    let mut samples = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/samples"));
    let mut hosts = 64u32;
    let mut port = 0u16;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let v = args.next().unwrap_or_default();
        match a.as_str() {
            "--samples" => samples = v.into(),
            "--hosts" => hosts = v.parse().expect("--hosts N"),
            "--port" => port = v.parse().expect("--port P"),
            _ => panic!("unknown argument {a}"),
        }
    }
    assert!((1..=250).contains(&hosts), "--hosts must be 1 to 250");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&samples)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .collect();
    files.sort();
    let pages = files
        .iter()
        .map(std::fs::read)
        .collect::<std::io::Result<Vec<_>>>()?;
    assert!(!pages.is_empty(), "no .html files in {}", samples.display());
    let site = Arc::new(Site {
        pages,
        served: AtomicU64::new(0),
    });

    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(async move {
            let app = Router::new().fallback(handle).with_state(site.clone());
            let first = tokio::net::TcpListener::bind(("127.0.0.2", port)).await?;
            let port = first.local_addr()?.port();
            let mut listeners = vec![first];
            for h in 3..hosts + 2 {
                listeners
                    .push(tokio::net::TcpListener::bind((format!("127.0.0.{h}"), port)).await?);
            }
            for l in listeners {
                let app = app.clone();
                tokio::spawn(async move { axum::serve(l, app).await });
            }
            println!("port {port}");
            use std::io::Write;
            std::io::stdout().flush()?;
            tokio::signal::ctrl_c().await?;
            eprintln!(
                "soak_server: {} request(s) served",
                site.served.load(Ordering::Relaxed)
            );
            Ok(())
        })
}
