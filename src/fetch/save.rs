//! Keeping raw pages: `NAME.html.gz` plus `NAME.url` holding the final URL, so that
//! `dehusk extract NAME.html.gz` can later re-extract the page with the right URL.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// The file stem for a page: the first 32 hex digits (128 bits) of the SHA-256 of its
/// normalised source URL, stable across runs and collision-free in practice.
pub fn file_stem(key: &str) -> String {
    let digest = Sha256::digest(key.as_bytes());
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// The `.url` file that goes with a saved page, if the page was saved by `--save-html`.
pub fn url_file_for(page: &Path) -> Option<PathBuf> {
    let name = page.file_name()?.to_str()?;
    let stem = name
        .strip_suffix(".html.gz")
        .or_else(|| name.strip_suffix(".html"))?;
    let p = page.with_file_name(format!("{stem}.url"));
    p.is_file().then_some(p)
}

/// Reads the URL saved next to `page`, if any.
pub fn saved_url(page: &Path) -> Option<String> {
    let s = fs::read_to_string(url_file_for(page)?).ok()?;
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

/// Writes `body` gzipped as `DIR/STEM.html.gz` and `url` to `DIR/STEM.url`, each through a
/// temporary file and a rename so a crash never leaves a half-written page.
pub fn save_html(dir: &Path, key: &str, url: &str, body: &[u8]) -> io::Result<PathBuf> {
    fs::create_dir_all(dir)?;
    let stem = file_stem(key);
    let page = dir.join(format!("{stem}.html.gz"));
    let mut gz = flate2::write::GzEncoder::new(
        Vec::with_capacity(body.len() / 4),
        flate2::Compression::default(),
    );
    gz.write_all(body)?;
    write_atomic(dir, &page, &gz.finish()?)?;
    write_atomic(
        dir,
        &dir.join(format!("{stem}.url")),
        format!("{url}\n").as_bytes(),
    )?;
    Ok(page)
}

fn write_atomic(dir: &Path, path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut tmp = tempfile::Builder::new()
        .prefix(".dehusk-")
        .suffix(".part")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_pages_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let page = save_html(
            dir.path(),
            "http://a.test/x",
            "http://a.test/y",
            b"<p>hi</p>",
        )
        .unwrap();
        assert!(page.to_str().unwrap().ends_with(".html.gz"));
        assert_eq!(saved_url(&page).as_deref(), Some("http://a.test/y"));
        assert_eq!(file_stem("http://a.test/x").len(), 32);
        assert_ne!(file_stem("http://a.test/x"), file_stem("http://a.test/z"));
    }
}
