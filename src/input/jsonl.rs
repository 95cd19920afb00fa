//! Pages as JSON lines (`dehusk extract --stdin-jsonl`): a bounded line reader and the
//! parser turning one line into the page's bytes and URL.

use std::io::{self, BufRead, Read};

use base64::Engine as _;

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

    /// Whether the line holds no bytes (always true of [`Line::TooLong`]).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
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
struct Raw {
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    html: Option<String>,
    #[serde(default)]
    html_base64: Option<String>,
}

/// One line's page, ready for [`crate::Extractor::extract_bytes`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// The line's `"url"`, if any.
    pub url: Option<String>,
    /// The page's bytes: `"html"` as UTF-8, or `"html_base64"` decoded.
    pub body: Vec<u8>,
    /// The charset to decode `body` with: UTF-8 for `"html"`, detected for `"html_base64"`.
    pub charset: Option<&'static str>,
}

/// Why a line holds no usable page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    /// The line's `"url"`, when the line was valid JSON and had one.
    pub url: Option<String>,
    /// What is wrong with the line.
    pub message: String,
}

/// Parses one line: a JSON object with `"html"` or `"html_base64"` and an optional `"url"`.
pub fn parse_page(bytes: &[u8]) -> Result<Page, BadLine> {
    let raw: Raw = serde_json::from_slice(bytes).map_err(|e| BadLine {
        url: None,
        message: format!("invalid JSON: {e}"),
    })?;
    let bad = |url: Option<String>, message: String| Err(BadLine { url, message });
    // A JSON string is already Unicode: decode it as UTF-8 whatever its <meta> claims.
    let (body, charset) = match (raw.html, raw.html_base64) {
        (Some(h), None) => (h.into_bytes(), Some("utf-8")),
        (None, Some(b)) => match base64::engine::general_purpose::STANDARD.decode(b.trim()) {
            Ok(b) => (b, None),
            Err(e) => return bad(raw.url, format!("html_base64 is not valid base64: {e}")),
        },
        (Some(_), Some(_)) => {
            return bad(
                raw.url,
                "give either \"html\" or \"html_base64\", not both".into(),
            )
        }
        (None, None) => return bad(raw.url, "no \"html\" or \"html_base64\" string".into()),
    };
    Ok(Page {
        url: raw.url,
        body,
        charset,
    })
}
