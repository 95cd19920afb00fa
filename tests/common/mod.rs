//! A tiny loopback HTTP/1.1 server for the fetch tests: each test starts its own on
//! 127.0.0.1 (or another 127.x address) with a handler, and it stops when dropped.
#![allow(dead_code)]

use std::io::Write;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A request as the server saw it.
#[derive(Debug, Clone)]
pub struct Req {
    pub path: String,
    pub headers: Vec<(String, String)>,
    /// When the request head had fully arrived.
    pub at: Instant,
}

impl Req {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What to answer.
#[derive(Debug, Clone)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Wait this long before sending anything.
    pub delay: Duration,
    /// Send the body one byte per interval, forever.
    pub trickle: Option<Duration>,
}

impl Resp {
    pub fn new(status: u16) -> Resp {
        Resp {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            delay: Duration::ZERO,
            trickle: None,
        }
    }
    pub fn html(body: impl AsRef<[u8]>) -> Resp {
        Resp::new(200)
            .header("Content-Type", "text/html; charset=utf-8")
            .body(body)
    }
    pub fn not_found() -> Resp {
        Resp::new(404)
            .header("Content-Type", "text/plain")
            .body("not found")
    }
    pub fn redirect(to: &str) -> Resp {
        Resp::new(302).header("Location", to)
    }
    pub fn header(mut self, k: &str, v: &str) -> Resp {
        self.headers.push((k.to_string(), v.to_string()));
        self
    }
    pub fn body(mut self, b: impl AsRef<[u8]>) -> Resp {
        self.body = b.as_ref().to_vec();
        self
    }
    pub fn delay(mut self, d: Duration) -> Resp {
        self.delay = d;
        self
    }
    pub fn trickle(mut self, every: Duration) -> Resp {
        self.trickle = Some(every);
        self
    }
}

type Handler = dyn Fn(&Req) -> Resp + Send + Sync;

/// A running server; stops (and drops its connections) when dropped.
pub struct Server {
    pub addr: SocketAddr,
    log: Arc<Mutex<Vec<Req>>>,
    active: Arc<AtomicUsize>,
    max_active: Arc<AtomicUsize>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    /// Starts a server on 127.0.0.1 with a random port.
    pub fn start(handler: impl Fn(&Req) -> Resp + Send + Sync + 'static) -> Server {
        Server::start_on("127.0.0.1", handler)
    }

