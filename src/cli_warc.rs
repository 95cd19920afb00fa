//! `dehusk extract FILE.warc[.gz]`: the HTML responses of a web archive, streamed in
//! bounded batches and extracted in parallel, written in archive order.

use std::path::Path;

use rayon::prelude::*;

use dehusk::shard::Shard;
use dehusk::warc::{PageError, WarcPage, WarcReader};
use dehusk::{Extractor, Record};

/// Pages extracted per batch.
const BATCH: usize = 256;

/// Body bytes read ahead per batch, so memory stays flat however large the archive.
const BATCH_BYTES: usize = 64 * 1024 * 1024;

/// Extracts every HTML response of the archive at `path`, handing records to `emit` in
/// batches; false when `emit` reported that the reader went away.
pub fn extract_warc(
    ex: &Extractor,
    path: &Path,
    shard: Option<Shard>,
    emit: &mut dyn FnMut(&[Record]) -> anyhow::Result<bool>,
) -> anyhow::Result<bool> {
    let file = path.display().to_string();
    let mut reader = match WarcReader::open(path, ex.options().max_bytes) {
        Ok(r) => r,
        Err(e) => {
            let rec = Record::failed(file.clone(), "io", format!("cannot read {file}: {e}"));
            return emit(&[rec]);
        }
    };
    loop {
        let mut batch: Vec<WarcPage> = Vec::with_capacity(BATCH);
        let mut bytes = 0usize;
        let mut end = false;
        let mut failure = None;
        while batch.len() < BATCH && bytes < BATCH_BYTES {
            match reader.next_page() {
                Ok(Some(p)) => {
                    let key = p.target_uri.clone().unwrap_or_else(|| file.clone());
                    if shard.is_some_and(|s| !s.contains(&key)) {
                        continue;
                    }
                    bytes += p.body.as_ref().map(Vec::len).unwrap_or(0);
                    batch.push(p);
                }
                Ok(None) => {
                    end = true;
                    break;
                }
                Err(e) => {
                    failure = Some(e);
                    break;
                }
            }
        }
        let recs: Vec<Record> = batch
            .par_iter()
            .map(|p| page_record(ex, &file, p))
            .collect();
        if !emit(&recs)? {
            return Ok(false);
        }
        if let Some(e) = failure {
            // The rest of the archive cannot be located once a record is broken.
            let rec = Record::failed(file.clone(), "warc", format!("{file}: {e}"));
            return emit(&[rec]);
        }
        if end {
            return Ok(true);
        }
    }
}

/// One page's record: `source` is `FILE#N` (N the WARC record's number), `url` the
/// `WARC-Target-URI`.
fn page_record(ex: &Extractor, file: &str, p: &WarcPage) -> Record {
    let source = format!("{file}#{}", p.index);
    let mut rec = match &p.body {
        Err(PageError::TooLarge(limit)) => Record::failed(
            "",
            "too_large",
            format!("the body is over the {limit}-byte limit"),
        ),
        Err(PageError::Body(m)) => Record::failed("", "body", m.clone()),
        Ok(body) => {
            let url = p.target_uri.as_deref();
            // A panic in one page must never take the others down with it.
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                ex.extract_bytes(body, url, p.charset.as_deref())
            }))
            .unwrap_or_else(|_| {
                Record::failed("", "internal", "the extractor panicked on this input")
            })
        }
    };
    rec.source = source;
    if p.target_uri.is_some() {
        rec.url = p.target_uri.clone();
    }
    rec.fetched_at = p.date.clone();
    rec
}
