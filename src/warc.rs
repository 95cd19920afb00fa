//! Web archives (WARC 1.0/1.1): a streaming reader that yields the HTML responses of an
//! archive, and the record encoding `dehusk scrape --warc-out` writes.
//!
//! The reader is a small hand-written parser over [`flate2::read::MultiGzDecoder`], which
//! reads both whole-file gzip and one-gzip-member-per-record files (Common Crawl's layout).
//! It never holds more than one record's HTTP head plus one page body (capped) in memory.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::Path;

/// The longest WARC or HTTP header block accepted; real ones are a few hundred bytes.
const MAX_HEAD: u64 = 256 * 1024;

/// Why a web archive could not be read further.
#[derive(Debug, thiserror::Error)]
pub enum WarcError {
    /// Reading or decompressing the file failed.
    #[error("cannot read the archive: {0}")]
    Io(#[from] io::Error),
    /// The file is not a WARC file, or a record is malformed.
    #[error("malformed WARC at record {record}: {message}")]
    Malformed {
        /// The 0-based number of the record that failed.
        record: u64,
        /// What was wrong.
        message: String,
    },
}

/// Whether a path names a web archive: `.warc` or `.warc.gz`, in any case.
pub fn is_warc_path(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(is_warc_name)
}

/// Whether a file name marks a web archive: `.warc` or `.warc.gz`, in any case.
pub fn is_warc_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".warc") || lower.ends_with(".warc.gz")
}

/// Why one HTML response's body is not available.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageError {
    /// The body is over the byte limit; it was skipped without being held in memory.
    TooLarge(u64),
    /// The body could not be de-chunked or decompressed.
    Body(String),
}

/// One HTML response found in an archive.
#[derive(Debug, Clone)]
pub struct WarcPage {
    /// The 0-based number of the WARC record in the file (counting every record).
    pub index: u64,
    /// `WARC-Target-URI`.
    pub target_uri: Option<String>,
    /// `WARC-Date`.
    pub date: Option<String>,
    /// The HTTP status code.
    pub status: u16,
    /// The HTTP `Content-Type` header.
    pub content_type: Option<String>,
    /// The `charset` parameter of the HTTP `Content-Type`.
    pub charset: Option<String>,
    /// The body, de-chunked and decompressed, or why it is missing.
    pub body: Result<Vec<u8>, PageError>,
}

/// Reads a web archive record by record, yielding only its HTML responses.
pub struct WarcReader<R> {
    reader: R,
    next_index: u64,
    max_bytes: u64,
}

impl WarcReader<BufReader<Box<dyn Read + Send>>> {
    /// Opens a `.warc` or `.warc.gz` file; bodies over `max_bytes` become [`PageError::TooLarge`].
    pub fn open(path: &Path, max_bytes: u64) -> io::Result<Self> {
        let f = File::open(path)?;
        let gz = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("gz"));
        let inner: Box<dyn Read + Send> = if gz {
            // Multi-member: Common Crawl gzips each record on its own.
            Box::new(flate2::read::MultiGzDecoder::new(BufReader::new(f)))
        } else {
            Box::new(f)
        };
        Ok(WarcReader::new(
            BufReader::with_capacity(256 * 1024, inner),
            max_bytes,
        ))
    }
}

impl<R: BufRead> WarcReader<R> {
    /// Reads uncompressed WARC data from `reader`.
    pub fn new(reader: R, max_bytes: u64) -> Self {
        WarcReader {
            reader,
            next_index: 0,
            max_bytes,
        }
    }

