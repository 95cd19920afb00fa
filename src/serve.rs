//! `dehusk serve`: the extractor and the fetcher behind a small HTTP service (axum).
//!
//! `POST /extract` turns an HTML body into a record, `POST /scrape` fetches a list of URLs
//! and streams one JSON line per URL, `GET /health` says the service is up. Bodies,
//! concurrency and time are limited, and fetches never reach non-public addresses unless
//! [`ServeConfig::allow_private`] is set (see [`crate::fetch::guard`]).

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use futures_util::StreamExt;
use serde::Deserialize;
use tokio::net::TcpListener;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

use crate::extract::Extractor;
use crate::fetch::{self, FetchConfig, FetchError, FetchedRecord, Fetcher, Line};
use crate::record::Record;

/// Settings for [`serve`].
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Request bodies larger than this many bytes are refused with 413.
    pub max_body: usize,
    /// `/extract` and `/scrape` requests handled at once; more get 503.
    pub concurrency: usize,
    /// Limit for each request: `/extract` answers 504, `/scrape` gives `timeout` records.
    pub timeout: Duration,
    /// Let `/scrape` fetch loopback, private and other non-public addresses.
    pub allow_private: bool,
    /// The fetcher's settings; its timeout is capped at `timeout`, and `block_private` is
    /// set from `allow_private`.
    pub fetch: FetchConfig,
    /// The extractor used by both endpoints.
    pub extractor: Extractor,
}

impl Default for ServeConfig {
    fn default() -> Self {
        ServeConfig {
            max_body: 10 * 1024 * 1024,
            concurrency: 32,
            timeout: Duration::from_secs(60),
            allow_private: false,
            fetch: FetchConfig::default(),
            extractor: Extractor::new(),
        }
    }
}

/// Why the service could not start or stopped abnormally.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The HTTP client for `/scrape` could not be built.
    #[error("cannot set up the HTTP client: {0}")]
    Client(#[from] FetchError),
    /// Accepting or serving connections failed.
    #[error("server error: {0}")]
    Io(#[from] std::io::Error),
}

struct AppState {
    cfg: ServeConfig,
    fetcher: Arc<Fetcher>,
    slots: Arc<Semaphore>,
}

/// The service's routes, ready to be served; [`serve`] is the usual way in.
pub fn router(config: ServeConfig) -> Result<Router, ServeError> {
    let mut fetch_cfg = config.fetch.clone();
    fetch_cfg.block_private = !config.allow_private;
    fetch_cfg.timeout = fetch_cfg.timeout.min(config.timeout);
    // One fetcher for all requests, so politeness per host holds across clients.
    let fetcher = Arc::new(Fetcher::new(fetch_cfg, config.extractor.clone())?);
    let state = Arc::new(AppState {
        slots: Arc::new(Semaphore::new(config.concurrency.max(1))),
        fetcher,
        cfg: config,
    });
    Ok(Router::new()
        .route("/health", get(health))
        .route("/extract", post(extract))
        .route("/scrape", post(scrape))
        .layer(DefaultBodyLimit::max(state.cfg.max_body))
        .with_state(state))
}

/// Serves on `listener` until `shutdown` resolves, then stops accepting connections and
/// returns once the requests in flight (streams included) have finished.
pub async fn serve(
    listener: TcpListener,
    config: ServeConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let app = router(config)?;
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await?;
    Ok(())
}

/// Resolves on the first SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term => {}
    }
}

/// A JSON error body shaped like a record's `error` field.
fn error_response(status: StatusCode, kind: &str, message: impl Into<String>) -> Response {
    let body = serde_json::json!({"error": {"kind": kind, "message": message.into()}});
    (status, Json(body)).into_response()
}

/// Takes a request slot, or `None` when all are taken: the caller answers 503 at once,
/// since queueing would only pile up latency behind a saturated service.
fn admit(state: &AppState) -> Option<OwnedSemaphorePermit> {
    state.slots.clone().try_acquire_owned().ok()
}

/// The 503 for a saturated service.
fn busy(state: &AppState) -> Response {
    let mut r = error_response(
        StatusCode::SERVICE_UNAVAILABLE,
        "busy",
        format!(
            "all {} request slots are taken; try again shortly",
            state.cfg.concurrency.max(1)
        ),
    );
    r.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    r
}

async fn health() -> Json<serde_json::Value> {
    Json(serde_json::json!({"status": "ok", "version": env!("CARGO_PKG_VERSION")}))
}

#[derive(Deserialize)]
struct ExtractQuery {
    url: Option<String>,
}

