//! The fetch stage: URL lists in, records out.
//!
//! [`urls`] reads URL lists lazily (plain lines or JSON lines), [`Fetcher`] downloads pages
//! over one shared HTTP client with per-host politeness and robots.txt, and [`run::scrape`]
//! drives the whole pipeline with bounded memory, handing each finished [`FetchedRecord`] to
//! a sink as soon as it is ready (or in input order).

pub mod client;
pub mod guard;
pub mod host;
pub mod resume;
pub mod robots;
pub mod run;
pub mod save;
pub mod urls;

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::record::Record;

pub use client::Fetcher;
pub use run::{scrape, scrape_list, RunOptions, Stats, Summary};
pub use urls::{normalise, parse_line, Job, Line, UrlReader};

/// Settings for a [`Fetcher`].
#[derive(Debug, Clone)]
pub struct FetchConfig {
    /// Requests in flight at once, over all hosts.
    pub concurrency: usize,
    /// Requests in flight at once to one host.
    pub per_host: usize,
    /// Minimum time between the starts of two requests to one host.
    pub delay: Duration,
    /// Obey robots.txt (and its Crawl-delay when larger than `delay`).
    pub obey_robots: bool,
    /// Extra attempts after a connection error, timeout, 429 or 5xx.
    pub retries: u32,
    /// The first retry's backoff; each later one doubles it (plus jitter).
    pub retry_base: Duration,
    /// A `Retry-After` longer than this is not waited for: the URL fails instead.
    pub max_retry_after: Duration,
    /// Limit for connecting, and for the whole request including the body.
    pub timeout: Duration,
    /// Bodies larger than this (after decompression) are cut off with a `too_large` error.
    pub max_bytes: u64,
    /// The User-Agent header; its first token is also the robots.txt agent name.
    pub user_agent: String,
    /// Keep each raw body gzipped in this directory (see [`save`]).
    pub save_html: Option<PathBuf>,
    /// Redirects followed before giving up.
    pub max_redirects: usize,
    /// After this many URLs of one host got no answer in a row, its remaining URLs fail
    /// at once instead of each waiting for its own timeouts.
    pub host_failure_limit: u32,
    /// Crawl-delay values from robots.txt are capped at this, so one site cannot park a run.
    pub max_crawl_delay: Duration,
    /// Use the proxies named in the environment (`HTTP_PROXY`, `HTTPS_PROXY`, `NO_PROXY`).
    pub env_proxy: bool,
    /// Never connect to loopback, private or other non-public addresses (see [`guard`]);
    /// also turns off environment proxies, which would resolve names out of our sight.
    pub block_private: bool,
    /// Accept any TLS certificate (self-signed, expired, for another name): for test
    /// servers and intranets only, as it lets anyone on the path forge the pages.
    pub accept_invalid_certs: bool,
}

impl Default for FetchConfig {
    fn default() -> Self {
        FetchConfig {
            concurrency: 64,
            per_host: 2,
            delay: Duration::from_secs(1),
            obey_robots: true,
            retries: 2,
            retry_base: Duration::from_millis(500),
            max_retry_after: Duration::from_secs(120),
            timeout: Duration::from_secs(30),
            max_bytes: 10 * 1024 * 1024,
            user_agent: default_user_agent(),
            save_html: None,
            max_redirects: 10,
            host_failure_limit: 5,
            max_crawl_delay: Duration::from_secs(60),
            env_proxy: true,
            block_private: false,
            accept_invalid_certs: false,
        }
    }
}

/// `dehusk/VERSION`, the default User-Agent.
pub fn default_user_agent() -> String {
    format!("dehusk/{}", env!("CARGO_PKG_VERSION"))
}

/// A record plus what the fetch learned; serialises as one flat JSON object.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FetchedRecord {
    /// The extracted page (or the error), with `source` as given and `url` the final URL.
    #[serde(flatten)]
    pub record: Record,
    /// The final HTTP status code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    /// The response's Content-Type header, as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Milliseconds from the first request to the end of the body, retries included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elapsed_ms: Option<u64>,
}