    /// Starts a server on `ip` (any 127.x address) with a random port. It runs on its own
    /// runtime thread, so it serves both async tests and CLI tests that block.
    pub fn start_on(ip: &str, handler: impl Fn(&Req) -> Resp + Send + Sync + 'static) -> Server {
        let handler: Arc<Handler> = Arc::new(handler);
        let std_listener = std::net::TcpListener::bind((ip, 0)).expect("bind loopback");
        std_listener.set_nonblocking(true).unwrap();
        let addr = std_listener.local_addr().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let active = Arc::new(AtomicUsize::new(0));
        let max_active = Arc::new(AtomicUsize::new(0));
        let (stop_tx, mut stop_rx) = tokio::sync::oneshot::channel::<()>();
        let (l2, a2, m2) = (log.clone(), active.clone(), max_active.clone());
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
                            let (h, l, a, m) = (handler.clone(), l2.clone(), a2.clone(), m2.clone());
                            tokio::spawn(async move {
                                let _ = serve(sock, h, l, a, m).await;
                            });
                        }
                    }
                }
            });
            // Dropping the runtime cancels every connection still open (trickles included).
            rt.shutdown_timeout(Duration::from_millis(100));
        });
        Server {
            addr,
            log,
            active,
            max_active,
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }

    /// `http://IP:PORT{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Every request so far, in arrival order.
    pub fn requests(&self) -> Vec<Req> {
        self.log.lock().unwrap().clone()
    }

    /// Requests so far for `path`.
    pub fn hits(&self, path: &str) -> usize {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.path == path)
            .count()
    }

    /// The most requests the server was ever answering at once.
    pub fn max_concurrent(&self) -> usize {
        self.max_active.load(Ordering::SeqCst)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

async fn serve(
    mut sock: TcpStream,
    handler: Arc<Handler>,
    log: Arc<Mutex<Vec<Req>>>,
    active: Arc<AtomicUsize>,
    max_active: Arc<AtomicUsize>,
) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = sock.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        if buf.len() > 64 * 1024 {
            return Ok(());
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or("");
    let path = request_line.split(' ').nth(1).unwrap_or("/").to_string();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let req = Req {
        path,
        headers,
        at: Instant::now(),
    };
    log.lock().unwrap().push(req.clone());
    let now = active.fetch_add(1, Ordering::SeqCst) + 1;
    max_active.fetch_max(now, Ordering::SeqCst);
    let resp = handler(&req);
    let result = respond(&mut sock, resp).await;
    active.fetch_sub(1, Ordering::SeqCst);
    result
}

async fn respond(sock: &mut TcpStream, resp: Resp) -> std::io::Result<()> {
    if !resp.delay.is_zero() {
        tokio::time::sleep(resp.delay).await;
    }
    let mut head = Vec::new();
    write!(head, "HTTP/1.1 {} X\r\n", resp.status)?;
    for (k, v) in &resp.headers {
        write!(head, "{k}: {v}\r\n")?;
    }
    // A trickle announces no length: its body runs until the connection closes.
    if resp.trickle.is_none() {
        write!(head, "Content-Length: {}\r\n", resp.body.len())?;
    }
    write!(head, "Connection: close\r\n\r\n")?;
    sock.write_all(&head).await?;
    match resp.trickle {
        None => sock.write_all(&resp.body).await?,
        Some(every) => loop {
            sock.write_all(b" ").await?;
            tokio::time::sleep(every).await;
        },
    }
    sock.flush().await?;
    sock.shutdown().await
}

/// An article page long enough for the extractor to find its text.
pub fn article(title: &str) -> String {
    format!(
        "<html><head><title>{title}</title></head><body><nav><a href=\"/\">Home</a></nav>\
         <article><h1>{title}</h1>\
         <p>This is the first paragraph of a story about {title}, long enough to count as prose, with commas, too.</p>\
         <p>A second paragraph follows it, and it also reads like real article text for the scorer to keep.</p>\
         </article><footer>Copyright 2024 Example. All rights reserved.</footer></body></html>"
    )
}

/// Fetch settings for tests: no politeness delay, quick retries, short timeouts.
pub fn config() -> dehusk::fetch::FetchConfig {
    dehusk::fetch::FetchConfig {
        delay: Duration::ZERO,
        retry_base: Duration::from_millis(20),
        timeout: Duration::from_secs(10),
        // A proxy in the test environment must not intercept loopback requests.
        env_proxy: false,
        ..Default::default()
    }
}

/// Scrapes `urls` (one per line) with `cfg` and returns the records in input order.
pub async fn scrape(
    cfg: dehusk::fetch::FetchConfig,
    list: &str,
) -> Vec<dehusk::fetch::FetchedRecord> {
    let fetcher = Arc::new(dehusk::fetch::Fetcher::new(cfg, dehusk::Extractor::new()).unwrap());
    let opts = dehusk::fetch::RunOptions {
        ordered: true,
        ..Default::default()
    };
    dehusk::fetch::scrape_list(fetcher, list, opts).await.0
}

/// Scrapes a single URL and returns its record.
pub async fn scrape_one(
    cfg: dehusk::fetch::FetchConfig,
    url: &str,
) -> dehusk::fetch::FetchedRecord {
    let mut recs = scrape(cfg, url).await;
    assert_eq!(recs.len(), 1, "one record per URL: {recs:?}");
    recs.remove(0)
}

/// The error kind of a record, or "ok".
pub fn kind(r: &dehusk::fetch::FetchedRecord) -> &str {
    r.error_kind().unwrap_or("ok")
}

/// Environment variables that would send the CLI's loopback requests through a proxy.
pub const PROXY_VARS: &[&str] = &[
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
];
