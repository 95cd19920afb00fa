//! The serialize stage: records out as JSON Lines, one JSON array, plain text or Markdown.

use std::io::{self, Write};
use std::str::FromStr;

use crate::record::Record;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON record per line (the default).
    Jsonl,
    /// One JSON array holding every record.
    Json,
    /// The article text of each record, records separated by [`RECORD_SEPARATOR`].
    Text,
    /// Each article as Markdown (title as `#` heading), separated by [`RECORD_SEPARATOR`].
    Markdown,
}

/// The line written between records in the text and Markdown formats: a form feed, the
/// classic page break, which never occurs in extracted text.
pub const RECORD_SEPARATOR: &str = "\x0c";

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "jsonl" | "ndjson" => Ok(Format::Jsonl),
            "json" => Ok(Format::Json),
            "text" | "txt" => Ok(Format::Text),
            "markdown" | "md" => Ok(Format::Markdown),
            other => Err(format!(
                "unknown format {other:?} (expected jsonl, json, text or markdown)"
            )),
        }
    }
}

impl Format {
    /// Whether records in this format need the Markdown rendering.
    pub fn needs_markdown(self) -> bool {
        self == Format::Markdown
    }
}

/// Streams records to a writer in one format, one whole record at a time.
pub struct RecordWriter<W: Write> {
    out: W,
    format: Format,
    count: usize,
}

impl<W: Write> RecordWriter<W> {
    /// Starts writing `format` to `out`.
    pub fn new(out: W, format: Format) -> Self {
        RecordWriter {
            out,
            format,
            count: 0,
        }
    }

    /// Writes one record. Each record is serialised to memory first, so a failure never
    /// leaves half a line behind.
    pub fn write(&mut self, rec: &Record) -> io::Result<()> {
        let mut buf = Vec::with_capacity(rec.text.len() + 512);
        match self.format {
            Format::Jsonl => {
                serde_json::to_writer(&mut buf, rec)?;
                buf.push(b'\n');
            }
            Format::Json => {
                buf.extend_from_slice(if self.count == 0 { b"[\n" } else { b",\n" });
                serde_json::to_writer(&mut buf, rec)?;
            }
            Format::Text => {
                if self.count > 0 {
                    buf.extend_from_slice(RECORD_SEPARATOR.as_bytes());
                    buf.push(b'\n');
                }
                if let Some(e) = &rec.error {
                    writeln!(buf, "[error {}: {}: {}]", rec.source, e.kind, e.message)?;
                } else {
                    buf.extend_from_slice(rec.text.as_bytes());
                    buf.push(b'\n');
                }
            }
            Format::Markdown => {
                if self.count > 0 {
                    buf.extend_from_slice(RECORD_SEPARATOR.as_bytes());
                    buf.push(b'\n');
                }
                if let Some(e) = &rec.error {
                    writeln!(
                        buf,
                        "<!-- error {}: {}: {} -->",
                        rec.source, e.kind, e.message
                    )?;
                } else {
                    if let Some(t) = &rec.title {
                        writeln!(buf, "# {t}\n")?;
                    }
                    let body = rec.markdown.as_deref().unwrap_or(&rec.text);
                    buf.extend_from_slice(body.as_bytes());
                    buf.push(b'\n');
                }
            }
        }
        self.out.write_all(&buf)?;
        self.count += 1;
        Ok(())
    }

    /// Closes the output (the JSON array's bracket) and flushes; returns the writer.
    pub fn finish(mut self) -> io::Result<W> {
        if self.format == Format::Json {
            self.out
                .write_all(if self.count == 0 { b"[]\n" } else { b"\n]\n" })?;
        }
        self.out.flush()?;
        Ok(self.out)
    }

    /// Number of records written so far.
    pub fn count(&self) -> usize {
        self.count
    }
}
