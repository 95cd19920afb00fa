//! `--resume`: finding what an earlier run already wrote, and cutting off a torn last line.

use std::collections::HashSet;
use std::fs::OpenOptions;
use std::io::{self, BufRead, BufReader, Seek, SeekFrom};
use std::path::Path;

use super::urls::{fingerprint, normalise};

/// What an earlier output file holds.
#[derive(Debug, Default)]
pub struct Done {
    /// Fingerprints of every record's `source` (as written, and normalised when a URL).
    pub sources: HashSet<u64>,
    /// Complete records found.
    pub records: u64,
    /// Bytes of a partial last line that were cut off.
    pub truncated: u64,
}

/// Reads the JSON Lines file at `path` (missing is fine) and truncates it after its last
/// complete line, so that appending to it yields whole lines only.
pub fn prepare(path: &Path) -> io::Result<Done> {
    let mut done = Done::default();
    let file = match OpenOptions::new().read(true).write(true).open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(done),
        Err(e) => return Err(e),
    };
    let len = file.metadata()?.len();
    let mut reader = BufReader::new(&file);
    let mut line = Vec::new();
    let mut good_end = 0u64;
    loop {
        line.clear();
        let n = reader.read_until(b'\n', &mut line)?;
        if n == 0 || line.last() != Some(&b'\n') {
            break;
        }
        good_end += n as u64;
        let Ok(v) = serde_json::from_slice::<serde_json::Value>(&line) else {
            tracing::warn!("{}: skipping a line that is not JSON", path.display());
            continue;
        };
        if let Some(src) = v.get("source").and_then(|s| s.as_str()) {
            done.sources.insert(fingerprint(src));
            if let Ok(u) = url::Url::parse(src) {
                done.sources.insert(fingerprint(&normalise(&u)));
            }
            done.records += 1;
        }
    }
    drop(reader);
    if good_end < len {
        done.truncated = len - good_end;
        tracing::warn!(
            "{}: cutting off a partial last line ({} bytes)",
            path.display(),
            done.truncated
        );
        file.set_len(good_end)?;
        (&file).seek(SeekFrom::End(0))?;
        file.sync_all()?;
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn torn_line_is_cut() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.jsonl");
        std::fs::write(
            &p,
            "{\"source\":\"http://A.test/1#x\"}\n{\"source\":\"http://a.te",
        )
        .unwrap();
        let d = prepare(&p).unwrap();
        assert_eq!(d.records, 1);
        assert!(d.truncated > 0);
        assert!(d.sources.contains(&fingerprint("http://a.test/1")));
        assert_eq!(
            std::fs::read_to_string(&p).unwrap(),
            "{\"source\":\"http://A.test/1#x\"}\n"
        );
    }
}