    /// The next HTML response with a 2xx status, skipping every other record; `None` at
    /// the end of the archive.
    pub fn next_page(&mut self) -> Result<Option<WarcPage>, WarcError> {
        loop {
            let index = self.next_index;
            let Some(headers) = self.read_warc_head(index)? else {
                return Ok(None);
            };
            self.next_index += 1;
            let malformed = |m: &str| WarcError::Malformed {
                record: index,
                message: m.to_string(),
            };
            let len: u64 = header(&headers, "Content-Length")
                .ok_or_else(|| malformed("no Content-Length"))?
                .trim()
                .parse()
                .map_err(|_| malformed("invalid Content-Length"))?;
            let is_response = header(&headers, "WARC-Type")
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("response"));
            let is_http = header(&headers, "Content-Type").is_some_and(|t| {
                t.trim()
                    .to_ascii_lowercase()
                    .starts_with("application/http")
            });
            let mut block = (&mut self.reader).take(len);
            let page = if is_response && is_http {
                read_http_page(&mut block, self.max_bytes).map_err(|e| match e {
                    HttpError::Io(e) => WarcError::Io(e),
                    HttpError::Malformed(m) => malformed(&m),
                })?
            } else {
                None
            };
            // Whatever the page did not read is skipped as a stream, never buffered.
            io::copy(&mut block, &mut io::sink())?;
            if block.limit() > 0 {
                return Err(malformed("the file ends inside the record"));
            }
            if let Some(mut p) = page {
                p.index = index;
                p.target_uri = header(&headers, "WARC-Target-URI")
                    .map(|u| u.trim().trim_matches(['<', '>']).to_string());
                p.date = header(&headers, "WARC-Date").map(|d| d.trim().to_string());
                return Ok(Some(p));
            }
        }
    }

    /// The header lines of the next record; `None` at a clean end of file.
    fn read_warc_head(&mut self, index: u64) -> Result<Option<Vec<(String, String)>>, WarcError> {
        // The blank lines that end the previous record (and any stray ones) come first.
        let first = loop {
            let mut line = Vec::new();
            let n = (&mut self.reader)
                .take(MAX_HEAD)
                .read_until(b'\n', &mut line)?;
            if n == 0 {
                return Ok(None);
            }
            if !line.iter().all(u8::is_ascii_whitespace) {
                break line;
            }
        };
        let version = String::from_utf8_lossy(&first);
        if !version.trim_end().starts_with("WARC/") {
            return Err(WarcError::Malformed {
                record: index,
                message: format!(
                    "expected a WARC/1.x version line, found {:?}",
                    version.trim_end()
                ),
            });
        }
        let head = read_head(&mut self.reader).map_err(|e| match e {
            HttpError::Io(e) => WarcError::Io(e),
            HttpError::Malformed(m) => WarcError::Malformed {
                record: index,
                message: m,
            },
        })?;
        Ok(Some(head))
    }
}

enum HttpError {
    Io(io::Error),
    Malformed(String),
}

impl From<io::Error> for HttpError {
    fn from(e: io::Error) -> Self {
        HttpError::Io(e)
    }
}

