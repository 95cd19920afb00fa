//! The [`Fetcher`]: one shared HTTP client, politeness, robots.txt, retries, limits, and the
//! hand-off of each body to the extractor on a blocking thread.

use std::error::Error as StdError;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, ACCEPT, CONTENT_TYPE, LOCATION, RETRY_AFTER};
use tokio::sync::{watch, Semaphore};
use tokio::time::Instant;
use url::Url;

use super::host::{Host, Hosts};
use super::robots::{agent_token, Rules};
use super::run::Stats;
use super::{guard, save, urls, FetchConfig, FetchError, FetchedRecord};
use crate::extract::Extractor;
use crate::record::Record;

/// robots.txt files are read up to this size; Google's limit is 500 KiB.
const MAX_ROBOTS_BYTES: usize = 512 * 1024;

/// Fetches pages politely and turns them into records. Share it in an `Arc`.
pub struct Fetcher {
    client: reqwest::Client,
    cfg: FetchConfig,
    extractor: Extractor,
    hosts: Hosts,
    global: Semaphore,
    extract_slots: Arc<Semaphore>,
    stop: watch::Sender<bool>,
    /// Live counters, for progress displays.
    pub stats: Arc<Stats>,
    archive: Option<crate::warc::Archive>,
}

/// What one fetch produced, ok or not, with whatever the server told us on the way.
#[derive(Debug)]
pub struct Outcome {
    /// The URL after redirects, when a response arrived.
    pub final_url: Option<Url>,
    /// The final status code, when a response arrived.
    pub status: Option<u16>,
    /// The Content-Type header, when sent.
    pub content_type: Option<String>,
    /// Time from the first request to the end of the body (or the failure).
    pub elapsed: Duration,
    /// The body and the header's charset, or why there is none.
    pub result: Result<(Vec<u8>, Option<String>), FetchError>,
}

#[derive(Debug)]
enum RedirectError {
    Loop(String),
    TooMany(usize),
    Scheme(String),
}

impl std::fmt::Display for RedirectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RedirectError::Loop(u) => write!(f, "redirect loop at {u}"),
            RedirectError::TooMany(n) => write!(f, "more than {n} redirects"),
            RedirectError::Scheme(u) => write!(f, "{}", bad_scheme(u)),
        }
    }
}

impl StdError for RedirectError {}

impl Fetcher {
    /// Builds the shared client. `extractor` turns each HTML body into a record.
    pub fn new(cfg: FetchConfig, extractor: Extractor) -> Result<Fetcher, FetchError> {
        let max_redirects = cfg.max_redirects;
        let block_private = cfg.block_private;
        let policy = reqwest::redirect::Policy::custom(move |attempt| {
            // A redirect to a literal IP skips the resolver, so it is vetted here.
            let forbidden = block_private
                .then(|| guard::check_url(attempt.url()).err())
                .flatten();
            let scheme = attempt.url().scheme();
            if scheme != "http" && scheme != "https" {
                let u = attempt.url().to_string();
                attempt.error(RedirectError::Scheme(u))
            } else if let Some(f) = forbidden {
                attempt.error(f)
            } else if attempt.previous().iter().any(|u| u == attempt.url()) {
                let u = attempt.url().to_string();
                attempt.error(RedirectError::Loop(u))
            } else if attempt.previous().len() > max_redirects {
                attempt.error(RedirectError::TooMany(max_redirects))
            } else {
                attempt.follow()
            }
        });
        let mut headers = HeaderMap::new();
        headers.insert(
            ACCEPT,
            "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"
                .parse()
                .expect("valid header"),
        );
        let mut builder = reqwest::Client::builder();
        if !cfg.env_proxy || cfg.block_private {
            builder = builder.no_proxy();
        }
        if cfg.block_private {
            builder = builder.dns_resolver(Arc::new(guard::GuardedResolver));
        }
        let client = builder
            .user_agent(cfg.user_agent.clone())
            .default_headers(headers)
            .timeout(cfg.timeout)
            .connect_timeout(cfg.timeout)
            .redirect(policy)
            .gzip(true)
            .brotli(true)
            .zstd(true)
            .deflate(true)
            .pool_max_idle_per_host(cfg.per_host.max(1))
            .pool_idle_timeout(Duration::from_secs(30))
            .danger_accept_invalid_certs(cfg.accept_invalid_certs)
            .build()
            .map_err(|e| FetchError::Request(chain(&e)))?;
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        Ok(Fetcher {
            client,
            hosts: Hosts::new(cfg.per_host, cfg.delay),
            global: Semaphore::new(cfg.concurrency.max(1)),
            extract_slots: Arc::new(Semaphore::new(cores)),
            stop: watch::channel(false).0,
            stats: Arc::new(Stats::default()),
            extractor,
            cfg,
            archive: None,
        })
    }

