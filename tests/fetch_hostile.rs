//! Hostile servers and hostile URL lists, through the real CLI: each hostile URL is scraped
//! together with a good URL on another server, and must end as exactly one error record
//! within its limit while the good URL still gets its normal record (exit code 1).
//!
//! Servers that misbehave at the byte level are raw TCP servers written here; well-formed
//! answers come from the shared test server in `common`.

mod common;

use std::future::Future;
use std::io::{Read, Write};
use std::net::SocketAddr;
use std::pin::Pin;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use common::{article, Resp, Server};

// ---------------------------------------------------------------------------------------
// A raw TCP server: the handler gets the request path and the socket, and may write
// anything to it. robots.txt is always a plain 404, so only the page itself is hostile.

type BoxFut = Pin<Box<dyn Future<Output = std::io::Result<()>> + Send>>;
type RawHandler = dyn Fn(String, TcpStream) -> BoxFut + Send + Sync;

struct Raw {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Raw {
    fn start<F, Fut>(handler: F) -> Raw
    where
        F: Fn(String, TcpStream) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = std::io::Result<()>> + Send + 'static,
    {
        let handler: Arc<RawHandler> = Arc::new(move |p, s| Box::pin(handler(p, s)));
        Raw::spawn(move |mut sock| {
            let handler = handler.clone();
            Box::pin(async move {
                let Some(path) = read_head(&mut sock).await? else {
                    return Ok(());
                };
                if path == "/robots.txt" {
                    return not_found(&mut sock).await;
                }
                handler(path, sock).await
            })
        })
    }

    /// Serves an article over TLS with `cert`/`key` (DER) for every path but robots.txt.
    fn start_tls(cert: Vec<u8>, key: Vec<u8>) -> Raw {
        let config = tokio_rustls::rustls::ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(
                vec![cert.into()],
                tokio_rustls::rustls::pki_types::PrivateKeyDer::Pkcs8(key.into()),
            )
            .expect("valid certificate");
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        Raw::spawn(move |sock| {
            let acceptor = acceptor.clone();
            Box::pin(async move {
                // A client that rejects the certificate ends the handshake: nothing to serve.
                let Ok(mut tls) = acceptor.accept(sock).await else {
                    return Ok(());
                };
                let Some(path) = read_head(&mut tls).await? else {
                    return Ok(());
                };
                if path == "/robots.txt" {
                    return not_found(&mut tls).await;
                }
                let body = article("Behind a self-signed certificate");
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\
                     Connection: close\r\n\r\n",
                    body.len()
                );
                tls.write_all(head.as_bytes()).await?;
                tls.write_all(body.as_bytes()).await?;
                tls.shutdown().await
            })
        })
    }

    fn spawn(conn: impl Fn(TcpStream) -> BoxFut + Send + Sync + 'static) -> Raw {
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        std_listener.set_nonblocking(true).unwrap();
        let addr = std_listener.local_addr().unwrap();
        let (stop_tx, mut stop_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = TcpListener::from_std(std_listener).unwrap();
                loop {
                    tokio::select! {
                        _ = &mut stop_rx => break,
                        acc = listener.accept() => {
                            let Ok((sock, _)) = acc else { continue };
                            let fut = conn(sock);
                            tokio::spawn(async move {
                                let _ = fut.await;
                            });
                        }
                    }
                }
            });
            // Endless responses are still running: dropping the runtime cancels them.
            rt.shutdown_timeout(Duration::from_millis(100));
        });
        Raw {
            addr,
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }
}

impl Drop for Raw {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Reads a request head; returns its path, or `None` when the client went away first.
async fn read_head<S: AsyncRead + Unpin>(sock: &mut S) -> std::io::Result<Option<String>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = sock.read(&mut chunk).await?;
        if n == 0 || buf.len() > 64 * 1024 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let head = String::from_utf8_lossy(&buf);
    Ok(Some(head.split(' ').nth(1).unwrap_or("/").to_string()))
}

async fn not_found<S: AsyncWrite + Unpin>(sock: &mut S) -> std::io::Result<()> {
    sock.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        .await?;
    sock.shutdown().await
}