/// Reads `Name: value` lines up to a blank line, joining folded continuation lines.
fn read_head<R: BufRead>(r: &mut R) -> Result<Vec<(String, String)>, HttpError> {
    let mut headers: Vec<(String, String)> = Vec::new();
    let mut budget = MAX_HEAD;
    loop {
        let mut line = Vec::new();
        let n = r.take(budget).read_until(b'\n', &mut line)?;
        if n == 0 {
            return Err(HttpError::Malformed("the header block is cut off".into()));
        }
        budget = budget.saturating_sub(n as u64);
        if budget == 0 {
            return Err(HttpError::Malformed(format!(
                "a header block is over {MAX_HEAD} bytes"
            )));
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            return Ok(headers);
        }
        if text.starts_with([' ', '\t']) {
            if let Some(last) = headers.last_mut() {
                last.1.push(' ');
                last.1.push_str(text.trim());
            }
            continue;
        }
        if let Some((k, v)) = text.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Parses an HTTP response out of a record block; `None` when it is not an HTML 2xx.
fn read_http_page<R: BufRead>(
    block: &mut R,
    max_bytes: u64,
) -> Result<Option<WarcPage>, HttpError> {
    let mut status_line = Vec::new();
    block.take(MAX_HEAD).read_until(b'\n', &mut status_line)?;
    let status_line = String::from_utf8_lossy(&status_line);
    let mut parts = status_line.split_whitespace();
    if !parts.next().is_some_and(|v| v.starts_with("HTTP/")) {
        // Not an HTTP response (a DNS or whois record, say): nothing to extract.
        return Ok(None);
    }
    let Some(status) = parts.next().and_then(|s| s.parse::<u16>().ok()) else {
        return Err(HttpError::Malformed("invalid HTTP status line".into()));
    };
    let headers = read_head(block)?;
    let content_type = header(&headers, "Content-Type").map(str::to_string);
    let Some(charset) = html_type(content_type.as_deref()) else {
        return Ok(None);
    };
    if !(200..300).contains(&status) {
        return Ok(None);
    }
    let chunked = header(&headers, "Transfer-Encoding")
        .is_some_and(|t| t.to_ascii_lowercase().contains("chunked"));
    let encoding = header(&headers, "Content-Encoding")
        .map(|e| e.trim().to_ascii_lowercase())
        .filter(|e| !e.is_empty() && e != "identity");
    let mut page = WarcPage {
        index: 0,
        target_uri: None,
        date: None,
        status,
        content_type,
        charset,
        body: Ok(Vec::new()),
    };
    let raw = if chunked {
        match dechunk(block, max_bytes) {
            Ok(b) => b,
            Err(e) => {
                page.body = Err(e);
                return Ok(Some(page));
            }
        }
    } else {
        let mut buf = Vec::new();
        block
            .take(max_bytes.saturating_add(1))
            .read_to_end(&mut buf)?;
        if buf.len() as u64 > max_bytes {
            page.body = Err(PageError::TooLarge(max_bytes));
            return Ok(Some(page));
        }
        buf
    };
    page.body = match encoding.as_deref() {
        None => Ok(raw),
        Some(enc) => decode_content(enc, &raw, max_bytes),
    };
    Ok(Some(page))
}

/// `Some(charset)` when the Content-Type is HTML or XHTML (or missing, left to sniffing).
fn html_type(content_type: Option<&str>) -> Option<Option<String>> {
    let Some(ct) = content_type else {
        return Some(None);
    };
    let mut parts = ct.split(';');
    let mime = parts.next().unwrap_or("").trim().to_ascii_lowercase();
    if !(mime.is_empty() || mime == "text/html" || mime == "application/xhtml+xml") {
        return None;
    }
    Some(parts.find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches(['"', '\'']).to_string())
            .filter(|v| !v.is_empty())
    }))
}

/// Undoes `Transfer-Encoding: chunked`, refusing bodies over `max_bytes`.
fn dechunk<R: BufRead>(r: &mut R, max_bytes: u64) -> Result<Vec<u8>, PageError> {
    let bad = |m: &str| PageError::Body(format!("bad chunked encoding: {m}"));
    let mut out = Vec::new();
    loop {
        let mut line = Vec::new();
        r.take(1024)
            .read_until(b'\n', &mut line)
            .map_err(|e| PageError::Body(e.to_string()))?;
        if line.is_empty() {
            // Some archives cut the last chunk marker; keep what arrived.
            return Ok(out);
        }
        let text = String::from_utf8_lossy(&line);
        let size_text = text.split(';').next().unwrap_or("").trim();
        if size_text.is_empty() {
            continue;
        }
        let size = u64::from_str_radix(size_text, 16).map_err(|_| bad("invalid chunk size"))?;
        if size == 0 {
            return Ok(out);
        }
        if out.len() as u64 + size > max_bytes {
            return Err(PageError::TooLarge(max_bytes));
        }
        let before = out.len();
        r.take(size)
            .read_to_end(&mut out)
            .map_err(|e| PageError::Body(e.to_string()))?;
        if ((out.len() - before) as u64) < size {
            return Ok(out);
        }
    }
}

/// Undoes a `Content-Encoding` the archive kept (gzip, deflate); others are an error.
fn decode_content(enc: &str, raw: &[u8], max_bytes: u64) -> Result<Vec<u8>, PageError> {
    let reader: Box<dyn Read + '_> = match enc {
        "gzip" | "x-gzip" => Box::new(flate2::read::MultiGzDecoder::new(raw)),
        "deflate" => Box::new(flate2::read::ZlibDecoder::new(raw)),
        other => {
            return Err(PageError::Body(format!(
                "unsupported Content-Encoding {other}"
            )))
        }
    };
    let mut out = Vec::new();
    reader
        .take(max_bytes.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|e| PageError::Body(format!("cannot decompress ({enc}): {e}")))?;
    if out.len() as u64 > max_bytes {
        return Err(PageError::TooLarge(max_bytes));
    }
    Ok(out)
}

