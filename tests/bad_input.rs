//! Hostile and broken inputs: each must give a record (an error, or an empty article) without
//! a panic or a stack overflow, and must not stop the good inputs next to it from being written.
//!
//! Big inputs are generated into temporary directories; nothing large is committed.

use std::io::Write;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use dehusk::input::{self, Input};
use dehusk::{Extractor, Record};
use tempfile::TempDir;

const GOOD_SENTENCE: &str =
    "Der erste Abschnitt der Strecke soll nach heutigem Stand Ende 2029 in Betrieb gehen.";

fn good_sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/de-news.html")
}

/// Extracts a file as the CLI does: read (gunzipping `.gz`, under the size limit), then decode
/// and extract; a read failure becomes an error record.
fn extract_file(ex: &Extractor, path: &Path) -> Record {
    let inp = Input::File(path.to_path_buf());
    let mut rec = match input::read(&inp, ex.options().max_bytes) {
        Ok(bytes) => ex.extract_bytes(&bytes, None, None),
        Err(e) => Record::failed("", e.kind(), e.to_string()),
    };
    rec.source = inp.source();
    rec
}

/// The outcome every bad input must have: an error record, or an article with no text.
fn assert_error_or_empty(rec: &Record, what: &str) {
    assert!(
        rec.error.is_some() || rec.text.trim().is_empty(),
        "{what}: expected an error or an empty article, got {}",
        serde_json::to_string(rec).unwrap()
    );
}

fn error_kind(rec: &Record) -> Option<&str> {
    rec.error.as_ref().map(|e| e.kind.as_str())
}

fn write(dir: &TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// A small but valid PNG (signature, IHDR, an IDAT of zeros, IEND), CRCs included.
fn png_bytes() -> Vec<u8> {
    fn crc32(data: &[u8]) -> u32 {
        let mut c = 0xFFFF_FFFFu32;
        for &b in data {
            c ^= b as u32;
            for _ in 0..8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
        }
        !c
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32(&body).to_be_bytes());
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&16u32.to_be_bytes());
    ihdr.extend_from_slice(&16u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &ihdr);
    let raw = vec![0u8; 16 * (1 + 16 * 3)];
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(&raw).unwrap();
    chunk(&mut png, b"IDAT", &z.finish().unwrap());
    chunk(&mut png, b"IEND", &[]);
    png
}

/// Pseudo-random bytes (a fixed xorshift, so failures reproduce), NULs and control bytes included.
fn binary_bytes(n: usize) -> Vec<u8> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// Bytes that are invalid UTF-8 throughout (lone continuation bytes, bad lead bytes, 0xFF/0xFE).
fn invalid_utf8_bytes() -> Vec<u8> {
    [
        0xC3, 0x28, 0xFF, 0xFE, 0x80, 0xA0, 0xE2, 0x28, 0xA1, 0xF0, 0x28, 0x8C, 0xBC,
    ]
    .repeat(500)
}

/// A gzip of a real page, cut off halfway.
fn truncated_gzip() -> Vec<u8> {
    let page = std::fs::read(good_sample()).unwrap();
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(&page).unwrap();
    let gz = enc.finish().unwrap();
    gz[..gz.len() / 2].to_vec()
}

/// About `size` bytes of plausible HTML, streamed to disk.
fn write_big_html(path: &Path, size: usize) {
    let f = std::fs::File::create(path).unwrap();
    let mut w = std::io::BufWriter::new(f);
    w.write_all(b"<html><head><title>Big</title></head><body>\n")
        .unwrap();
    let mut written = 0usize;
    let mut i = 0usize;
    while written < size {
        let item = format!(
            "<div class=\"item\"><h2>Heading number {i}</h2><p>Paragraph {i} of a very large page, with enough words and commas, to look like prose.</p></div>\n"
        );
        w.write_all(item.as_bytes()).unwrap();
        written += item.len();
        i += 1;
    }
    w.write_all(b"</body></html>\n").unwrap();
    w.flush().unwrap();
}

fn nested_divs(depth: usize) -> String {
    let mut s = String::with_capacity(depth * 11 + 64);
    s.push_str("<!DOCTYPE html><html><body>");
    for _ in 0..depth {
        s.push_str("<div>");
    }
    s.push_str("deep text");
    for _ in 0..depth {
        s.push_str("</div>");
    }
    s.push_str("</body></html>");
    s
}

#[test]
fn empty_file() {
    let dir = tempfile::tempdir().unwrap();
    let ex = Extractor::new();
    for (name, bytes) in [
        ("empty.html", &b""[..]),
        ("blank.html", &b"  \n\t\r\n  "[..]),
    ] {
        let rec = extract_file(&ex, &write(&dir, name, bytes));
        assert_eq!(error_kind(&rec), Some("empty"), "{name}");
    }
}

