//! The serialize stage: records out as JSON Lines, one JSON array, plain text, Markdown,
//! minimal HTML or CSV.

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
    /// Each article as minimal semantic HTML in an `<article>` (title as `<h1>`), separated by
    /// [`RECORD_SEPARATOR`], or as a whole HTML document with [`RecordWriter::html_document`].
    Html,
    /// One CSV row per record under a header row; the columns are [`CSV_COLUMNS`].
    Csv,
}

/// The CSV format's columns, in order. `authors` are joined with `"; "`, `word_count` counts
/// whitespace-separated words of `text`, and `error_kind` is empty for good records.
pub const CSV_COLUMNS: [&str; 11] = [
    "source",
    "url",
    "title",
    "authors",
    "date",
    "language",
    "page_type",
    "confidence",
    "word_count",
    "text",
    "error_kind",
];

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
            "html" => Ok(Format::Html),
            "csv" => Ok(Format::Csv),
            other => Err(format!(
                "unknown format {other:?} (expected jsonl, json, text, markdown, html or csv)"
            )),
        }
    }
}

impl Format {
    /// Whether records in this format need the Markdown rendering.
    pub fn needs_markdown(self) -> bool {
        self == Format::Markdown
    }

    /// Whether records in this format need the HTML rendering.
    pub fn needs_html(self) -> bool {
        self == Format::Html
    }

    /// The file extension for one record written in this format (without the dot).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Jsonl | Format::Json => "json",
            Format::Text => "txt",
            Format::Markdown => "md",
            Format::Html => "html",
            Format::Csv => "csv",
        }
    }
}

/// Streams records to a writer in one format, one whole record at a time.
pub struct RecordWriter<W: Write> {
    out: W,
    format: Format,
    count: usize,
    front_matter: bool,
    html_document: bool,
}

impl<W: Write> RecordWriter<W> {
    /// Starts writing `format` to `out`.
    pub fn new(out: W, format: Format) -> Self {
        RecordWriter {
            out,
            format,
            count: 0,
            front_matter: false,
            html_document: false,
        }
    }

    /// Starts Markdown records with YAML front matter holding the metadata.
    pub fn front_matter(mut self, yes: bool) -> Self {
        self.front_matter = yes;
        self
    }

