//! What each fuzz target does with its input, shared by the targets (`fuzz/fuzz_targets/`)
//! and by `tests/fuzz_regressions.rs`, so a saved crasher replays exactly the fuzzed path.
//!
//! Each function panics on a broken invariant; returning normally is a pass.

// Each fuzz target uses one of these functions; the regression test uses them all.
#![allow(dead_code)]

use std::io::{BufReader, Read};
use std::sync::OnceLock;

use dehusk::fetch::{normalise, parse_line, Job, Line, UrlReader};
use dehusk::input::jsonl::{self, Lines};
use dehusk::warc::{PageError, WarcReader};
use dehusk::Extractor;

/// The per-line limit of the `jsonl` target: small, so the too-long path is reached.
pub const JSONL_LINE_LIMIT: u64 = 4096;

/// The body limit of the `warc` target: small, so the too-large path is reached.
pub const WARC_BODY_LIMIT: u64 = 16 * 1024;

/// The nesting limit of the `extract` target. html5ever's tree builder is quadratic in the
/// nesting depth, and the instrumented fuzz build runs it 10 to 30 times slower than a
/// release build, so at the default limit (5000) pages the depth check rightly admits would
/// trip the one-second timeout. Under this limit a timeout means a page that gets much
/// deeper than the check thinks, or some other superlinear cost.
pub const EXTRACT_MAX_DEPTH: usize = 500;

fn extractors() -> &'static (Extractor, Extractor) {
    static EX: OnceLock<(Extractor, Extractor)> = OnceLock::new();
    EX.get_or_init(|| {
        let b = || Extractor::builder().max_depth(EXTRACT_MAX_DEPTH);
        (b().build(), b().markdown(true).html(true).build())
    })
}

/// Bytes through the extractor, as a saved page or an HTTP body would go; the record as
/// JSON, or `None` when `try_extract_bytes` refused the input.
///
/// The first byte is a set of flags, so one corpus covers every path: bit 0 turns on the
/// Markdown and HTML renderers, bit 1 picks `try_extract_bytes` over `extract_bytes`, bit 2
/// drops the URL, bit 3 passes the declared HTTP charset picked by the high nibble.
pub fn extract(data: &[u8]) -> Option<String> {
    let (&flags, page) = data.split_first()?;
    let (plain, rendering) = extractors();
    let ex = if flags & 1 != 0 { rendering } else { plain };
    let url = (flags & 4 == 0).then_some("https://news.example.com/2024/05/a-story?id=7#top");
    let charset = (flags & 8 != 0).then_some(match flags >> 4 {
        0 => "utf-8",
        1 => "windows-1252",
        2 => "shift_jis",
        3 => "utf-16le",
        4 => "iso-2022-jp",
        5 => "x-user-defined",
        6 => "gb18030",
        _ => "no-such-charset",
    });
    let rec = if flags & 2 != 0 {
        ex.try_extract_bytes(page, url, charset).ok()?
    } else {
        ex.extract_bytes(page, url, charset)
    };
    Some(serde_json::to_string(&rec).expect("a record always serialises"))
}

/// Charset sniffing and decoding. The input up to the first NUL byte is the HTTP charset
/// label (none when there is no NUL), the rest is the body. Returns the decoded text.
pub fn charset(data: &[u8]) -> String {
    use dehusk::extract::charset::{decode, sniff};
    let (label, body) = match data.iter().position(|&b| b == 0) {
        Some(i) => (Some(String::from_utf8_lossy(&data[..i])), &data[i + 1..]),
        None => (None, data),
    };
    let label = label.as_deref();
    let enc = sniff(body, label);
    let (text, name) = decode(body, label);
    assert_eq!(name, enc.name(), "decode uses the encoding sniff picks");
    text
}

/// A scrape URL list: each line through `parse_line`, then the whole list through
/// `UrlReader` (deduplication, invalid lines as failed jobs). Returns the number of jobs.
pub fn urls(data: &[u8]) -> usize {
    let text = String::from_utf8_lossy(data);
    for line in text.split('\n') {
        if let Line::Url { url, .. } = parse_line(line) {
            assert!(matches!(url.scheme(), "http" | "https"));
            let n = normalise(&url);
            let again = url::Url::parse(&n).expect("a normalised URL parses");
            assert_eq!(normalise(&again), n, "normalising is idempotent");
        }
    }
    let reader = UrlReader::from_reader("fuzz", std::io::Cursor::new(data.to_vec()));
    let mut jobs = 0;
    for job in reader {
        if let Job::Fetch { url, .. } = job {
            assert!(matches!(url.scheme(), "http" | "https"));
        }
        jobs += 1;
    }
    jobs
}

/// `extract --stdin-jsonl` input: the bounded line reader, then each line's JSON, and each
/// page through the extractor as the CLI does. Returns the number of records.
pub fn jsonl(data: &[u8]) -> usize {
    // A tiny buffer, so lines straddle buffer refills.
    let mut lines = Lines::new(BufReader::with_capacity(64, data), JSONL_LINE_LIMIT);
    let (mut last, mut records) = (0, 0);
    while let Some(line) = lines.next_line().expect("reading memory never fails") {
        records += 1;
        let bytes = match line {
            jsonl::Line::TooLong(n) => {
                assert!(n > last, "line numbers increase");
                last = n;
                continue;
            }
            jsonl::Line::Data(n, b) => {
                assert!(n > last, "line numbers increase");
                last = n;
                b
            }
        };
        assert!(bytes.len() as u64 <= JSONL_LINE_LIMIT && !bytes.contains(&b'\n'));
        if let Ok(page) = jsonl::parse_page(&bytes) {
            let rec = extractors()
                .0
                .extract_bytes(&page.body, page.url.as_deref(), page.charset);
            serde_json::to_string(&rec).expect("a record always serialises");
        }
    }
    records
}

/// A web archive, plain or (when it starts with the gzip magic) multi-member gzip, read to
/// its end or its first malformed record, as the CLI reads it. Returns the number of pages.
///
/// The decompressed stream is capped at 8 MiB, so a small gzip bomb is not taken for a
/// slow reader.
pub fn warc(data: &[u8]) -> usize {
    let inner: Box<dyn Read + '_> = if data.starts_with(&[0x1f, 0x8b]) {
        Box::new(flate2::read::MultiGzDecoder::new(data).take(8 << 20))
    } else {
        Box::new(data)
    };
    let mut reader = WarcReader::new(BufReader::new(inner), WARC_BODY_LIMIT);
    let mut last = None;
    let mut pages = 0;
    while let Ok(Some(page)) = reader.next_page() {
        assert!(
            last.is_none_or(|l| page.index > l),
            "record numbers increase"
        );
        last = Some(page.index);
        match &page.body {
            Ok(body) => assert!(body.len() as u64 <= WARC_BODY_LIMIT),
            Err(PageError::TooLarge(n)) => assert_eq!(*n, WARC_BODY_LIMIT),
            Err(PageError::Body(_)) => {}
        }
        pages += 1;
    }
    pages
}