#[test]
fn binary_file() {
    let dir = tempfile::tempdir().unwrap();
    let rec = extract_file(
        &Extractor::new(),
        &write(&dir, "blob.html", &binary_bytes(20_000)),
    );
    assert_error_or_empty(&rec, "binary");
    assert_eq!(error_kind(&rec), Some("not_html"));
}

#[test]
fn png_named_html() {
    let dir = tempfile::tempdir().unwrap();
    let rec = extract_file(&Extractor::new(), &write(&dir, "photo.html", &png_bytes()));
    assert_eq!(error_kind(&rec), Some("not_html"));
    assert!(rec.error.unwrap().message.contains("PNG"));
}

#[test]
fn truncated_gzip_page() {
    let dir = tempfile::tempdir().unwrap();
    let rec = extract_file(
        &Extractor::new(),
        &write(&dir, "cut.html.gz", &truncated_gzip()),
    );
    assert_eq!(error_kind(&rec), Some("decompress"), "{:?}", rec.error);
    assert_eq!(
        rec.source,
        dir.path().join("cut.html.gz").display().to_string()
    );
}

#[test]
fn gzip_that_is_not_gzip() {
    let dir = tempfile::tempdir().unwrap();
    let rec = extract_file(
        &Extractor::new(),
        &write(
            &dir,
            "plain.html.gz",
            b"<html><body><p>not compressed</p></body></html>",
        ),
    );
    assert_eq!(error_kind(&rec), Some("decompress"), "{:?}", rec.error);
}

#[test]
fn invalid_utf8_without_markup() {
    let dir = tempfile::tempdir().unwrap();
    let rec = extract_file(
        &Extractor::new(),
        &write(&dir, "garbage.html", &invalid_utf8_bytes()),
    );
    assert_error_or_empty(&rec, "invalid UTF-8");
}

#[test]
fn invalid_utf8_inside_a_utf8_page_is_decoded_lossily() {
    let dir = tempfile::tempdir().unwrap();
    let page = b"<html><head><meta charset=\"utf-8\"><title>Menu</title></head><body><article>\
        <p>Caf\xe9 \xff\xfe cr\xe8me br\xfbl\xe9e \xc3\x28 and then the rest of the paragraph, \
        which says that the menu changes every week and the kitchen closes at ten.</p></article></body></html>";
    let rec = extract_file(&Extractor::new(), &write(&dir, "mixed.html", page));
    assert!(rec.error.is_none(), "{:?}", rec.error);
    assert!(
        rec.text
            .contains("the menu changes every week and the kitchen closes at ten."),
        "{:?}",
        rec.text
    );
    assert!(std::str::from_utf8(rec.text.as_bytes()).is_ok());
}

#[test]
fn fifty_megabytes_of_html_is_refused_by_the_default_limit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.html");
    write_big_html(&path, 50 * 1024 * 1024);
    assert!(std::fs::metadata(&path).unwrap().len() >= 50 * 1024 * 1024);
    let rec = extract_file(&Extractor::new(), &path);
    assert_eq!(error_kind(&rec), Some("too_large"), "{:?}", rec.error);
    // The same bytes handed straight to the library are refused too.
    let bytes = std::fs::read(&path).unwrap();
    let rec = Extractor::new().extract_bytes(&bytes, None, None);
    assert_eq!(error_kind(&rec), Some("too_large"));
    let html = String::from_utf8(bytes).unwrap();
    let rec = Extractor::new().extract(&html, None);
    assert_eq!(error_kind(&rec), Some("too_large"));
}

#[test]
fn fifty_megabytes_gzipped_is_refused_after_decompression() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("huge.html");
    write_big_html(&plain, 50 * 1024 * 1024);
    let gz = dir.path().join("huge.html.gz");
    {
        let mut enc = flate2::write::GzEncoder::new(
            std::fs::File::create(&gz).unwrap(),
            flate2::Compression::fast(),
        );
        std::io::copy(&mut std::fs::File::open(&plain).unwrap(), &mut enc).unwrap();
        enc.finish().unwrap();
    }
    assert!(
        std::fs::metadata(&gz).unwrap().len() < 20 * 1024 * 1024,
        "the .gz itself is under the limit"
    );
    let rec = extract_file(&Extractor::new(), &gz);
    assert_eq!(error_kind(&rec), Some("too_large"), "{:?}", rec.error);
}

/// Runs `f` on a thread with a deliberately small stack, so that any recursion over the DOM's
/// depth overflows here instead of passing by luck on a big main-thread stack.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(512 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .expect("the extractor panicked or overflowed its stack")
}

#[test]
fn good_sample_fits_the_small_stack() {
    // Control for the nesting tests below: an ordinary page needs no more than this stack.
    let rec = on_small_stack(|| extract_file(&Extractor::new(), &good_sample()));
    assert!(rec.text.contains(GOOD_SENTENCE));
}

#[test]
fn deeply_nested_divs_do_not_overflow_the_stack() {
    // 4,500 levels: under the default max_depth (5,000), so the page is parsed and walked, and
    // deep enough that a recursive walk over the DOM would overflow a 512 KiB stack.
    let rec = on_small_stack(|| Extractor::new().extract(&nested_divs(4_500), None));
    assert!(rec.error.is_none(), "{:?}", rec.error);
    assert_eq!(rec.text.trim(), "deep text");
}

