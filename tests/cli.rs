//! The `dehusk extract` command line: inputs, output formats, `-o`, and exit codes.

use std::io::Write;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use dehusk::Record;
use flate2::write::GzEncoder;
use predicates::prelude::*;
use serde_json::Value;

/// The separator line the text and Markdown formats put between records (`output::RECORD_SEPARATOR`).
const SEP: &str = "\x0c\n";

fn dehusk() -> Command {
    Command::new(env!("CARGO_BIN_EXE_dehusk"))
}

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(format!("{name}.html"))
}

fn sample_arg(name: &str) -> String {
    sample(name).display().to_string()
}

/// A sentence from each sample's article body (see the samples' expected files).
const SEAWALL: &str = "The $48 million plan raises the existing wall by four feet over a 1.2-mile stretch and adds pump stations at Pier Street and Canal Avenue.";
const CHILLIES: &str = "Every October I face the same question: do I let the chilli plants go on the compost heap, or do I try to keep them alive until spring?";
const STADTBAHN: &str =
    "Der erste Abschnitt der Strecke soll nach heutigem Stand Ende 2029 in Betrieb gehen.";

fn parse_jsonl(stdout: &[u8]) -> Vec<Record> {
    let s = std::str::from_utf8(stdout).expect("output is UTF-8");
    assert!(s.ends_with('\n'), "JSONL output must end with a newline");
    s.lines()
        .map(|l| {
            serde_json::from_str::<Record>(l)
                .unwrap_or_else(|e| panic!("not one JSON record per line ({e}): {l:?}"))
        })
        .collect()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

#[test]
fn jsonl_one_record_per_line_in_input_order() {
    let names = ["de-news", "news-related-heavy", "blog-comments"];
    let out = dehusk()
        .arg("extract")
        .args(names.iter().map(|n| sample_arg(n)))
        .arg("-q")
        .assert()
        .success()
        .stderr("")
        .get_output()
        .stdout
        .clone();
    let recs = parse_jsonl(&out);
    assert_eq!(recs.len(), 3);
    for (rec, name) in recs.iter().zip(names) {
        assert_eq!(
            rec.source,
            sample_arg(name),
            "records must follow input order"
        );
        assert!(rec.error.is_none(), "{name}: {:?}", rec.error);
    }
    assert!(recs[0].text.contains(STADTBAHN));
    assert!(recs[1].text.contains(SEAWALL));
    assert!(recs[2].text.contains(CHILLIES));
}

#[test]
fn jsonl_order_holds_with_many_parallel_inputs() {
    // More inputs than threads, in a deliberately unsorted order.
    let names = [
        "news-related-heavy",
        "blog-comments",
        "de-news",
        "chrome-overlays",
        "jsonld-metadata",
        "de-news",
        "news-related-heavy",
        "no-comments-yet",
    ];
    let out = dehusk()
        .arg("extract")
        .args(names.iter().map(|n| sample_arg(n)))
        .args(["-j", "2", "-q"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let sources: Vec<String> = parse_jsonl(&out).into_iter().map(|r| r.source).collect();
    let want: Vec<String> = names.iter().map(|n| sample_arg(n)).collect();
    assert_eq!(sources, want);
}

#[test]
fn summary_goes_to_stderr_unless_quiet() {
    dehusk()
        .arg("extract")
        .arg(sample_arg("de-news"))
        .assert()
        .success()
        .stderr(predicate::str::contains("1 input(s), 1 ok, 0 failed"));
}

#[test]
fn directory_is_walked_recursively_including_gz() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("b/deeper")).unwrap();
    std::fs::copy(sample("de-news"), root.join("a.html")).unwrap();
    std::fs::copy(sample("news-related-heavy"), root.join("b/page.htm")).unwrap();
    let blog = std::fs::read(sample("blog-comments")).unwrap();
    std::fs::write(root.join("b/deeper/c.html.gz"), gzip(&blog)).unwrap();
    // Not pages: skipped by the walk.
    std::fs::write(root.join("notes.txt"), "not a page").unwrap();
    std::fs::write(root.join("b/style.css"), "body { color: red }").unwrap();

    let out = dehusk()
        .arg("extract")
        .arg(root)
        .arg("-q")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let recs = parse_jsonl(&out);
    let sources: Vec<&str> = recs.iter().map(|r| r.source.as_str()).collect();
    assert_eq!(
        sources.len(),
        3,
        "expected exactly the three pages, got {sources:?}"
    );
    assert!(sources[0].ends_with("a.html"), "{sources:?}");
    assert!(sources[1].ends_with("c.html.gz"), "{sources:?}");
    assert!(sources[2].ends_with("page.htm"), "{sources:?}");
    assert!(recs[0].text.contains(STADTBAHN));
    assert!(
        recs[1].text.contains(CHILLIES),
        "the gzipped page is decompressed"
    );
    assert!(recs[2].text.contains(SEAWALL));
}

#[test]
fn dash_reads_stdin() {
    let html = std::fs::read(sample("news-related-heavy")).unwrap();
    let out = dehusk()
        .args(["extract", "-", "-q", "--url"])
        .arg("https://www.harborcitytribune.com/news/2026/03/12/council-approves-seawall-plan/")
        .write_stdin(html)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let recs = parse_jsonl(&out);
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0].source, "-");
    assert!(recs[0].text.contains(SEAWALL));
    assert!(recs[0]
        .related
        .iter()
        .any(|l| l.url
            == "https://www.harborcitytribune.com/opinion/2026/02/20/seawall-is-not-enough/"));
}

