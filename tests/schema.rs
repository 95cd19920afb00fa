//! The record's JSON Schema: the checked-in file matches the Rust types, and every record the
//! library writes for the bundled samples validates against it.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use dehusk::input::{self, Input};
use dehusk::{Extractor, Record};
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn checked_in() -> String {
    let path = root().join("schema/record.schema.json");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(&checked_in()).expect("the schema is JSON");
    jsonschema::validator_for(&schema).expect("the schema is a valid JSON Schema")
}

fn assert_valid(v: &jsonschema::Validator, rec: &Record, what: &str) {
    let value = serde_json::to_value(rec).unwrap();
    let errors: Vec<String> = v.iter_errors(&value).map(|e| e.to_string()).collect();
    assert!(
        errors.is_empty(),
        "{what} does not match the schema: {errors:#?}"
    );
}

#[test]
fn checked_in_schema_matches_the_types() {
    assert_eq!(
        checked_in(),
        dehusk::record::json_schema_string(),
        "schema/record.schema.json is out of date; regenerate it with\n    \
         cargo run -- schema > schema/record.schema.json"
    );
}

#[test]
fn every_sample_record_validates() {
    let v = validator();
    let mut n = 0;
    let mut entries: Vec<_> = std::fs::read_dir(root().join("samples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    entries.sort();
    // Both renderings on, so that the optional `markdown` and `html` fields are checked too.
    let ex = Extractor::builder().markdown(true).html(true).build();
    for p in entries {
        let bytes = input::read(&Input::File(p.clone()), u64::MAX).unwrap();
        let mut rec = ex.extract_bytes(&bytes, Some("https://example.com/page"), None);
        rec.source = p.display().to_string();
        assert_eq!(rec.schema_version, dehusk::SCHEMA_VERSION);
        assert_valid(&v, &rec, &p.display().to_string());
        n += 1;
    }
    assert!(n >= 10, "expected the bundled samples, found {n}");
}

#[test]
fn error_records_validate() {
    let v = validator();
    assert_valid(
        &v,
        &Record::failed("x.html", "io", "cannot read"),
        "an error record",
    );
    let rec = Extractor::new().extract("", None);
    assert_valid(&v, &rec, "an empty-input record");
    let json = serde_json::to_value(&rec).unwrap();
    assert_eq!(json["schema_version"], dehusk::SCHEMA_VERSION);
}

#[test]
fn scrape_records_with_fetch_fields_validate() {
    let v = validator();
    let mut fr = dehusk::fetch::FetchedRecord::failed("https://example.com/", "http", "404");
    fr.http_status = Some(404);
    fr.record.fetched_at = Some("2026-11-28T22:09:22Z".into());
    fr.content_type = Some("text/html".into());
    fr.elapsed_ms = Some(12);
    let value = serde_json::to_value(&fr).unwrap();
    let errors: Vec<String> = v.iter_errors(&value).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // A wrongly typed fetch field is caught.
    let mut bad = value.clone();
    bad["http_status"] = "404".into();
    assert!(!v.is_valid(&bad));
}

#[test]
fn schema_command_prints_the_checked_in_file() {
    let out = Command::cargo_bin("dehusk")
        .unwrap()
        .arg("schema")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap(), checked_in());
}