#[test]
fn hundred_thousand_nested_divs() {
    let rec = on_small_stack(|| Extractor::new().extract(&nested_divs(100_000), None));
    assert_error_or_empty(&rec, "100,000 nested divs");
    assert_eq!(error_kind(&rec), Some("too_deep"), "{:?}", rec.error);
}

#[test]
fn hundred_thousand_nested_divs_from_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "nested.html", nested_divs(100_000).as_bytes());
    let rec = on_small_stack(move || extract_file(&Extractor::new(), &path));
    assert_eq!(error_kind(&rec), Some("too_deep"), "{:?}", rec.error);
}

#[test]
fn hundred_thousand_unclosed_nested_divs() {
    // Real pathological pages rarely close what they open.
    let html = format!("<html><body>{}deep text", "<div>".repeat(100_000));
    let rec = on_small_stack(move || Extractor::new().extract(&html, None));
    assert_error_or_empty(&rec, "100,000 unclosed divs");
}

#[test]
fn hundred_thousand_nested_other_containers() {
    for tag in ["details", "dl", "menu"] {
        let html = format!(
            "<html><body>{}deep text{}</body></html>",
            format!("<{tag}>").repeat(100_000),
            format!("</{tag}>").repeat(100_000)
        );
        let rec = on_small_stack(move || Extractor::new().extract(&html, None));
        assert_error_or_empty(&rec, tag);
    }
}

#[test]
fn max_nodes_refuses_a_page_with_too_many_nodes() {
    let ex = Extractor::builder().max_nodes(1_000).build();
    let rec = on_small_stack(move || ex.extract(&nested_divs(3_000), None));
    // Over 1,000 nodes: an error record of its own kind rather than a silently cut-off text.
    assert_eq!(error_kind(&rec), Some("too_many_nodes"), "{:?}", rec.error);
    assert!(!rec.text.contains("deep text"), "{:?}", rec.text);
}

/// All the bad inputs at once through the CLI, with a good page among them: every input gets a
/// record in order, the good page's record is intact, and the exit code is 1.
#[test]
fn cli_writes_the_good_record_among_bad_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let huge = dir.path().join("f-huge.html");
    write_big_html(&huge, 50 * 1024 * 1024);
    let inputs: Vec<PathBuf> = vec![
        write(&dir, "a-empty.html", b""),
        write(&dir, "b-binary.html", &binary_bytes(20_000)),
        write(&dir, "c-photo.html", &png_bytes()),
        write(&dir, "d-cut.html.gz", &truncated_gzip()),
        good_sample(),
        write(&dir, "e-garbage.html", &invalid_utf8_bytes()),
        huge,
        write(&dir, "g-nested.html", nested_divs(100_000).as_bytes()),
        dir.path().join("h-missing.html"),
    ];
    let out = Command::new(env!("CARGO_BIN_EXE_dehusk"))
        .arg("extract")
        .args(&inputs)
        .arg("-q")
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let recs: Vec<Record> = std::str::from_utf8(&out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(recs.len(), inputs.len(), "one record per input");
    for (rec, path) in recs.iter().zip(&inputs) {
        assert_eq!(
            rec.source,
            path.display().to_string(),
            "records in input order"
        );
    }
    let kinds: Vec<Option<&str>> = recs.iter().map(error_kind).collect();
    assert_eq!(kinds[0], Some("empty"));
    assert_eq!(kinds[1], Some("not_html"));
    assert_eq!(kinds[2], Some("not_html"));
    assert_eq!(kinds[3], Some("decompress"));
    assert_eq!(kinds[4], None, "the good sample");
    assert!(recs[4].text.contains(GOOD_SENTENCE));
    assert_eq!(
        recs[4].title.as_deref(),
        Some("Stadtbahnlinie nach Dietenbach wird teurer als geplant")
    );
    assert_eq!(kinds[6], Some("too_large"));
    assert_eq!(kinds[7], Some("too_deep"));
    assert_eq!(kinds[8], Some("io"));
}

/// The same through `-o`: the file is complete, and no temporary file is left behind.
#[test]
fn cli_output_file_with_bad_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.jsonl");
    Command::new(env!("CARGO_BIN_EXE_dehusk"))
        .arg("extract")
        .arg(write(&dir, "photo.html", &png_bytes()))
        .arg(good_sample())
        .arg(write(&dir, "cut.html.gz", &truncated_gzip()))
        .args(["-q", "-o"])
        .arg(&target)
        .assert()
        .code(1);
    let text = std::fs::read_to_string(&target).unwrap();
    let recs: Vec<Record> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(recs.len(), 3);
    assert!(recs[1].text.contains(GOOD_SENTENCE));
    let parts: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".part"))
        .collect();
    assert!(parts.is_empty());
}
