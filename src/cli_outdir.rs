//! `dehusk extract -O DIR`: one file per record, named from its URL or input path.

use std::collections::HashSet;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use dehusk::{Format, Record, RecordWriter};
use sha2::{Digest, Sha256};

/// Longest file stem written, in bytes, leaving room for a hash suffix and the extension.
const MAX_STEM: usize = 120;

/// Writes each record to its own file in a directory, atomically.
pub struct OutDir {
    dir: PathBuf,
    format: Format,
    front_matter: bool,
    /// Stems given out in this run, compared case-insensitively (as some file systems do).
    used: HashSet<String>,
}

impl OutDir {
    /// Creates `dir` when missing.
    pub fn new(dir: &Path, format: Format, front_matter: bool) -> io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        Ok(OutDir {
            dir: dir.to_path_buf(),
            format,
            front_matter,
            used: HashSet::new(),
        })
    }

    /// Writes `rec` to `DIR/NAME.EXT` under a temporary name, then renames it into place, so a
    /// file is either complete or absent. Returns the path written.
    pub fn write(&mut self, rec: &Record) -> io::Result<PathBuf> {
        let stem = self.unique_stem(rec);
        let path = self.dir.join(format!("{stem}.{}", self.format.extension()));
        let mut tmp = tempfile::Builder::new()
            .prefix(".dehusk-")
            .suffix(".part")
            .tempfile_in(&self.dir)?;
        {
            let mut out = io::BufWriter::new(tmp.as_file_mut());
            match self.format {
                // One record per file: a plain JSON object, not a line or an array.
                Format::Jsonl | Format::Json => {
                    serde_json::to_writer_pretty(&mut out, rec)?;
                    out.write_all(b"\n")?;
                }
                f => {
                    let mut w = RecordWriter::new(&mut out, f)
                        .front_matter(self.front_matter)
                        .html_document(true);
                    w.write(rec)?;
                    w.finish()?;
                }
            }
            out.flush()?;
        }
        tmp.persist(&path).map_err(|e| e.error)?;
        Ok(path)
    }

    /// The record's base name, with a short hash of its source appended when an earlier record
    /// of this run already has that name (and a counter if even that is taken). Names depend
    /// only on the records and their order, so re-runs overwrite the same files.
    fn unique_stem(&mut self, rec: &Record) -> String {
        let base = stem_for(rec);
        let mut stem = base.clone();
        if self.used.contains(&stem.to_ascii_lowercase()) {
            let digest = Sha256::digest(rec.source.as_bytes());
            let hex: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
            stem = format!("{base}-{hex}");
            let mut k = 2;
            while self.used.contains(&stem.to_ascii_lowercase()) {
                stem = format!("{base}-{hex}-{k}");
                k += 1;
            }
        }
        self.used.insert(stem.to_ascii_lowercase());
        stem
    }
}

/// The name a record's file gets before collisions: host and path of its URL (the record's
/// `url`, else a `source` that is a URL), else the input file's stem, sanitised.
pub fn stem_for(rec: &Record) -> String {
    let parsed = rec
        .url
        .as_deref()
        .and_then(|u| url::Url::parse(u).ok())
        .or_else(|| url::Url::parse(&rec.source).ok())
        .filter(|u| u.host_str().is_some());
    let raw = match parsed {
        Some(u) => {
            let mut s = u.host_str().unwrap_or("").to_string();
            s.push_str(u.path());
            if let Some(q) = u.query() {
                s.push('_');
                s.push_str(q);
            }
            s
        }
        None => {
            let name = Path::new(&rec.source)
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or(&rec.source)
                .to_string();
            let name = name.strip_suffix(".gz").unwrap_or(&name).to_string();
            match name.rsplit_once('.') {
                Some((stem, _)) if !stem.is_empty() => stem.to_string(),
                _ => name,
            }
        }
    };
    let s = sanitise(&raw);
    if s.is_empty() || s == "-" {
        "stdin".to_string()
    } else {
        s
    }
}

/// Keeps ASCII letters, digits, `.`, `-` and `_`; every other run of characters becomes one
/// `_`. Leading dots are dropped (no hidden files) and the result is cut to [`MAX_STEM`].
fn sanitise(raw: &str) -> String {
    let mut s = String::with_capacity(raw.len());
    for c in raw.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
            s.push(c);
        } else if !s.ends_with('_') {
            s.push('_');
        }
    }
    let s = s.trim_matches(|c| c == '_' || c == '.');
    let mut s = s.to_string();
    if s.len() > MAX_STEM {
        s.truncate(MAX_STEM);
        s = s.trim_end_matches(['_', '.']).to_string();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(source: &str, url: Option<&str>) -> Record {
        Record {
            source: source.into(),
            url: url.map(str::to_string),
            ..Default::default()
        }
    }

    #[test]
    fn stems_come_from_the_url_or_the_path() {
        assert_eq!(
            stem_for(&rec(
                "a.html",
                Some("https://Example.com/news/2024/story.html?id=3")
            )),
            "example.com_news_2024_story.html_id_3"
        );
        assert_eq!(stem_for(&rec("https://example.com/", None)), "example.com");
        assert_eq!(stem_for(&rec("dir/sub/page.html.gz", None)), "page");
        assert_eq!(stem_for(&rec("-", None)), "stdin");
        assert_eq!(stem_for(&rec("stdin:7", None)), "stdin_7");
        assert_eq!(stem_for(&rec("../../etc/passwd", None)), "passwd");
        assert!(
            stem_for(&rec(&format!("https://e.com/{}", "x".repeat(500)), None)).len() <= MAX_STEM
        );
    }
}
