//! Reading saved pages: expanding paths and directories into inputs, and loading their bytes
//! (transparently gunzipping `.gz` files) under a size limit.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

pub mod jsonl;

/// One input to extract: a file, or standard input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A file on disk.
    File(PathBuf),
    /// Standard input (`-`).
    Stdin,
}

impl Input {
    /// The input as the user named it, for the record's `source`.
    pub fn source(&self) -> String {
        match self {
            Input::File(p) => p.display().to_string(),
            Input::Stdin => "-".to_string(),
        }
    }
}

/// File extensions dehusk picks up when walking a directory.
const EXTENSIONS: &[&str] = &[".html", ".htm", ".xhtml", ".warc"];

/// Whether a directory entry's name marks it as a page to extract.
pub fn is_page_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let base = lower.strip_suffix(".gz").unwrap_or(&lower);
    EXTENSIONS.iter().any(|e| base.ends_with(e))
}

/// Expands the command-line arguments: files as given, directories walked recursively in
/// sorted order for their `.html`/`.htm`/`.xhtml` pages and `.warc` archives (each also
/// gzipped), `-` as stdin.
/// A path that does not exist is returned as a file, so that reading it yields an error record.
pub fn expand(args: &[String]) -> Vec<Input> {
    let mut out = Vec::new();
    for a in args {
        if a == "-" {
            out.push(Input::Stdin);
            continue;
        }
        let p = PathBuf::from(a);
        if p.is_dir() {
            walk(&p, &mut out);
        } else {
            out.push(Input::File(p));
        }
    }
    out
}

fn walk(dir: &Path, out: &mut Vec<Input>) {
    // Iterative, so that deep trees cannot overflow the stack.
    let mut stack = vec![dir.to_path_buf()];
    let mut files = Vec::new();
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            files.push(d);
            continue;
        };
        let mut entries: Vec<_> = rd.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        entries.sort();
        for e in entries.into_iter().rev() {
            if e.is_dir() {
                stack.push(e);
            } else if e
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(is_page_name)
            {
                files.push(e);
            }
        }
    }
    files.sort();
    out.extend(files.into_iter().map(Input::File));
}

/// Reads an input's bytes, refusing more than `limit` bytes (after decompression).
pub fn read(input: &Input, limit: u64) -> Result<Vec<u8>> {
    match input {
        Input::Stdin => read_limited(io::stdin().lock(), limit, Path::new("-"), false),
        Input::File(p) => {
            let f = File::open(p).map_err(|source| Error::Io {
                path: p.clone(),
                source,
            })?;
            let gz = p
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| e.eq_ignore_ascii_case("gz"));
            if gz {
                read_limited(flate2::read::MultiGzDecoder::new(f), limit, p, true)
            } else {
                read_limited(f, limit, p, false)
            }
        }
    }
}

fn read_limited<R: Read>(r: R, limit: u64, path: &Path, gz: bool) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    let mut take = r.take(limit.saturating_add(1));
    if let Err(e) = take.read_to_end(&mut buf) {
        return Err(if gz {
            Error::Decompress(e.to_string())
        } else {
            Error::Io {
                path: path.to_path_buf(),
                source: e,
            }
        });
    }
    if buf.len() as u64 > limit {
        return Err(Error::TooLarge {
            size: buf.len() as u64,
            limit,
        });
    }
    Ok(buf)
}