impl FetchedRecord {
    /// A failed record for `source` carrying only the error.
    pub fn failed(source: impl Into<String>, kind: &str, message: impl Into<String>) -> Self {
        FetchedRecord {
            record: Record::failed(source, kind, message),
            ..Default::default()
        }
    }

    /// True when the record carries an error.
    pub fn is_error(&self) -> bool {
        self.record.is_error()
    }

    /// The error kind, when the record is an error.
    pub fn error_kind(&self) -> Option<&str> {
        self.record.error.as_ref().map(|e| e.kind.as_str())
    }
}

/// Why fetching one URL failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum FetchError {
    /// The line is not a usable http(s) URL.
    #[error("{0}")]
    InvalidUrl(String),
    /// robots.txt disallows the URL for our agent.
    #[error("{0}")]
    Robots(String),
    /// Connecting or the whole request took longer than the timeout.
    #[error("timed out: {0}")]
    Timeout(String),
    /// The server could not be reached.
    #[error("cannot connect: {0}")]
    Connect(String),
    /// The server answered with an error status.
    #[error("HTTP {status}{}", if .reason.is_empty() { String::new() } else { format!(" {}", .reason) })]
    Status {
        /// The status code.
        status: u16,
        /// Its reason phrase or an explanation.
        reason: String,
    },
    /// A redirect led back to a URL already visited.
    #[error("redirect loop at {0}")]
    RedirectLoop(String),
    /// More redirects than allowed.
    #[error("more than {0} redirects")]
    TooManyRedirects(usize),
    /// The response is not HTML or XHTML.
    #[error("content type {0} is not HTML")]
    ContentType(String),
    /// The body (after decompression) is over the limit.
    #[error("body is over the {0}-byte limit")]
    TooLarge(u64),
    /// The body could not be read or decompressed.
    #[error("cannot read the body: {0}")]
    Body(String),
    /// Any other request failure.
    #[error("request failed: {0}")]
    Request(String),
    /// A redirect pointed somewhere that cannot be fetched (`ftp:`, `javascript:`, ...).
    #[error("bad redirect: {0}")]
    BadRedirect(String),
    /// The TLS handshake failed, e.g. on an untrusted or invalid certificate.
    #[error("TLS failed: {0}")]
    Tls(String),
    /// The URL, a redirect or a DNS answer pointed at a non-public address.
    #[error("forbidden address: {0}")]
    ForbiddenAddress(String),
}

impl FetchError {
    /// A stable machine-readable kind for error records.
    pub fn kind(&self) -> &'static str {
        match self {
            FetchError::InvalidUrl(_) => "invalid_url",
            FetchError::Robots(_) => "robots",
            FetchError::Timeout(_) => "timeout",
            FetchError::Connect(_) => "connect",
            FetchError::Status { .. } => "http",
            FetchError::RedirectLoop(_) => "redirect_loop",
            FetchError::TooManyRedirects(_) => "too_many_redirects",
            FetchError::ContentType(_) => "content_type",
            FetchError::TooLarge(_) => "too_large",
            FetchError::Body(_) => "body",
            FetchError::Request(_) => "request",
            FetchError::ForbiddenAddress(_) => "forbidden_address",
            FetchError::BadRedirect(_) => "bad_redirect",
            FetchError::Tls(_) => "tls",
        }
    }

    /// True for timeouts.
    pub fn is_timeout(&self) -> bool {
        matches!(self, FetchError::Timeout(_))
    }

    /// True when the server could not be reached at all.
    pub fn is_connect(&self) -> bool {
        matches!(self, FetchError::Connect(_))
    }

    /// True when robots.txt forbade the fetch.
    pub fn is_robots(&self) -> bool {
        matches!(self, FetchError::Robots(_))
    }

    /// True for failures worth another attempt: connection errors, timeouts, 429 and 5xx.
    pub fn is_retryable(&self) -> bool {
        match self {
            FetchError::Timeout(_) | FetchError::Connect(_) => true,
            FetchError::Status { status, .. } => *status == 429 || *status >= 500,
            _ => false,
        }
    }
}
