//! Reading URL lists: one URL or JSON object per line, read lazily, deduplicated.

use std::collections::HashSet;
use std::fs::File;
use std::hash::{Hash, Hasher};
use std::io::{self, BufRead, BufReader};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use url::Url;

use super::FetchedRecord;

/// What one input line holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Line {
    /// A blank line or a `#` comment.
    Skip,
    /// A fetchable URL; `source` is the URL as written.
    Url {
        /// The URL as written in the list.
        source: String,
        /// The parsed URL.
        url: Url,
    },
    /// A line that is not a usable URL.
    Invalid {
        /// The line's content, trimmed.
        source: String,
        /// Why it is unusable.
        message: String,
    },
}

/// Parses one line: a URL, or a JSON object with a `"url"` string. Whitespace is trimmed.
pub fn parse_line(line: &str) -> Line {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return Line::Skip;
    }
    let candidate = if line.starts_with('{') {
        match serde_json::from_str::<serde_json::Value>(line) {
            Ok(v) => match v.get("url").and_then(|u| u.as_str()) {
                Some(u) => u.trim().to_string(),
                None => return invalid(line, "JSON line has no \"url\" string"),
            },
            Err(e) => return invalid(line, &format!("invalid JSON: {e}")),
        }
    } else {
        line.to_string()
    };
    // The URL parser silently drops tabs and line breaks inside a URL (WHATWG), so
    // "http://a/x\r\nHost: b" would quietly become another URL; control characters inside a
    // URL are a damaged or hostile list, never something to guess at.
    if let Some(c) = candidate.chars().find(|c| c.is_ascii_control()) {
        return invalid(
            &candidate,
            &format!("URL contains the control character U+{:04X}", c as u32),
        );
    }
    match Url::parse(&candidate) {
        Err(e) => invalid(&candidate, &format!("invalid URL: {e}")),
        Ok(u) if u.scheme() != "http" && u.scheme() != "https" => invalid(
            &candidate,
            &format!("unsupported scheme {:?} (only http and https)", u.scheme()),
        ),
        Ok(u) if u.host_str().is_none_or(str::is_empty) => invalid(&candidate, "URL has no host"),
        Ok(url) => Line::Url {
            source: candidate,
            url,
        },
    }
}

fn invalid(source: &str, message: &str) -> Line {
    Line::Invalid {
        source: source.to_string(),
        message: message.to_string(),
    }
}

/// The URL's identity for deduplication and `--resume`: fragment dropped. The `url` crate
/// already lowercases the host and drops the scheme's default port when parsing.
pub fn normalise(url: &Url) -> String {
    let mut u = url.clone();
    u.set_fragment(None);
    u.into()
}

