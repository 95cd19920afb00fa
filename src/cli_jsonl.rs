//! `dehusk extract --stdin-jsonl`: pages arrive as JSON lines on stdin, one record per line.

use dehusk::{Extractor, Record};

pub use dehusk::input::jsonl::{Line, Lines};

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
    let page = match dehusk::input::jsonl::parse_page(bytes) {
        Ok(p) => p,
        Err(e) => {
            let source = e.url.unwrap_or_else(|| format!("stdin:{n}"));
            return bad(source, e.message);
        }
    };
    let source = page.url.clone().unwrap_or_else(|| format!("stdin:{n}"));
    let url = page.url.as_deref();
    let (body, charset) = (page.body, page.charset);
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