    /// Also archives every page response (and its request) to a web archive.
    pub fn with_archive(mut self, archive: crate::warc::Archive) -> Self {
        self.archive = Some(archive);
        self
    }

    /// The settings in force.
    pub fn config(&self) -> &FetchConfig {
        &self.cfg
    }

    /// Stops new fetches; requests already sent run to their end.
    pub fn stop(&self) {
        self.stop.send_replace(true);
    }

    /// True once [`Fetcher::stop`] was called.
    pub fn is_stopped(&self) -> bool {
        *self.stop.borrow()
    }

    /// Resolves once [`Fetcher::stop`] is called.
    pub async fn stopped(&self) {
        let mut rx = self.stop.subscribe();
        let _ = rx.wait_for(|s| *s).await;
    }

    pub(crate) async fn or_stop<F: Future>(&self, f: F) -> Option<F::Output> {
        if self.is_stopped() {
            return None;
        }
        tokio::select! {
            v = f => Some(v),
            _ = self.stopped() => None,
        }
    }

    /// Fetches `url` and extracts it into a record whose `source` is `source`. Returns
    /// `None` only when the fetcher was stopped before the request went out.
    pub async fn fetch_record(&self, source: &str, url: &Url) -> Option<FetchedRecord> {
        if self.cfg.block_private {
            // Literal IP hosts skip DNS (and so the guarded resolver): vet them first.
            if let Err(f) = guard::check_url(url) {
                let e = FetchError::ForbiddenAddress(f.0);
                let mut r = FetchedRecord::failed(source, e.kind(), e.to_string());
                r.record.url = Some(url.to_string());
                return Some(r);
            }
        }
        let host = self.hosts.get(&url.origin().ascii_serialization());
        if let Some(e) = self.host_given_up(&host) {
            let mut r = FetchedRecord::failed(source, e.kind(), e.to_string());
            r.record.url = Some(url.to_string());
            return Some(r);
        }
        if self.cfg.obey_robots {
            let rules = self
                .or_stop(host.robots.get_or_init(|| self.fetch_robots(&host, url)))
                .await?;
            if let Err(why) = rules.check(url.as_str()) {
                let mut r = FetchedRecord::failed(source, "robots", why);
                r.record.url = Some(url.to_string());
                return Some(r);
            }
            if let Some(d) = rules.crawl_delay() {
                host.raise_delay(d.min(self.cfg.max_crawl_delay));
            }
        }
        let out = self.get(&host, url).await?;
        let fetched_at = humantime::format_rfc3339_seconds(SystemTime::now()).to_string();
        let final_url = out.final_url.as_ref().unwrap_or(url).to_string();
        let mut rec = match out.result {
            Err(e) => {
                // A timeout with no answer at all is as bad as a refused connection.
                if e.is_connect() || (e.is_timeout() && out.status.is_none()) {
                    host.connect_failed();
                }
                let mut r = FetchedRecord::failed(source, e.kind(), e.to_string());
                r.record.url = Some(final_url);
                r
            }
            Ok((body, charset)) => {
                let key = urls::normalise(url);
                let record = self.extract(key, final_url, body, charset).await;
                FetchedRecord {
                    record,
                    ..Default::default()
                }
            }
        };
        rec.record.source = source.to_string();
        rec.http_status = out.status;
        rec.content_type = out.content_type;
        rec.record.fetched_at = Some(fetched_at);
        rec.elapsed_ms = Some(out.elapsed.as_millis() as u64);
        Some(rec)
    }