/// A 64-bit fingerprint of a string. Sets of these stay small for millions of URLs, and a
/// collision among a few million is vanishingly unlikely (about 1 in 10^6 at 6 million).
pub fn fingerprint(s: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

/// Lines longer than this are refused without being held in memory: no real URL comes
/// near it (browsers and servers stop at 8 to 64 KiB), and one endless line must not eat
/// the memory of a run.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// The part of an over-long line kept as its record's `source`.
const LONG_SOURCE_CHARS: usize = 200;

/// One line as read: its text, or why it has none.
enum RawLine {
    Text(String),
    TooLong { prefix: String, len: u64 },
    NotUtf8 { prefix: String },
}

/// Reads one line of at most [`MAX_LINE_BYTES`]; the rest of a longer one is skipped
/// unread into memory. `None` at the end of the input.
fn read_capped_line(reader: &mut dyn BufRead, buf: &mut Vec<u8>) -> io::Result<Option<RawLine>> {
    buf.clear();
    let n = io::Read::take(&mut *reader, MAX_LINE_BYTES as u64 + 1).read_until(b'\n', buf)?;
    if n == 0 {
        return Ok(None);
    }
    if buf.len() > MAX_LINE_BYTES && buf.last() != Some(&b'\n') {
        let rest = reader.skip_until(b'\n')? as u64;
        let prefix: String = String::from_utf8_lossy(buf)
            .trim_start()
            .chars()
            .take(LONG_SOURCE_CHARS)
            .collect();
        return Ok(Some(RawLine::TooLong {
            prefix: format!("{prefix}..."),
            len: buf.len() as u64 + rest,
        }));
    }
    match std::str::from_utf8(buf) {
        Ok(s) => Ok(Some(RawLine::Text(s.to_string()))),
        Err(_) => Ok(Some(RawLine::NotUtf8 {
            prefix: String::from_utf8_lossy(buf)
                .trim()
                .chars()
                .take(LONG_SOURCE_CHARS)
                .collect(),
        })),
    }
}

/// One unit of work for the scraper.
#[derive(Debug)]
pub enum Job {
    /// Fetch `url`; the record's `source` is `source`.
    Fetch {
        /// The URL as written.
        source: String,
        /// The parsed URL.
        url: Url,
    },
    /// This input already failed (an invalid line); write the record as is.
    Failed(Box<FetchedRecord>),
}

/// Reads URL lists lazily, one file after another (`-` is stdin), yielding one [`Job`] per
/// distinct URL. Duplicates (after [`normalise`]) and URLs in the `done` set are skipped.
pub struct UrlReader {
    names: std::vec::IntoIter<String>,
    current: Option<(String, Box<dyn BufRead + Send>, u64)>,
    seen: HashSet<u64>,
    done: HashSet<u64>,
    counts: Arc<ReaderCounts>,
}

/// What a [`UrlReader`] skipped; shared, so it can be read while the reader runs elsewhere.
#[derive(Debug, Default)]
pub struct ReaderCounts {
    /// Lines skipped because the same URL came earlier.
    pub duplicates: AtomicU64,
    /// Lines skipped because a previous run already wrote them.
    pub resumed: AtomicU64,
}

impl UrlReader {
    /// Reads `names` in order; `done` holds [`fingerprint`]s of sources already written.
    pub fn new(names: Vec<String>, done: HashSet<u64>) -> Self {
        UrlReader {
            names: names.into_iter(),
            current: None,
            seen: HashSet::new(),
            done,
            counts: Arc::default(),
        }
    }

    /// The skip counters, readable from any thread.
    pub fn counts(&self) -> Arc<ReaderCounts> {
        self.counts.clone()
    }

    /// A reader over an in-memory list, for tests and library users.
    pub fn from_reader(name: &str, r: impl BufRead + Send + 'static) -> Self {
        let mut me = Self::new(Vec::new(), HashSet::new());
        me.current = Some((name.to_string(), Box::new(r), 0));
        me
    }

    fn open(name: &str) -> io::Result<Box<dyn BufRead + Send>> {
        if name == "-" {
            Ok(Box::new(BufReader::new(io::stdin())))
        } else {
            Ok(Box::new(BufReader::new(File::open(name)?)))
        }
    }
}

impl Iterator for UrlReader {
    type Item = Job;

    fn next(&mut self) -> Option<Job> {
        let mut buf = Vec::new();
        loop {
            if self.current.is_none() {
                let name = self.names.next()?;
                match Self::open(&name) {
                    Ok(r) => self.current = Some((name, r, 0)),
                    Err(e) => {
                        let msg = format!("cannot read {name}: {e}");
                        return Some(Job::Failed(Box::new(FetchedRecord::failed(
                            name, "io", msg,
                        ))));
                    }
                }
            }
            let (name, reader, lineno) = self.current.as_mut().expect("just set");
            let text = match read_capped_line(&mut **reader, &mut buf) {
                Ok(None) => {
                    self.current = None;
                    continue;
                }
                Ok(Some(raw)) => {
                    *lineno += 1;
                    raw
                }
                Err(e) => {
                    let msg = format!("cannot read {name} after line {lineno}: {e}");
                    let name = name.clone();
                    self.current = None;
                    return Some(Job::Failed(Box::new(FetchedRecord::failed(
                        name, "io", msg,
                    ))));
                }
            };
            let line = match text {
                RawLine::Text(t) => parse_line(&t),
                RawLine::TooLong { prefix, len } => Line::Invalid {
                    source: prefix,
                    message: format!(
                        "line of {len} bytes is over the {MAX_LINE_BYTES}-byte limit; skipped"
                    ),
                },
                RawLine::NotUtf8 { prefix } => Line::Invalid {
                    source: prefix,
                    message: "line is not UTF-8".into(),
                },
            };
            match line {
                Line::Skip => continue,
                Line::Invalid { source, message } => {
                    let fp = fingerprint(&source);
                    if self.done.contains(&fp) {
                        self.counts.resumed.fetch_add(1, Ordering::Relaxed);
                        continue;
                    }
                    let msg = format!("{name}:{lineno}: {message}");
                    return Some(Job::Failed(Box::new(FetchedRecord::failed(
                        source,
                        "invalid_url",
                        msg,
                    ))));
                }
                Line::Url { source, url } => {
                    let fp = fingerprint(&normalise(&url));
                    if !self.seen.insert(fp) {
                        self.counts.duplicates.fetch_add(1, Ordering::Relaxed);
                        tracing::debug!(%source, "duplicate URL skipped");
                        continue;
                    }
                    if self.done.contains(&fp) || self.done.contains(&fingerprint(&source)) {
                        self.counts.resumed.fetch_add(1, Ordering::Relaxed);
                        continue;
                    }
                    return Some(Job::Fetch { source, url });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_parsed() {
        assert_eq!(parse_line("  "), Line::Skip);
        assert_eq!(parse_line("# comment"), Line::Skip);
        assert!(
            matches!(parse_line(" http://a.example/x \n"), Line::Url { ref source, .. } if source == "http://a.example/x")
        );
        assert!(matches!(
            parse_line(r#"{"url": "https://a.example/"}"#),
            Line::Url { .. }
        ));
        assert!(matches!(
            parse_line("ftp://a.example/"),
            Line::Invalid { .. }
        ));
        assert!(matches!(parse_line("not a url"), Line::Invalid { .. }));
        assert!(matches!(
            parse_line(r#"{"href": "x"}"#),
            Line::Invalid { .. }
        ));
    }

    #[test]
    fn crlf_lines_are_urls() {
        assert!(
            matches!(parse_line("http://a.example/x\r\n"), Line::Url { ref source, .. } if source == "http://a.example/x")
        );
        let list = "http://a.test/1\r\nhttp://a.test/2\r\n\r\n# note\r\n";
        let jobs: Vec<Job> = UrlReader::from_reader("l", io::Cursor::new(list)).collect();
        assert_eq!(jobs.len(), 2);
        assert!(jobs.iter().all(|j| matches!(j, Job::Fetch { .. })));
    }

    #[test]
    fn control_characters_inside_urls_are_refused() {
        for line in [
            r#"{"url": "http://a.example/x\r\nX-Injected: 1"}"#,
            r#"{"url": "http://a.example/x\u0000y"}"#,
            r#"{"url": "http://a.example/\tx"}"#,
            "http://a.example/1\rhttp://a.example/2",
            "http://a.example/\u{7f}",
        ] {
            match parse_line(line) {
                Line::Invalid { message, .. } => {
                    assert!(message.contains("control character"), "{line:?}: {message}")
                }
                other => panic!("{line:?} gave {other:?}"),
            }
        }
    }

    fn messages(jobs: &[Job]) -> Vec<String> {
        jobs.iter()
            .map(|j| match j {
                Job::Fetch { url, .. } => url.to_string(),
                Job::Failed(r) => r.record.error.as_ref().unwrap().message.clone(),
            })
            .collect()
    }

    #[test]
    fn overlong_lines_are_skipped_unread() {
        // 64 MiB that is never held: only the first 64 KiB of the line is buffered.
        let long = io::Read::take(io::repeat(b'a'), 64 << 20);
        let list = io::Read::chain(
            io::Cursor::new(b"http://a.test/1\n".to_vec()),
            io::Read::chain(long, io::Cursor::new(b"\nhttp://a.test/2\n".to_vec())),
        );
        let jobs: Vec<Job> = UrlReader::from_reader("l", io::BufReader::new(list)).collect();
        assert_eq!(
            messages(&jobs),
            [
                "http://a.test/1".to_string(),
                format!(
                    "l:2: line of {} bytes is over the 65536-byte limit; skipped",
                    (64 << 20) + 1
                ),
                "http://a.test/2".to_string(),
            ]
        );
        match &jobs[1] {
            Job::Failed(r) => assert!(r.record.source.len() < 300, "{}", r.record.source.len()),
            other => panic!("{other:?}"),
        }
        // At the very end, with no newline; a line of exactly the limit still counts.
        let exact = format!("http://a.test/{}\n", "b".repeat(MAX_LINE_BYTES - 15));
        assert_eq!(exact.len(), MAX_LINE_BYTES);
        let list = format!("{exact}http://a.test/{}", "c".repeat(100_000));
        let jobs: Vec<Job> = UrlReader::from_reader("l", io::Cursor::new(list)).collect();
        let m = messages(&jobs);
        assert!(m[0].starts_with("http://a.test/bbb"), "{m:?}");
        assert_eq!(
            m[1],
            "l:2: line of 100014 bytes is over the 65536-byte limit; skipped"
        );
    }

    #[test]
    fn a_line_that_is_not_utf8_spoils_only_itself() {
        let list = b"http://a.test/1\nhttp://a.test/\xff\xfe\nhttp://a.test/2\n".to_vec();
        let jobs: Vec<Job> = UrlReader::from_reader("l", io::Cursor::new(list)).collect();
        assert_eq!(
            messages(&jobs),
            [
                "http://a.test/1",
                "l:2: line is not UTF-8",
                "http://a.test/2"
            ]
        );
    }

    #[test]
    fn normalisation_merges_spellings() {
        let a = Url::parse("HTTP://Example.COM:80/a#frag").unwrap();
        let b = Url::parse("http://example.com/a").unwrap();
        assert_eq!(normalise(&a), normalise(&b));
        let c = Url::parse("https://example.com:443/a").unwrap();
        assert_eq!(normalise(&c), "https://example.com/a");
    }

    #[test]
    fn reader_dedupes_and_names_lines() {
        let list = "http://a.test/1\nhttp://A.test:80/1#x\n\nbogus\nhttp://a.test/2\n";
        let jobs: Vec<Job> = UrlReader::from_reader("list.txt", io::Cursor::new(list)).collect();
        assert_eq!(jobs.len(), 3);
        match &jobs[1] {
            Job::Failed(r) => assert!(r
                .record
                .error
                .as_ref()
                .unwrap()
                .message
                .starts_with("list.txt:4:")),
            other => panic!("{other:?}"),
        }
    }
}
