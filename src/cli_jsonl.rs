//! `dehusk extract --stdin-jsonl`: pages arrive as JSON lines on stdin, one record per line.

use std::io::{self, BufRead, Read};

use base64::Engine as _;
use dehusk::{Extractor, Record};

/// One line of input: its 1-based number and raw bytes (without the newline), or the
/// number of a line that was over the size limit.
pub enum Line {
    /// A line to decode and extract.
    Data(usize, Vec<u8>),
    /// A line longer than the limit; its bytes were skipped, never held in memory.
    TooLong(usize),
}

impl Line {
    /// Bytes held for this line.
    pub fn len(&self) -> usize {
        match self {
            Line::Data(_, b) => b.len(),
            Line::TooLong(_) => 0,
        }
    }
}

/// Reads lines lazily with a per-line byte limit, so one huge line cannot exhaust memory.
pub struct Lines<R> {
    reader: R,
    limit: u64,
    line: usize,
}

impl<R: BufRead> Lines<R> {
    /// Reads from `reader`, refusing lines longer than `limit` bytes.
    pub fn new(reader: R, limit: u64) -> Self {
        Lines {
            reader,
            limit,
            line: 0,
        }
    }

    /// The next non-blank line, `None` at the end of input.
    pub fn next_line(&mut self) -> io::Result<Option<Line>> {
        loop {
            let mut buf = Vec::new();
            let n = (&mut self.reader)
                .take(self.limit.saturating_add(1))
                .read_until(b'\n', &mut buf)?;
            if n == 0 {
                return Ok(None);
            }
            self.line += 1;
            if buf.last() == Some(&b'\n') {
                buf.pop();
            } else if buf.len() as u64 > self.limit {
                self.skip_rest()?;
                return Ok(Some(Line::TooLong(self.line)));
            }
            if buf.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            return Ok(Some(Line::Data(self.line, buf)));
        }
    }

    fn skip_rest(&mut self) -> io::Result<()> {
        loop {
            let chunk = self.reader.fill_buf()?;
            if chunk.is_empty() {
                return Ok(());
            }
            match memchr::memchr(b'\n', chunk) {
                Some(i) => {
                    self.reader.consume(i + 1);
                    return Ok(());
                }
                None => {
                    let n = chunk.len();
                    self.reader.consume(n);
                }
            }
        }
    }
}

#[derive(serde::Deserialize)]
struct Page {
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    html: Option<String>,
    #[serde(default)]
    html_base64: Option<String>,
}

/// Turns one input line into a record; a bad line becomes a `bad_input` error record.
pub fn extract_line(ex: &Extractor, line: &Line) -> Record {
    let (n, bytes) = match line {
        Line::TooLong(n) => {
            return Record::failed(
                format!("stdin:{n}"),
                "too_large",
                format!(
                    "stdin line {n}: the line is over the {}-byte limit",
                    line_limit(ex)
                ),
            )
        }
        Line::Data(n, b) => (*n, b),
    };
    let bad = |source: String, msg: String| {
        Record::failed(source, "bad_input", format!("stdin line {n}: {msg}"))
    };
    let page: Page = match serde_json::from_slice(bytes) {
        Ok(p) => p,
        Err(e) => return bad(format!("stdin:{n}"), format!("invalid JSON: {e}")),
    };
    let source = page.url.clone().unwrap_or_else(|| format!("stdin:{n}"));
    let url = page.url.as_deref();
    // A JSON string is already Unicode: decode it as UTF-8 whatever its <meta> claims.
    let (body, charset) = match (page.html, page.html_base64) {
        (Some(h), None) => (h.into_bytes(), Some("utf-8")),
        (None, Some(b)) => match base64::engine::general_purpose::STANDARD.decode(b.trim()) {
            Ok(b) => (b, None),
            Err(e) => return bad(source, format!("html_base64 is not valid base64: {e}")),
        },
        (Some(_), Some(_)) => {
            return bad(
                source,
                "give either \"html\" or \"html_base64\", not both".into(),
            )
        }
        (None, None) => return bad(source, "no \"html\" or \"html_base64\" string".into()),
    };
    // A panic in one page must never take the others down with it.
    let rec = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        ex.extract_bytes(&body, url, charset)
    }));
    let mut rec = rec
        .unwrap_or_else(|_| Record::failed("", "internal", "the extractor panicked on this input"));
    rec.source = source;
    if rec.url.is_none() {
        rec.url = page.url;
    }
    rec
}

/// The longest line accepted: twice `--max-bytes` (room for base64 or JSON escapes) plus
/// 64 KiB; the decoded page itself is then held to `--max-bytes` by the extractor.
pub fn line_limit(ex: &Extractor) -> u64 {
    ex.options()
        .max_bytes
        .saturating_mul(2)
        .saturating_add(64 * 1024)
}

/// The `--shard` key of a line: its `"url"` when it has one, else `stdin:N`.
pub fn shard_key(line: &Line) -> String {
    #[derive(serde::Deserialize)]
    struct UrlOnly {
        #[serde(default)]
        url: Option<String>,
    }
    match line {
        Line::Data(n, b) => serde_json::from_slice::<UrlOnly>(b)
            .ok()
            .and_then(|p| p.url)
            .unwrap_or_else(|| format!("stdin:{n}")),
        Line::TooLong(n) => format!("stdin:{n}"),
    }
}
