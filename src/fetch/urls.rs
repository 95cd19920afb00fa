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
        let mut buf = String::new();
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
            buf.clear();
            match reader.read_line(&mut buf) {
                Ok(0) => {
                    self.current = None;
                    continue;
                }
                Ok(_) => *lineno += 1,
                Err(e) => {
                    let msg = format!("cannot read {name} after line {lineno}: {e}");
                    let name = name.clone();
                    self.current = None;
                    return Some(Job::Failed(Box::new(FetchedRecord::failed(
                        name, "io", msg,
                    ))));
                }
            }
            match parse_line(&buf) {
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