const HTML_200: &str = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n";

// ---------------------------------------------------------------------------------------
// Running the CLI.

/// A finished `dehusk scrape` run.
struct Run {
    code: i32,
    records: Vec<Value>,
    stderr: String,
    wall: Duration,
    /// The child's peak resident set size in KiB, where /proc tells it.
    max_rss_kib: Option<i64>,
}

impl Run {
    /// The one record whose `source` is `source`.
    fn record(&self, source: &str) -> &Value {
        let found: Vec<&Value> = self
            .records
            .iter()
            .filter(|r| r["source"] == source)
            .collect();
        assert_eq!(
            found.len(),
            1,
            "one record for {source}: {:#?}",
            self.records
        );
        found[0]
    }

    fn kind(&self, source: &str) -> String {
        self.record(source)["error"]["kind"]
            .as_str()
            .unwrap_or("ok")
            .to_string()
    }

    fn message(&self, source: &str) -> String {
        self.record(source)["error"]["message"]
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    fn elapsed(&self, source: &str) -> Duration {
        Duration::from_millis(self.record(source)["elapsed_ms"].as_u64().unwrap_or(0))
    }

    /// The good page came through whole: an ok record with the article's text.
    fn assert_good(&self, good: &str) {
        let r = self.record(good);
        assert!(r["error"].is_null(), "the good URL failed: {r:#}");
        assert_eq!(r["http_status"], 200, "{r:#}");
        assert!(
            r["text"].as_str().unwrap_or("").contains("first paragraph"),
            "{r:#}"
        );
    }
}

/// Scrapes `list` (given on stdin) with test settings plus `args`; no proxies, no delay.
fn scrape(args: &[&str], list: &str) -> Run {
    let list = list.to_string();
    scrape_fed(args, move |w| w.write_all(list.as_bytes()))
}

/// Like [`scrape`], with stdin written by `feed`, so a list may be larger than memory.
fn scrape_fed(
    args: &[&str],
    feed: impl FnOnce(&mut dyn Write) -> std::io::Result<()> + Send + 'static,
) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dehusk"));
    for v in common::PROXY_VARS {
        cmd.env_remove(v);
    }
    cmd.args(["scrape", "--delay", "0", "--retries", "0", "--quiet"])
        .args(args)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let t = Instant::now();
    let mut child = cmd.spawn().expect("run dehusk");
    let rss = watch_peak_rss(child.id());
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = feed(&mut stdin);
    });
    let mut err = child.stderr.take().unwrap();
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    let code = child.wait().unwrap().code().unwrap_or(-1);
    let wall = t.elapsed();
    let max_rss_kib = rss.join().unwrap();
    writer.join().unwrap();
    let stderr = err_reader.join().unwrap();
    let records: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("each output line is JSON"))
        .collect();
    // Shown on failure, and with --nocapture: what each case came to and how fast.
    println!("exit {code} after {wall:?}, peak RSS {max_rss_kib:?} KiB");
    if !stderr.is_empty() {
        println!("stderr: {stderr}");
    }
    for r in &records {
        let src: String = r["source"]
            .as_str()
            .unwrap_or("")
            .chars()
            .take(80)
            .collect();
        let src = src.escape_debug();
        println!(
            "  {src}: {} in {} ms: {}",
            r["error"]["kind"].as_str().unwrap_or("ok"),
            r["elapsed_ms"],
            r["error"]["message"].as_str().unwrap_or("")
        );
    }
    Run {
        code,
        records,
        stderr,
        wall,
        max_rss_kib,
    }
}

/// Samples the child's peak RSS (`VmHWM`, a high-water mark, so late samples still see an
/// early peak) until it exits. Not `wait4`'s `ru_maxrss`: a child spawned with vfork
/// inherits the test process's own peak in it.
fn watch_peak_rss(pid: u32) -> std::thread::JoinHandle<Option<i64>> {
    std::thread::spawn(move || {
        let mut peak = None;
        while let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) {
            // A zombie has no memory left to report: the run is over.
            let Some(kib) = status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<i64>().ok())
            else {
                break;
            };
            peak = peak.max(Some(kib));
            std::thread::sleep(Duration::from_millis(20));
        }
        peak
    })
}