/// A fresh `<urn:uuid:...>` record id (a random version 4 UUID).
pub fn new_record_id() -> String {
    let mut b = [0u8; 16];
    for x in b.iter_mut() {
        *x = fastrand::u8(..);
    }
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "<urn:uuid:{}-{}-{}-{}-{}>",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// One WARC 1.1 record: the named headers (plus `WARC-Record-ID` and `Content-Length`,
/// which are added), then the block, as one gzip member of its own.
pub fn gzip_record(
    warc_type: &str,
    record_id: &str,
    headers: &[(&str, &str)],
    block: &[u8],
) -> io::Result<Vec<u8>> {
    let mut head = format!("WARC/1.1\r\nWARC-Type: {warc_type}\r\nWARC-Record-ID: {record_id}\r\n");
    for (k, v) in headers {
        // A header value may not span lines; a stray newline would corrupt the archive.
        let v: String = v.chars().filter(|c| *c != '\r' && *c != '\n').collect();
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!("WARC-Block-Digest: {}\r\n", sha256_label(block)));
    head.push_str(&format!("Content-Length: {}\r\n\r\n", block.len()));
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(head.as_bytes())?;
    gz.write_all(block)?;
    gz.write_all(b"\r\n\r\n")?;
    gz.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(uri: &str, http: &[u8]) -> Vec<u8> {
        let mut v = format!(
            "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2024-01-02T03:04:05Z\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n",
            http.len()
        )
        .into_bytes();
        v.extend_from_slice(http);
        v.extend_from_slice(b"\r\n\r\n");
        v
    }

    #[test]
    fn reads_plain_chunked_and_skips_others() {
        let mut data = record(
            "http://a.test/1",
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>one</p>",
        );
        data.extend(record(
            "http://a.test/img",
            b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG",
        ));
        data.extend(record(
            "http://a.test/2",
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=koi8-r\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n<p>\r\n8\r\ntwo</p>\n\r\n0\r\n\r\n",
        ));
        let mut r = WarcReader::new(&data[..], 1000);
        let p = r.next_page().unwrap().unwrap();
        assert_eq!(p.index, 0);
        assert_eq!(p.target_uri.as_deref(), Some("http://a.test/1"));
        assert_eq!(p.date.as_deref(), Some("2024-01-02T03:04:05Z"));
        assert_eq!(p.body.unwrap(), b"<p>one</p>");
        let p = r.next_page().unwrap().unwrap();
        assert_eq!(p.index, 2);
        assert_eq!(p.charset.as_deref(), Some("koi8-r"));
        assert_eq!(p.body.unwrap(), b"<p>two</p>\n");
        assert!(r.next_page().unwrap().is_none());
    }

    #[test]
    fn too_large_and_malformed() {
        let data = record(
            "http://a.test/big",
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n0123456789",
        );
        let mut r = WarcReader::new(&data[..], 5);
        let p = r.next_page().unwrap().unwrap();
        assert_eq!(p.body, Err(PageError::TooLarge(5)));
        let mut r = WarcReader::new(&b"<html>not a warc</html>"[..], 5);
        assert!(matches!(r.next_page(), Err(WarcError::Malformed { .. })));
        let cut = &data[..data.len() - 8];
        let mut r = WarcReader::new(cut, 100);
        assert!(r.next_page().is_err());
    }

    #[test]
    fn record_ids_are_uuid4() {
        let id = new_record_id();
        assert_eq!(id.len(), "<urn:uuid:>".len() + 36);
        assert_eq!(&id[24..25], "4");
        assert_ne!(id, new_record_id());
    }
}

/// One fetched URL to archive: the request as sent and the response as received.
#[derive(Debug)]
pub struct Exchange {
    /// The URL the response came from (after redirects).
    pub url: String,
    /// The remote address, when known.
    pub ip: Option<String>,
    /// The HTTP request head.
    pub request: Vec<u8>,
    /// The HTTP status line, headers and (decompressed) body.
    pub response: Vec<u8>,
}

enum Msg {
    Exchange(Box<Exchange>),
    Close,
}

/// A cheap handle for sending exchanges to an [`ArchiveWriter`] from any task.
#[derive(Debug, Clone)]
pub struct Archive {
    tx: tokio::sync::mpsc::Sender<Msg>,
}

impl std::fmt::Debug for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Msg")
    }
}