#[test]
fn stdin_and_files_mix_in_order() {
    let html = std::fs::read(sample("blog-comments")).unwrap();
    let out = dehusk()
        .arg("extract")
        .arg(sample_arg("de-news"))
        .arg("-")
        .arg("-q")
        .write_stdin(html)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let recs = parse_jsonl(&out);
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[1].source, "-");
    assert!(recs[1].text.contains(CHILLIES));
}

#[test]
fn format_json_is_one_array() {
    let out = dehusk()
        .arg("extract")
        .arg(sample_arg("de-news"))
        .arg(sample_arg("blog-comments"))
        .args(["--format", "json", "-q"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).expect("the whole output is one JSON document");
    let arr = v.as_array().expect("a JSON array");
    assert_eq!(arr.len(), 2);
    let recs: Vec<Record> = serde_json::from_value(v).unwrap();
    assert!(recs[0].text.contains(STADTBAHN));
    assert!(recs[1].text.contains(CHILLIES));
}

#[test]
fn format_json_with_no_records_is_an_empty_array() {
    let dir = tempfile::tempdir().unwrap();
    let out = dehusk()
        .arg("extract")
        .arg(dir.path())
        .args(["-f", "json", "-q"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v, Value::Array(vec![]));
}

#[test]
fn format_text_separates_records_with_a_form_feed_line() {
    let out = dehusk()
        .arg("extract")
        .arg(sample_arg("de-news"))
        .arg(sample_arg("news-related-heavy"))
        .args(["--format", "text", "-q"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let s = String::from_utf8(out).unwrap();
    let parts: Vec<&str> = s.split(SEP).collect();
    assert_eq!(
        parts.len(),
        2,
        "one separator line between two records: {s:?}"
    );
    assert!(parts[0].contains(STADTBAHN));
    assert!(parts[1].contains(SEAWALL));
    assert!(!parts[0].contains(SEAWALL));
    assert!(!s.contains("{\""), "text output holds no JSON");
    assert!(!s.starts_with('\x0c') && !s.trim_end().ends_with('\x0c'));
}

#[test]
fn format_markdown_has_title_headings_and_separator() {
    let out = dehusk()
        .arg("extract")
        .arg(sample_arg("tech-rich-content"))
        .arg(sample_arg("de-news"))
        .args(["--format", "markdown", "-q"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let s = String::from_utf8(out).unwrap();
    let parts: Vec<&str> = s.split(SEP).collect();
    assert_eq!(parts.len(), 2, "{s:?}");
    assert!(
        parts[0].starts_with("# Benchmarking three JSON parsers in Rust\n"),
        "{}",
        parts[0]
    );
    assert!(parts[0].contains("```"), "code block fenced: {}", parts[0]);
    assert!(parts[0].contains("| --- |"), "table rendered: {}", parts[0]);
    assert!(parts[1].starts_with("# Stadtbahnlinie nach Dietenbach wird teurer als geplant\n"));
    assert!(parts[1].contains(STADTBAHN));
}

#[test]
fn output_file_is_written_and_no_part_file_is_left() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.jsonl");
    dehusk()
        .arg("extract")
        .arg(sample_arg("de-news"))
        .arg(sample_arg("blog-comments"))
        .arg("-o")
        .arg(&target)
        .arg("-q")
        .assert()
        .success()
        .stdout("");
    let recs = parse_jsonl(&std::fs::read(&target).unwrap());
    assert_eq!(recs.len(), 2);
    assert!(recs[0].text.contains(STADTBAHN));
    assert_no_part_files(dir.path());
}

#[test]
fn output_file_replaces_an_existing_file() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.txt");
    std::fs::write(&target, "old contents that must disappear\n").unwrap();
    dehusk()
        .arg("extract")
        .arg(sample_arg("de-news"))
        .args(["-f", "text", "-q", "-o"])
        .arg(&target)
        .assert()
        .success();
    let s = std::fs::read_to_string(&target).unwrap();
    assert!(s.contains(STADTBAHN));
    assert!(!s.contains("old contents"));
    assert_no_part_files(dir.path());
}

fn assert_no_part_files(dir: &Path) {
    let leftovers: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".dehusk-") || n.ends_with(".part"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary files left behind: {leftovers:?}"
    );
}

#[test]
fn exit_code_1_when_an_input_fails_and_the_rest_are_still_written() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("does-not-exist.html");
    let out = dehusk()
        .arg("extract")
        .arg(sample_arg("de-news"))
        .arg(&missing)
        .arg(sample_arg("blog-comments"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("3 input(s), 2 ok, 1 failed"))
        .get_output()
        .stdout
        .clone();
    let recs = parse_jsonl(&out);
    assert_eq!(recs.len(), 3);
    assert!(recs[0].text.contains(STADTBAHN));
    assert_eq!(recs[1].source, missing.display().to_string());
    assert_eq!(recs[1].error.as_ref().map(|e| e.kind.as_str()), Some("io"));
    assert!(recs[2].text.contains(CHILLIES));
}

#[test]
fn exit_code_1_with_output_file_still_writes_the_good_records() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.jsonl");
    let empty = dir.path().join("empty.html");
    std::fs::write(&empty, "").unwrap();
    dehusk()
        .arg("extract")
        .arg(&empty)
        .arg(sample_arg("de-news"))
        .arg("-q")
        .arg("-o")
        .arg(&target)
        .assert()
        .code(1);
    let recs = parse_jsonl(&std::fs::read(&target).unwrap());
    assert_eq!(recs.len(), 2);
    assert!(recs[0].error.is_some());
    assert!(recs[1].text.contains(STADTBAHN));
    assert_no_part_files(dir.path());
}

#[test]
fn articles_only_flag_makes_non_articles_errors() {
    let out = dehusk()
        .arg("extract")
        .arg(sample_arg("listing-index"))
        .arg(sample_arg("de-news"))
        .args(["--articles-only", "-q"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let recs = parse_jsonl(&out);
    assert_eq!(
        recs[0].error.as_ref().map(|e| e.kind.as_str()),
        Some("not_article")
    );
    assert!(recs[1].error.is_none());
}

#[test]
fn max_bytes_refuses_larger_inputs() {
    let out = dehusk()
        .arg("extract")
        .arg(sample_arg("de-news"))
        .args(["--max-bytes", "100", "-q"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let recs = parse_jsonl(&out);
    assert_eq!(
        recs[0].error.as_ref().map(|e| e.kind.as_str()),
        Some("too_large")
    );
}

#[test]
fn exit_code_2_for_an_unknown_flag() {
    dehusk()
        .arg("extract")
        .arg(sample_arg("de-news"))
        .arg("--no-such-flag")
        .assert()
        .code(2)
        .stdout("");
}

#[test]
fn exit_code_2_for_url_with_two_inputs() {
    dehusk()
        .arg("extract")
        .arg(sample_arg("de-news"))
        .arg(sample_arg("blog-comments"))
        .args(["--url", "https://example.com/a"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("--url"));
}

#[test]
fn exit_code_2_for_usage_errors() {
    // No inputs at all.
    dehusk().arg("extract").assert().code(2).stdout("");
    // An unknown format.
    dehusk()
        .arg("extract")
        .arg(sample_arg("de-news"))
        .args(["--format", "yaml"])
        .assert()
        .code(2)
        .stdout("");
    // An invalid URL.
    dehusk()
        .arg("extract")
        .arg(sample_arg("de-news"))
        .args(["--url", "not a url"])
        .assert()
        .code(2)
        .stdout("");
    // An unknown subcommand.
    dehusk().arg("frobnicate").assert().code(2);
}

#[test]
fn help_and_version_exit_0() {
    dehusk()
        .args(["extract", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("--articles-only"));
    dehusk().arg("--version").assert().success();
}

#[test]
fn the_bundled_samples_directory_extracts_cleanly() {
    // The README's example: every sample page, one record each, none failing.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let pages = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".html"))
        .count();
    let out = dehusk()
        .arg("extract")
        .arg(&dir)
        .arg("-q")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let recs = parse_jsonl(&out);
    assert_eq!(recs.len(), pages);
    for r in &recs {
        assert!(r.error.is_none(), "{}: {:?}", r.source, r.error);
        assert!(!r.text.is_empty(), "{}: empty text", r.source);
    }
    let mut sources: Vec<&str> = recs.iter().map(|r| r.source.as_str()).collect();
    let in_order = sources.clone();
    sources.sort();
    assert_eq!(in_order, sources, "a directory is read in sorted order");
}