/// The good server every run includes.
fn good_site() -> Server {
    Server::start(|r| match r.path.as_str() {
        p if p.starts_with("/good") => Resp::html(article("A good page")),
        _ => Resp::not_found(),
    })
}

/// A run's hostile URLs and the good one, one per line.
fn list(hostile: &[&str], good: &str) -> String {
    let mut s = String::new();
    for h in hostile {
        s.push_str(h);
        s.push('\n');
    }
    s.push_str(good);
    s.push('\n');
    s
}

/// No test may hang: every run's whole wall time stays far below this.
const WALL: Duration = Duration::from_secs(60);

fn assert_run(run: &Run, expected_records: usize) {
    assert_eq!(run.code, 1, "some URLs failed: {}", run.stderr);
    assert_eq!(run.records.len(), expected_records, "{:#?}", run.records);
    assert!(run.wall < WALL, "took {:?}", run.wall);
}

// ---------------------------------------------------------------------------------------
// Servers that stall.

#[test]
fn slowloris_headers_time_out() {
    // A status line, then header bytes one at a time, forever.
    let srv = Raw::start(|_, mut sock| async move {
        sock.write_all(b"HTTP/1.1 200 OK\r\n").await?;
        loop {
            sock.write_all(b"X").await?;
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
    let good = good_site();
    let hostile = srv.url("/slowloris");
    let run = scrape(&["--timeout", "2s"], &list(&[&hostile], &good.url("/good")));
    assert_run(&run, 2);
    assert_eq!(run.kind(&hostile), "timeout", "{:#?}", run.records);
    assert!(run.elapsed(&hostile) < Duration::from_secs(20));
    run.assert_good(&good.url("/good"));
}

#[test]
fn endless_chunked_bodies_hit_the_size_limit_or_the_timeout() {
    // /fast: 64 KiB chunks as fast as the client takes them. /slow: a 1-byte chunk every
    // 100 ms, a body that always has just arrived and so beats any idle timeout.
    let srv = Raw::start(|path, mut sock| async move {
        sock.write_all(HTML_200.as_bytes()).await?;
        sock.write_all(b"Transfer-Encoding: chunked\r\n\r\n")
            .await?;
        let fast = path == "/fast";
        let chunk = if fast {
            let mut c = b"10000\r\n".to_vec();
            c.extend(std::iter::repeat_n(b'a', 0x10000));
            c.extend_from_slice(b"\r\n");
            c
        } else {
            b"1\r\na\r\n".to_vec()
        };
        loop {
            sock.write_all(&chunk).await?;
            if !fast {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    });
    let good = good_site();
    let (fast, slow) = (srv.url("/fast"), srv.url("/slow"));
    let run = scrape(
        &["--timeout", "3s", "--max-bytes", "1000000"],
        &list(&[&fast, &slow], &good.url("/good")),
    );
    assert_run(&run, 3);
    assert_eq!(run.kind(&fast), "too_large", "{:#?}", run.records);
    assert_eq!(run.kind(&slow), "timeout", "{:#?}", run.records);
    assert_eq!(run.record(&slow)["http_status"], 200);
    assert!(run.elapsed(&slow) < Duration::from_secs(20));
    run.assert_good(&good.url("/good"));
}

// ---------------------------------------------------------------------------------------
// Bodies that lie about their length or break off.

#[test]
fn wrong_lengths_and_resets_fail_alone() {
    let body = article("Cut short");
    let srv = Raw::start(move |path, mut sock| {
        let body = body.clone();
        async move {
            match path.as_str() {
                // Announces 100000 bytes, sends 200, closes.
                "/longer" => {
                    let head = format!("{HTML_200}Content-Length: 100000\r\n\r\n");
                    sock.write_all(head.as_bytes()).await?;
                    sock.write_all(&body.as_bytes()[..200]).await?;
                    sock.shutdown().await
                }
                // Announces 100000 bytes, sends 1000, then resets the connection.
                "/reset" => {
                    let head = format!("{HTML_200}Content-Length: 100000\r\n\r\n");
                    sock.write_all(head.as_bytes()).await?;
                    sock.write_all(&[b' '; 1000]).await?;
                    sock.flush().await?;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    sock.set_zero_linger()?;
                    drop(sock);
                    Ok(())
                }
                // Announces 100000 bytes, sends 200, then holds the connection open.
                _ => {
                    let head = format!("{HTML_200}Content-Length: 100000\r\n\r\n");
                    sock.write_all(head.as_bytes()).await?;
                    sock.write_all(&body.as_bytes()[..200]).await?;
                    tokio::time::sleep(Duration::from_secs(3600)).await;
                    Ok(())
                }
            }
        }
    });
    let good = good_site();
    let (longer, reset, held) = (srv.url("/longer"), srv.url("/reset"), srv.url("/held"));
    let run = scrape(
        &["--timeout", "2s"],
        &list(&[&longer, &reset, &held], &good.url("/good")),
    );
    assert_run(&run, 4);
    assert_eq!(run.kind(&longer), "body", "{:#?}", run.records);
    // Normally the reset lands while the body is read; on a machine so loaded that the
    // client had not read the head within 100 ms, it lands there and the request fails.
    assert!(
        ["body", "request"].contains(&run.kind(&reset).as_str()),
        "{:#?}",
        run.records
    );
    assert!(run.message(&reset).contains("reset"), "{:#?}", run.records);
    assert_eq!(run.kind(&held), "timeout", "{:#?}", run.records);
    run.assert_good(&good.url("/good"));
}

#[test]
fn content_length_shorter_than_the_body_cannot_smuggle_a_response() {
    // /short announces fewer bytes than it sends, and what follows is a whole second
    // response. Were the connection reused, that would become the answer to the next
    // request (/next, on the same host, asked one at a time over the same pool).
    let srv = Raw::start(|path, mut sock| async move {
        let page = article("Next page");
        let proper = format!("{HTML_200}Content-Length: {}\r\n\r\n{page}", page.len());
        if path == "/short" {
            let first = "<html><body><p>cut</p></body></html>";
            let smuggled = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\
                            Content-Length: 40\r\n\r\n<html><body>SMUGGLED!!!</body></html>  ";
            let head = format!("{HTML_200}Content-Length: {}\r\n\r\n", first.len());
            sock.write_all(format!("{head}{first}{smuggled}").as_bytes())
                .await?;
        } else {
            sock.write_all(proper.as_bytes()).await?;
        }
        // Keep the connection open and answer whatever else arrives on it properly.
        while read_head(&mut sock).await?.is_some() {
            sock.write_all(proper.as_bytes()).await?;
        }
        Ok(())
    });
    let good = good_site();
    let (short, next) = (srv.url("/short"), srv.url("/next"));
    let run = scrape(
        &["--timeout", "5s", "--per-host", "1", "--ordered"],
        &list(&[&short, &next], &good.url("/good")),
    );
    assert!(run.wall < WALL, "took {:?}", run.wall);
    assert_eq!(run.records.len(), 3, "{:#?}", run.records);
    // The declared length wins: the extra bytes are never part of /short's page.
    let short_rec = run.record(&short);
    assert!(!short_rec.to_string().contains("SMUGGLED"), "{short_rec:#}");
    let next_rec = run.record(&next);
    assert!(next_rec["error"].is_null(), "{next_rec:#}");
    assert!(
        next_rec["text"]
            .as_str()
            .unwrap_or("")
            .contains("story about Next page"),
        "{next_rec:#}"
    );
    assert!(!next_rec.to_string().contains("SMUGGLED"), "{next_rec:#}");
    run.assert_good(&good.url("/good"));
}

#[test]
fn http_1_0_bodies_run_until_close() {
    // No Content-Length and no chunking: the body ends when the connection does. /closed
    // is a whole page (a valid answer); /endless never closes.
    let srv = Raw::start(|path, mut sock| async move {
        sock.write_all(b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n")
            .await?;
        if path == "/closed" {
            sock.write_all(article("Old server").as_bytes()).await?;
            return sock.shutdown().await;
        }
        let block = vec![b'a'; 64 * 1024];
        loop {
            sock.write_all(&block).await?;
        }
    });
    let good = good_site();
    let (closed, endless) = (srv.url("/closed"), srv.url("/endless"));
    let run = scrape(
        &["--timeout", "5s", "--max-bytes", "1000000"],
        &list(&[&closed, &endless], &good.url("/good")),
    );
    assert_run(&run, 3);
    assert_eq!(run.kind(&closed), "ok", "{:#?}", run.records);
    assert!(run.record(&closed)["text"]
        .as_str()
        .unwrap()
        .contains("story about Old server"));
    assert_eq!(run.kind(&endless), "too_large", "{:#?}", run.records);
    run.assert_good(&good.url("/good"));
}

#[test]
fn a_megabyte_of_headers_is_refused() {
    // /many: 10,000 headers of about 100 bytes; /huge: one header of 1 MiB.
    let srv = Raw::start(|path, mut sock| async move {
        sock.write_all(HTML_200.as_bytes()).await?;
        if path == "/many" {
            let pad = "p".repeat(90);
            for i in 0..10_000 {
                sock.write_all(format!("X-Pad-{i}: {pad}\r\n").as_bytes())
                    .await?;
            }
        } else {
            sock.write_all(b"X-Huge: ").await?;
            sock.write_all(&vec![b'h'; 1 << 20]).await?;
            sock.write_all(b"\r\n").await?;
        }
        sock.write_all(b"Content-Length: 2\r\n\r\nok").await?;
        sock.shutdown().await
    });
    let good = good_site();
    let (many, huge) = (srv.url("/many"), srv.url("/huge"));
    let run = scrape(
        &["--timeout", "5s"],
        &list(&[&many, &huge], &good.url("/good")),
    );
    assert_run(&run, 3);
    for u in [&many, &huge] {
        assert_eq!(run.kind(u), "request", "{:#?}", run.records);
        assert!(run.message(u).contains("too large"), "{:#?}", run.records);
    }
    run.assert_good(&good.url("/good"));
}

// ---------------------------------------------------------------------------------------
// Compression bombs: bodies of a megabyte or less that inflate to a gibibyte.

/// A valid gzip stream of `mib` MiB of zeros in about `mib` KiB: one MiB is deflated once
/// and ended with a sync flush, which leaves it byte-aligned and referring only to itself,
/// so the same bytes can follow each other `mib` times (no 1 GiB buffer, no 1 GiB of
/// compression work).
fn gzip_bomb(mib: usize) -> Vec<u8> {
    let block = vec![0u8; 1 << 20];
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(&block).unwrap();
    enc.flush().unwrap();
    let piece = enc.get_ref().clone();
    let mut one = flate2::Crc::new();
    one.update(&block);
    let mut crc = flate2::Crc::new();
    for _ in 0..mib {
        crc.combine(&one);
    }
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    for _ in 0..mib {
        out.extend_from_slice(&piece);
    }
    // A final, empty block with fixed codes, then the CRC-32 and the length mod 2^32.
    out.extend_from_slice(&[0x03, 0x00]);
    out.extend_from_slice(&crc.sum().to_le_bytes());
    out.extend_from_slice(&(crc.amount()).to_le_bytes());
    out
}

#[test]
fn the_gzip_bomb_is_a_valid_stream() {
    let mut back = Vec::new();
    flate2::read::GzDecoder::new(&gzip_bomb(3)[..])
        .read_to_end(&mut back)
        .unwrap();
    assert_eq!(back.len(), 3 << 20);
    assert!(back.iter().all(|&b| b == 0));
}

/// Serves `/gzip` (a 1 GiB gzip bomb, precomputed) and `/br` (1 GiB of zeros, brotli
/// compressed a MiB at a time while the client keeps reading).
fn bomb_server() -> Raw {
    let gz = Arc::new(gzip_bomb(1024));
    assert!(gz.len() < 2 << 20, "{} bytes", gz.len());
    Raw::start(move |path, mut sock| {
        let gz = gz.clone();
        async move {
            if path == "/gzip" {
                let head = format!(
                    "{HTML_200}Content-Encoding: gzip\r\nContent-Length: {}\r\n\r\n",
                    gz.len()
                );
                sock.write_all(head.as_bytes()).await?;
                sock.write_all(&gz).await?;
                return sock.shutdown().await;
            }
            let head =
                format!("{HTML_200}Content-Encoding: br\r\nTransfer-Encoding: chunked\r\n\r\n");
            sock.write_all(head.as_bytes()).await?;
            let zeros = vec![0u8; 1 << 20];
            let mut enc = brotli::CompressorWriter::new(Vec::new(), 4096, 1, 22);
            for _ in 0..1024 {
                enc.write_all(&zeros)?;
                enc.flush()?;
                let out = std::mem::take(enc.get_mut());
                if !out.is_empty() {
                    sock.write_all(format!("{:x}\r\n", out.len()).as_bytes())
                        .await?;
                    sock.write_all(&out).await?;
                    sock.write_all(b"\r\n").await?;
                }
            }
            let out = enc.into_inner();
            sock.write_all(format!("{:x}\r\n", out.len()).as_bytes())
                .await?;
            sock.write_all(&out).await?;
            sock.write_all(b"\r\n0\r\n\r\n").await?;
            sock.shutdown().await
        }
    })
}

#[test]
fn gzip_and_brotli_bombs_stop_at_the_limit_in_bounded_memory() {
    let srv = bomb_server();
    let good = good_site();
    let (gz, br) = (srv.url("/gzip"), srv.url("/br"));
    let run = scrape(
        &["--timeout", "30s", "--max-bytes", "8000000"],
        &list(&[&gz, &br], &good.url("/good")),
    );
    assert_run(&run, 3);
    for u in [&gz, &br] {
        assert_eq!(run.kind(u), "too_large", "{:#?}", run.records);
        assert_eq!(run.record(u)["http_status"], 200);
    }
    run.assert_good(&good.url("/good"));
    // Either bomb held whole would be 1 GiB; the limit plus the program itself is far less.
    if let Some(rss) = run.max_rss_kib {
        assert!(rss < 200 * 1024, "peak RSS {rss} KiB");
    }
}

// ---------------------------------------------------------------------------------------
// Redirects that lead nowhere fetchable.

#[test]
fn redirects_to_other_schemes_are_bad_redirects() {
    let srv = Server::start(|r| match r.path.as_str() {
        "/ftp" => Resp::redirect("ftp://127.0.0.1/pub/file"),
        "/file" => Resp::redirect("file:///etc/passwd"),
        "/js" => Resp::redirect("javascript:alert(1)"),
        "/data" => Resp::redirect("data:text/html,<p>hi</p>"),
        "/mailto" => Resp::redirect("mailto:someone@example.com"),
        _ => Resp::not_found(),
    });
    let good = good_site();
    let hostile: Vec<String> = ["/ftp", "/file", "/js", "/data", "/mailto"]
        .iter()
        .map(|p| srv.url(p))
        .collect();
    let hostile_refs: Vec<&str> = hostile.iter().map(String::as_str).collect();
    let run = scrape(
        &["--timeout", "5s"],
        &list(&hostile_refs, &good.url("/good")),
    );
    assert_run(&run, hostile.len() + 1);
    for u in &hostile {
        assert_eq!(run.kind(u), "bad_redirect", "{:#?}", run.records);
        assert!(
            run.message(u).contains("only http and https"),
            "{:#?}",
            run.records
        );
    }
    run.assert_good(&good.url("/good"));
}

// ---------------------------------------------------------------------------------------
// TLS with a self-signed certificate.

#[test]
fn self_signed_certificates_need_insecure() {
    let key = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string()]).unwrap();
    let srv = Raw::start_tls(key.cert.der().to_vec(), key.signing_key.serialize_der());
    let page = format!("https://{}/page", srv.addr);
    let good = good_site();
    let run = scrape(&["--timeout", "5s"], &list(&[&page], &good.url("/good")));
    assert_run(&run, 2);
    assert_eq!(run.kind(&page), "tls", "{:#?}", run.records);
    assert!(
        run.message(&page).contains("certificate"),
        "{:#?}",
        run.records
    );
    run.assert_good(&good.url("/good"));

    let run = scrape(
        &["--timeout", "5s", "--insecure"],
        &list(&[&page], &good.url("/good")),
    );
    assert_eq!(run.code, 0, "{:#?}", run.records);
    let rec = run.record(&page);
    assert!(rec["error"].is_null(), "{rec:#}");
    assert!(rec["text"]
        .as_str()
        .unwrap()
        .contains("story about Behind a self-signed certificate"));
    run.assert_good(&good.url("/good"));
}

// ---------------------------------------------------------------------------------------
// Hostile URL lists.

#[test]
fn overlong_lines_in_a_url_list_are_skipped_in_bounded_memory() {
    let good = good_site();
    let (g1, g2) = (good.url("/good"), good.url("/good2"));
    let base = good.url("/");
    // CRLF line ends throughout; a 128 MiB line in the middle, a 1 MiB one at the very
    // end with no line end at all. Neither is ever requested.
    let prefix = base.clone();
    let run = scrape_fed(&["--timeout", "10s"], move |w| {
        let base = prefix;
        write!(w, "{g1}\r\n{base}")?;
        let block = vec![b'a'; 1 << 20];
        for _ in 0..128 {
            w.write_all(&block)?;
        }
        write!(w, "\r\n{g2}\r\n{base}")?;
        w.write_all(&block)
    });
    assert_run(&run, 4);
    run.assert_good(&good.url("/good"));
    run.assert_good(&good.url("/good2"));
    let refused: Vec<&Value> = run
        .records
        .iter()
        .filter(|r| r["error"]["kind"] == "invalid_url")
        .collect();
    assert_eq!(refused.len(), 2, "{:#?}", run.records);
    for (r, (line, len)) in refused.iter().zip([(2, (128 << 20) + 2), (4, 1 << 20)]) {
        let msg = r["error"]["message"].as_str().unwrap();
        let len = len + base.len();
        assert_eq!(
            msg,
            format!("-:{line}: line of {len} bytes is over the 65536-byte limit; skipped")
        );
        assert!(r["source"].as_str().unwrap().len() < 300);
    }
    assert_eq!(
        good.requests().len(),
        3,
        "robots.txt and the two good pages"
    );
    // Held whole, the long line alone would be 128 MiB.
    if let Some(rss) = run.max_rss_kib {
        assert!(rss < 100 * 1024, "peak RSS {rss} KiB");
    }
}

#[test]
fn control_characters_in_urls_never_reach_the_wire() {
    let srv = Server::start(|r| match r.path.as_str() {
        p if p.starts_with("/good") => Resp::html(article("A good page")),
        _ => Resp::not_found(),
    });
    let good = srv.url("/good");
    let base = srv.url("");
    let json = |url: &str| serde_json::json!({ "url": url }).to_string();
    let hostile = [
        format!("{base}/a\r\nX-Injected: yes"),
        format!("{base}/b HTTP/1.1\r\nHost: elsewhere\r\n\r\nGET /c"),
        format!("{base}/d\u{0}e"),
        format!("{base}/f\tg"),
        format!("{base}/h\rX-Injected: yes"),
    ];
    let mut list: String = hostile.iter().map(|u| json(u) + "\n").collect();
    // A plain line with a lone CR inside, as an old Mac list would have it.
    let plain_cr = format!("{base}/i\r{base}/j");
    list.push_str(&format!("{plain_cr}\n{good}\r\n"));
    let run = scrape(&["--timeout", "5s"], &list);
    assert_run(&run, hostile.len() + 2);
    for u in hostile.iter().chain([&plain_cr]) {
        assert_eq!(run.kind(u), "invalid_url", "{:#?}", run.records);
        assert!(
            run.message(u).contains("control character"),
            "{:#?}",
            run.records
        );
    }
    run.assert_good(&good);
    let seen = srv.requests();
    assert_eq!(seen.len(), 2, "robots.txt and /good only: {seen:?}");
    for r in &seen {
        assert!(r.header("X-Injected").is_none(), "{r:?}");
        assert!(r.path == "/robots.txt" || r.path == "/good", "{r:?}");
    }
}