impl Archive {
    /// Queues one exchange; waits while the writer is behind, so memory stays bounded.
    pub async fn send(&self, ex: Exchange) {
        // The writer only goes away after close; a late exchange is dropped then.
        let _ = self.tx.send(Msg::Exchange(Box::new(ex))).await;
    }
}

/// Writes a WARC 1.1 file (`warcinfo`, then a `request` and a `response` record per URL,
/// each record its own gzip member) from a single thread, so records never interleave.
pub struct ArchiveWriter {
    tx: tokio::sync::mpsc::Sender<Msg>,
    thread: std::thread::JoinHandle<io::Result<u64>>,
}

impl ArchiveWriter {
    /// Creates (truncates) `path` and writes its `warcinfo` record.
    pub fn create(path: &Path, software: &str) -> io::Result<ArchiveWriter> {
        let mut out = io::BufWriter::new(File::create(path)?);
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let info = format!("software: {software}\r\nformat: WARC File Format 1.1\r\n");
        let date = now();
        out.write_all(&gzip_record(
            "warcinfo",
            &new_record_id(),
            &[
                ("WARC-Date", &date),
                ("WARC-Filename", &name),
                ("Content-Type", "application/warc-fields"),
            ],
            info.as_bytes(),
        )?)?;
        out.flush()?;
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Msg>(16);
        let thread = std::thread::spawn(move || {
            let mut written = 0u64;
            let mut failure: Option<io::Error> = None;
            while let Some(msg) = rx.blocking_recv() {
                let ex = match msg {
                    Msg::Close => break,
                    Msg::Exchange(ex) => ex,
                };
                // After a write error keep draining, so senders never block on a dead writer.
                if failure.is_none() {
                    match write_exchange(&mut out, &ex) {
                        Ok(()) => written += 1,
                        Err(e) => failure = Some(e),
                    }
                }
            }
            if let Some(e) = failure {
                return Err(e);
            }
            out.flush()?;
            Ok(written)
        });
        Ok(ArchiveWriter { tx, thread })
    }

    /// A handle for the fetcher.
    pub fn handle(&self) -> Archive {
        Archive {
            tx: self.tx.clone(),
        }
    }

    /// Writes what was queued, closes the file and returns the number of URLs archived.
    /// Call it outside an async runtime, after the run.
    pub fn finish(self) -> io::Result<u64> {
        let _ = self.tx.blocking_send(Msg::Close);
        self.thread
            .join()
            .map_err(|_| io::Error::other("the archive writer panicked"))?
    }
}

/// `sha256:HEX`, a digest label readers such as warcio verify.
fn sha256_label(data: &[u8]) -> String {
    use sha2::Digest;
    let d = sha2::Sha256::digest(data);
    let hex: String = d.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

fn now() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}

fn write_exchange<W: Write>(out: &mut W, ex: &Exchange) -> io::Result<()> {
    let date = now();
    let resp_id = new_record_id();
    let req_id = new_record_id();
    // The payload is what follows the HTTP head; the writer built the head, so it ends
    // at the first blank line.
    let payload = memchr::memmem::find(&ex.response, b"\r\n\r\n")
        .map(|i| &ex.response[i + 4..])
        .unwrap_or_default();
    let payload_digest = sha256_label(payload);
    let mut resp_headers = vec![
        ("WARC-Target-URI", ex.url.as_str()),
        ("WARC-Date", date.as_str()),
        ("WARC-Payload-Digest", payload_digest.as_str()),
        ("Content-Type", "application/http; msgtype=response"),
    ];
    if let Some(ip) = &ex.ip {
        resp_headers.push(("WARC-IP-Address", ip.as_str()));
    }
    let req = gzip_record(
        "request",
        &req_id,
        &[
            ("WARC-Target-URI", ex.url.as_str()),
            ("WARC-Date", date.as_str()),
            ("WARC-Concurrent-To", resp_id.as_str()),
            ("Content-Type", "application/http; msgtype=request"),
        ],
        &ex.request,
    )?;
    let resp = gzip_record("response", &resp_id, &resp_headers, &ex.response)?;
    // Both records in one write, then a flush: a crash leaves whole members behind.
    let mut both = req;
    both.extend_from_slice(&resp);
    out.write_all(&both)?;
    out.flush()
}