    /// Checked both before and after waiting for the host, since many URLs of a dead host
    /// may already be waiting when it is found dead.
    fn host_given_up(&self, host: &Host) -> Option<FetchError> {
        let failures = host.failures();
        (failures >= self.cfg.host_failure_limit.max(1)).then(|| {
            FetchError::Connect(format!(
                "not tried: the last {failures} requests to this host got no answer"
            ))
        })
    }

    async fn extract(
        &self,
        key: String,
        final_url: String,
        body: Vec<u8>,
        charset: Option<String>,
    ) -> Record {
        let permit = self
            .extract_slots
            .clone()
            .acquire_owned()
            .await
            .expect("never closed");
        let ex = self.extractor.clone();
        let dir = self.cfg.save_html.clone();
        let job = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            if let Some(dir) = dir {
                if let Err(e) = save::save_html(&dir, &key, &final_url, &body) {
                    tracing::warn!(url = %final_url, "cannot save the HTML in {}: {e}", dir.display());
                }
            }
            // A panic on one page must never take the run down with it.
            let rec = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                ex.extract_bytes(&body, Some(&final_url), charset.as_deref())
            }));
            let mut rec = rec.unwrap_or_else(|_| {
                Record::failed("", "internal", "the extractor panicked on this page")
            });
            rec.url = Some(final_url);
            rec
        });
        job.await
            .unwrap_or_else(|_| Record::failed("", "internal", "the extraction task failed"))
    }

    async fn fetch_robots(&self, host: &Host, url: &Url) -> Rules {
        let mut robots_url = url.clone();
        robots_url.set_path("/robots.txt");
        robots_url.set_query(None);
        robots_url.set_fragment(None);
        let Some(_slot) = self.or_stop(host.turn()).await else {
            return Rules::AllowAll;
        };
        let Some(_global) = self.or_stop(self.global.acquire()).await else {
            return Rules::AllowAll;
        };
        let resp = match self.client.get(robots_url.clone()).send().await {
            Ok(r) => r,
            Err(e) => {
                // A forbidden address is a refusal of ours, and a bad certificate an answer
                // we reject: neither is a dead host.
                if e.is_connect()
                    && !matches!(
                        classify(&e),
                        FetchError::ForbiddenAddress(_) | FetchError::Tls(_)
                    )
                {
                    host.connect_failed();
                }
                tracing::debug!(url = %robots_url, "robots.txt unavailable, allowing all: {}", chain(&e));
                return Rules::AllowAll;
            }
        };
        let status = resp.status();
        if status.is_success() {
            match read_body(resp, MAX_ROBOTS_BYTES as u64, true).await {
                Ok(body) => Rules::parse(agent_token(&self.cfg.user_agent), &body),
                Err(_) => Rules::AllowAll,
            }
        } else if status.is_server_error() {
            Rules::DisallowAll(format!(
                "robots.txt unavailable (HTTP {}), so the site is off limits",
                status.as_u16()
            ))
        } else {
            Rules::AllowAll
        }
    }

    /// One URL with retries. `None` when stopped before a request went out.
    async fn get(&self, host: &Host, url: &Url) -> Option<Outcome> {
        let mut started: Option<Instant> = None;
        let mut attempt = 0u32;
        loop {
            let slot = self.or_stop(host.turn()).await?;
            let global = self
                .or_stop(self.global.acquire())
                .await?
                .expect("never closed");
            if let Some(e) = self.host_given_up(host) {
                return Some(Outcome {
                    final_url: None,
                    status: None,
                    content_type: None,
                    elapsed: Duration::ZERO,
                    result: Err(e),
                });
            }
            let t0 = *started.get_or_insert_with(Instant::now);
            let _inflight = self.stats.in_flight_guard();
            let (mut out, wait) = self.attempt(url).await;
            drop(global);
            drop(slot);
            if out.status.is_some() {
                host.answered();
            }
            out.elapsed = t0.elapsed();
            let retryable = matches!(&out.result, Err(e) if e.is_retryable());
            if !retryable || attempt >= self.cfg.retries || self.is_stopped() {
                return Some(out);
            }
            let backoff = self.backoff(attempt);
            let wait = match wait {
                Some(w) if w > self.cfg.max_retry_after => {
                    if let Err(FetchError::Status { reason, .. }) = &mut out.result {
                        *reason = format!("(Retry-After {}s is over the limit)", w.as_secs());
                    }
                    return Some(out);
                }
                Some(w) => {
                    host.pause_until(Instant::now() + w);
                    w
                }
                None => backoff,
            };
            tracing::debug!(%url, attempt, ?wait, "retrying: {}", out.result.as_ref().err().map(|e| e.to_string()).unwrap_or_default());
            self.or_stop(tokio::time::sleep(wait)).await?;
            attempt += 1;
        }
    }

    /// Exponential backoff with jitter: base * 2^attempt * [0.5, 1.5).
    fn backoff(&self, attempt: u32) -> Duration {
        let base = self.cfg.retry_base.saturating_mul(1u32 << attempt.min(16));
        base.mul_f64(0.5 + fastrand::f64())
    }

    /// One request; also returns the `Retry-After` delay when the server sent one.
    async fn attempt(&self, url: &Url) -> (Outcome, Option<Duration>) {
        let mut out = Outcome {
            final_url: None,
            status: None,
            content_type: None,
            elapsed: Duration::ZERO,
            result: Err(FetchError::Request("not sent".into())),
        };
        let resp = match self.client.get(url.clone()).send().await {
            Ok(r) => r,
            Err(e) => {
                out.final_url = e.url().cloned();
                out.result = Err(classify(&e));
                return (out, None);
            }
        };
        out.final_url = Some(resp.url().clone());
        let status = resp.status();
        out.status = Some(status.as_u16());
        out.content_type = resp
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        if let Some(e) = unfollowed_redirect(&resp) {
            out.result = Err(e);
            self.archive_unused(resp).await;
            return (out, None);
        }
        if !status.is_success() {
            let wait = retry_after(resp.headers());
            out.result = Err(FetchError::Status {
                status: status.as_u16(),
                reason: status.canonical_reason().unwrap_or("").to_string(),
            });
            self.archive_unused(resp).await;
            return (out, wait);
        }
        let charset = match html_charset(out.content_type.as_deref()) {
            Ok(c) => c,
            Err(e) => {
                out.result = Err(e);
                self.archive_unused(resp).await;
                return (out, None);
            }
        };
        let head = self.archive.is_some().then(|| ResponseHead::of(&resp));
        out.result = read_body(resp, self.cfg.max_bytes, false)
            .await
            .map(|b| (b, charset));
        if let (Some(head), Ok((body, _))) = (head, &out.result) {
            self.archive_exchange(head, body).await;
        }
        (out, None)
    }

    /// Archives a response whose body dehusk does not extract (an error status, not HTML):
    /// the body is read up to `max_bytes` and cut there.
    async fn archive_unused(&self, resp: reqwest::Response) {
        if self.archive.is_none() {
            return;
        }
        let head = ResponseHead::of(&resp);
        if let Ok(body) = read_body(resp, self.cfg.max_bytes, true).await {
            self.archive_exchange(head, &body).await;
        }
    }

    async fn archive_exchange(&self, head: ResponseHead, body: &[u8]) {
        let Some(archive) = &self.archive else { return };
        let version = format!("{:?}", head.version);
        let url = &head.url;
        let mut target = url.path().to_string();
        if let Some(q) = url.query() {
            target.push('?');
            target.push_str(q);
        }
        let host = match (url.host_str(), url.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_string(),
            _ => String::new(),
        };
        // reqwest does not expose the request as sent; this is what the client sends.
        let request = format!(
            "GET {target} {version}\r\nHost: {host}\r\nUser-Agent: {}\r\n\
             Accept: text/html,application/xhtml+xml;q=0.9,*/*;q=0.1\r\n\
             Accept-Encoding: gzip, br, zstd, deflate\r\n\r\n",
            self.cfg.user_agent
        )
        .into_bytes();
        let mut response = format!(
            "{version} {} {}\r\n",
            head.status.as_u16(),
            head.status.canonical_reason().unwrap_or("")
        )
        .into_bytes();
        for (k, v) in &head.headers {
            // The body is stored decompressed and whole, so the headers must say so.
            if k == reqwest::header::CONTENT_ENCODING
                || k == reqwest::header::CONTENT_LENGTH
                || k == reqwest::header::TRANSFER_ENCODING
            {
                continue;
            }
            response.extend_from_slice(k.as_str().as_bytes());
            response.extend_from_slice(b": ");
            response.extend_from_slice(v.as_bytes());
            response.extend_from_slice(b"\r\n");
        }
        response.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
        response.extend_from_slice(body);
        archive
            .send(crate::warc::Exchange {
                url: url.to_string(),
                ip: head.ip.map(|a| a.ip().to_string()),
                request,
                response,
            })
            .await;
    }
}