/// The charset parameter of a Content-Type header.
fn charset_of(headers: &HeaderMap) -> Option<String> {
    let ct = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    ct.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches('"').to_string())
            .filter(|v| !v.is_empty())
    })
}

async fn extract(
    State(state): State<Arc<AppState>>,
    Query(q): Query<ExtractQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(permit) = admit(&state) else {
        return busy(&state);
    };
    if let Some(u) = &q.url {
        if let Err(e) = url::Url::parse(u) {
            return error_response(
                StatusCode::BAD_REQUEST,
                "invalid_url",
                format!("invalid url {u:?}: {e}"),
            );
        }
    }
    let source = q.url.clone().unwrap_or_else(|| "-".to_string());
    let charset = charset_of(&headers);
    let ex = state.cfg.extractor.clone();
    let url = q.url.clone();
    // The parser is not Send and CPU-bound; the slot is held until extraction really ends,
    // even past a timeout, so abandoned work still counts against the limit.
    let job = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            ex.extract_bytes(&body, url.as_deref(), charset.as_deref())
        }))
        .unwrap_or_else(|_| Record::failed("", "internal", "the extractor panicked on this page"))
    });
    let (status, mut rec) = match tokio::time::timeout(state.cfg.timeout, job).await {
        Err(_) => {
            let msg = format!(
                "extraction took longer than {}",
                humantime::format_duration(state.cfg.timeout)
            );
            (
                StatusCode::GATEWAY_TIMEOUT,
                Record::failed("", "timeout", msg),
            )
        }
        Ok(Err(_)) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Record::failed("", "internal", "the extraction task failed"),
        ),
        Ok(Ok(rec)) if rec.is_error() => (StatusCode::UNPROCESSABLE_ENTITY, rec),
        Ok(Ok(rec)) => (StatusCode::OK, rec),
    };
    rec.source = source;
    (status, Json(rec)).into_response()
}

#[derive(Deserialize)]
struct ScrapeRequest {
    urls: Vec<String>,
    #[serde(default)]
    ordered: bool,
}

async fn scrape(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    // Parsed by hand so any Content-Type works (curl -d sends a form type).
    let req: ScrapeRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            return error_response(
                StatusCode::BAD_REQUEST,
                "bad_request",
                format!("the body must be {{\"urls\": [...]}}: {e}"),
            )
        }
    };
    let Some(permit) = admit(&state) else {
        return busy(&state);
    };
    let deadline = Instant::now() + state.cfg.timeout;
    let timeout = state.cfg.timeout;
    let fetcher = state.fetcher.clone();
    let width = state.cfg.fetch.concurrency.max(1);
    let jobs = futures_util::stream::iter(req.urls).map(move |u| {
        let fetcher = fetcher.clone();
        async move { scrape_one(&fetcher, u, deadline, timeout).await }
    });
    // Finish order by default, input order when asked, as `dehusk scrape --ordered`.
    let records = if req.ordered {
        jobs.buffered(width).boxed()
    } else {
        jobs.buffer_unordered(width).boxed()
    };
    let lines = records.map(move |rec| {
        // The slot is released only when the stream ends (or the client goes away).
        let _ = &permit;
        let mut buf = serde_json::to_vec(&rec).unwrap_or_else(|e| {
            let r = FetchedRecord::failed(&rec.record.source, "internal", e.to_string());
            serde_json::to_vec(&r).expect("plain record serialises")
        });
        buf.push(b'\n');
        Ok::<_, Infallible>(Bytes::from(buf))
    });
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/x-ndjson")
        .body(Body::from_stream(lines))
        .expect("valid response")
}

/// One URL's record, as `dehusk scrape` would write it; a `timeout` record past the deadline.
async fn scrape_one(
    fetcher: &Fetcher,
    given: String,
    deadline: Instant,
    timeout: Duration,
) -> FetchedRecord {
    let (source, url) = match fetch::parse_line(&given) {
        Line::Url { source, url } => (source, url),
        Line::Invalid { source, message } => {
            return FetchedRecord::failed(source, "invalid_url", message)
        }
        Line::Skip => return FetchedRecord::failed(given, "invalid_url", "not a URL"),
    };
    match tokio::time::timeout_at(deadline, fetcher.fetch_record(&source, &url)).await {
        Ok(Some(rec)) => rec,
        Ok(None) => FetchedRecord::failed(source, "internal", "the fetcher was stopped"),
        Err(_) => {
            let msg = format!(
                "the request's {} limit ran out",
                humantime::format_duration(timeout)
            );
            let mut r = FetchedRecord::failed(source, "timeout", msg);
            r.record.url = Some(url.to_string());
            r
        }
    }
}