    /// Writes HTML records as whole documents (for one record per file) instead of
    /// `<article>` fragments.
    pub fn html_document(mut self, yes: bool) -> Self {
        self.html_document = yes;
        self
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
                    if self.front_matter {
                        write_front_matter(&mut buf, rec)?;
                    }
                    if let Some(t) = &rec.title {
                        writeln!(buf, "# {t}\n")?;
                    }
                    let body = rec.markdown.as_deref().unwrap_or(&rec.text);
                    buf.extend_from_slice(body.as_bytes());
                    buf.push(b'\n');
                }
            }
            Format::Html => {
                if self.count > 0 {
                    buf.extend_from_slice(RECORD_SEPARATOR.as_bytes());
                    buf.push(b'\n');
                }
                write_html(&mut buf, rec, self.html_document)?;
            }
            Format::Csv => {
                let mut w = csv::WriterBuilder::new()
                    .has_headers(false)
                    .from_writer(&mut buf);
                if self.count == 0 {
                    w.write_record(CSV_COLUMNS).map_err(io::Error::other)?;
                }
                w.write_record(csv_row(rec)).map_err(io::Error::other)?;
                w.flush()?;
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

/// Writes `---`-fenced YAML front matter. Every string is written as a double-quoted JSON
/// string, which is also a valid YAML scalar, so no value can break the YAML.
fn write_front_matter(buf: &mut Vec<u8>, rec: &Record) -> io::Result<()> {
    let q = |s: &str| serde_json::to_string(s).expect("a string always serialises");
    buf.extend_from_slice(b"---\n");
    let fields: [(&str, Option<&String>); 8] = [
        ("title", rec.title.as_ref()),
        ("url", rec.url.as_ref()),
        ("date", rec.date.as_ref()),
        ("modified", rec.modified.as_ref()),
        ("site_name", rec.site_name.as_ref()),
        ("language", rec.language.as_ref()),
        ("description", rec.description.as_ref()),
        ("image", rec.image.as_ref()),
    ];
    writeln!(buf, "source: {}", q(&rec.source))?;
    for (k, v) in fields {
        if let Some(v) = v {
            writeln!(buf, "{k}: {}", q(v))?;
        }
    }
    for (k, list) in [("authors", &rec.authors), ("tags", &rec.tags)] {
        if !list.is_empty() {
            let items: Vec<String> = list.iter().map(|s| q(s)).collect();
            writeln!(buf, "{k}: [{}]", items.join(", "))?;
        }
    }
    if let Some(p) = rec.page_type {
        writeln!(buf, "page_type: {}", q(p.as_str()))?;
    }
    if let Some(c) = rec.confidence {
        writeln!(buf, "confidence: {c}")?;
    }
    buf.extend_from_slice(b"---\n\n");
    Ok(())
}

/// Writes one record as HTML: an `<article>` fragment, or a whole document.
fn write_html(buf: &mut Vec<u8>, rec: &Record, document: bool) -> io::Result<()> {
    use crate::extract::render::escape_html as esc;
    if document {
        buf.extend_from_slice(b"<!DOCTYPE html>\n");
        match &rec.language {
            Some(l) => writeln!(buf, "<html lang=\"{}\">", esc(l))?,
            None => buf.extend_from_slice(b"<html>\n"),
        }
        buf.extend_from_slice(b"<head>\n<meta charset=\"utf-8\">\n");
        let title = rec.title.as_deref().unwrap_or(&rec.source);
        writeln!(buf, "<title>{}</title>", esc(title))?;
        if let Some(u) = &rec.url {
            writeln!(buf, "<link rel=\"canonical\" href=\"{}\">", esc(u))?;
        }
        buf.extend_from_slice(b"</head>\n<body>\n");
    }
    if let Some(e) = &rec.error {
        // "--" may not appear inside an HTML comment.
        let msg = format!("error {}: {}: {}", rec.source, e.kind, e.message).replace("--", "- -");
        writeln!(buf, "<!-- {msg} -->")?;
    } else {
        buf.extend_from_slice(b"<article>\n");
        if let Some(t) = &rec.title {
            writeln!(buf, "<h1>{}</h1>", esc(t))?;
        }
        match &rec.html {
            Some(h) => {
                buf.extend_from_slice(h.as_bytes());
                buf.push(b'\n');
            }
            // Without the HTML rendering, the plain text's paragraphs stand in.
            None => {
                for p in rec.text.split("\n\n").filter(|p| !p.trim().is_empty()) {
                    writeln!(buf, "<p>{}</p>", esc(p.trim()).replace('\n', "<br>"))?;
                }
            }
        }
        buf.extend_from_slice(b"</article>\n");
    }
    if document {
        buf.extend_from_slice(b"</body>\n</html>\n");
    }
    Ok(())
}

/// One CSV row in [`CSV_COLUMNS`] order.
fn csv_row(rec: &Record) -> [String; 11] {
    let s = |o: &Option<String>| o.clone().unwrap_or_default();
    [
        rec.source.clone(),
        s(&rec.url),
        s(&rec.title),
        rec.authors.join("; "),
        s(&rec.date),
        s(&rec.language),
        rec.page_type
            .map(|p| p.as_str().to_string())
            .unwrap_or_default(),
        rec.confidence.map(|c| c.to_string()).unwrap_or_default(),
        rec.text.split_whitespace().count().to_string(),
        rec.text.clone(),
        rec.error
            .as_ref()
            .map(|e| e.kind.clone())
            .unwrap_or_default(),
    ]
}