/// What is kept of a response for the archive before its body is read.
struct ResponseHead {
    url: Url,
    version: reqwest::Version,
    status: reqwest::StatusCode,
    headers: HeaderMap,
    ip: Option<std::net::SocketAddr>,
}

impl ResponseHead {
    fn of(resp: &reqwest::Response) -> Self {
        ResponseHead {
            url: resp.url().clone(),
            version: resp.version(),
            status: resp.status(),
            headers: resp.headers().clone(),
            ip: resp.remote_addr(),
        }
    }
}

/// Reads a body, counting decompressed bytes as they stream, so a gzip bomb stops at
/// `limit`. With `truncate` the first `limit` bytes are kept instead of failing.
async fn read_body(
    mut resp: reqwest::Response,
    limit: u64,
    truncate: bool,
) -> Result<Vec<u8>, FetchError> {
    if let Some(n) = resp.content_length() {
        if n > limit && !truncate {
            return Err(FetchError::TooLarge(limit));
        }
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(|e| classify(&e))? {
        if (body.len() + chunk.len()) as u64 > limit {
            if truncate {
                body.extend_from_slice(&chunk[..limit as usize - body.len()]);
                return Ok(body);
            }
            return Err(FetchError::TooLarge(limit));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Accepts HTML and XHTML (and a missing type, left to the extractor's sniffing); returns
/// the header's charset parameter.
fn html_charset(content_type: Option<&str>) -> Result<Option<String>, FetchError> {
    let Some(ct) = content_type else {
        return Ok(None);
    };
    let mut parts = ct.split(';');
    let mime = parts.next().unwrap_or("").trim().to_ascii_lowercase();
    if !(mime.is_empty() || mime == "text/html" || mime == "application/xhtml+xml") {
        return Err(FetchError::ContentType(mime));
    }
    Ok(parts.find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches(|c| c == '"' || c == '\'').to_string())
            .filter(|v| !v.is_empty())
    }))
}

/// `Retry-After` as seconds or an HTTP date.
fn retry_after(h: &HeaderMap) -> Option<Duration> {
    let v = h.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(v).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

fn classify(e: &reqwest::Error) -> FetchError {
    // The guard's refusals arrive wrapped as connect (resolver) or redirect errors.
    let mut src = e.source();
    while let Some(s) = src {
        if let Some(f) = s.downcast_ref::<guard::Forbidden>() {
            return FetchError::ForbiddenAddress(f.0.clone());
        }
        src = s.source();
    }
    if e.is_redirect() {
        let mut src = e.source();
        while let Some(s) = src {
            if let Some(r) = s.downcast_ref::<RedirectError>() {
                return match r {
                    RedirectError::Loop(u) => FetchError::RedirectLoop(u.clone()),
                    RedirectError::TooMany(n) => FetchError::TooManyRedirects(*n),
                    RedirectError::Scheme(u) => FetchError::BadRedirect(bad_scheme(u)),
                };
            }
            src = s.source();
        }
    }
    let msg = chain(e);
    if is_tls(e) {
        return FetchError::Tls(msg);
    }
    if e.is_timeout() {
        FetchError::Timeout(msg)
    } else if e.is_connect() {
        FetchError::Connect(msg)
    } else if e.is_body() || e.is_decode() {
        FetchError::Body(msg)
    } else {
        FetchError::Request(msg)
    }
}

/// A redirect that arrives as the response was not followed: its Location is no URL the
/// client could even parse (`file:///x`, `data:...`), which says more than its status.
fn unfollowed_redirect(resp: &reqwest::Response) -> Option<FetchError> {
    if !matches!(resp.status().as_u16(), 301 | 302 | 303 | 307 | 308) {
        return None;
    }
    let loc = String::from_utf8_lossy(resp.headers().get(LOCATION)?.as_bytes()).to_string();
    Some(FetchError::BadRedirect(match resp.url().join(&loc) {
        Ok(u) if u.scheme() != "http" && u.scheme() != "https" => bad_scheme(u.as_str()),
        _ => {
            let shown: String = loc.chars().take(200).collect();
            format!("redirect to {shown:?}, which is not a URL that can be followed")
        }
    }))
}

fn bad_scheme(url: &str) -> String {
    let shown: String = url.chars().take(200).collect();
    format!("redirect to {shown:?}: only http and https are fetched")
}

/// True when a rustls error (a bad certificate, a failed handshake) is among the causes.
/// `io::Error::source` skips the error it wraps (and the connector nests two), so wrapped
/// errors are unpacked by hand.
fn is_tls(e: &reqwest::Error) -> bool {
    let mut src: Option<&(dyn StdError + 'static)> = e.source();
    while let Some(s) = src {
        let mut cur = s;
        loop {
            if cur.is::<rustls::Error>() {
                return true;
            }
            match cur
                .downcast_ref::<std::io::Error>()
                .and_then(|io| io.get_ref())
            {
                Some(inner) => cur = inner,
                None => break,
            }
        }
        src = s.source();
    }
    false
}

/// An error and its causes on one line; reqwest's own message alone is often vague.
fn chain(e: &dyn StdError) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(c) = src {
        let m = c.to_string();
        if !s.contains(&m) {
            s.push_str(": ");
            s.push_str(&m);
        }
        src = c.source();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types() {
        assert_eq!(
            html_charset(Some("text/html; charset=\"ISO-8859-1\""))
                .unwrap()
                .as_deref(),
            Some("ISO-8859-1")
        );
        assert_eq!(html_charset(Some("application/xhtml+xml")).unwrap(), None);
        assert_eq!(html_charset(None).unwrap(), None);
        assert!(
            matches!(html_charset(Some("application/pdf")), Err(FetchError::ContentType(t)) if t == "application/pdf")
        );
    }

    #[test]
    fn retry_after_forms() {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, "3".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(3)));
        h.insert(
            RETRY_AFTER,
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&h), Some(Duration::ZERO));
    }
}
