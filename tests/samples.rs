//! Runs the library extractor on every page in `samples/` and checks the record against the
//! `NAME.expected.json` beside it (the format is documented in `samples/README.md`).
//!
//! One test per sample, so that a sample exposing an extractor bug can be ignored on its own
//! while the others keep guarding.

use std::path::{Path, PathBuf};

use dehusk::input::{self, Input};
use dehusk::{Extractor, Record};
use serde_json::Value;

fn samples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples")
}

fn load_expected(name: &str) -> Value {
    let path = samples_dir().join(format!("{name}.expected.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let v: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not valid JSON: {e}", path.display()));
    assert!(v.is_object(), "{} must hold a JSON object", path.display());
    v
}

/// Extracts a sample the way the CLI does: read the bytes, then `extract_bytes` with the URL.
fn extract_sample(name: &str, ex: &Extractor, url: Option<&str>) -> Record {
    let inp = Input::File(samples_dir().join(format!("{name}.html")));
    let bytes = input::read(&inp, ex.options().max_bytes)
        .unwrap_or_else(|e| panic!("cannot read sample {name}: {e}"));
    ex.extract_bytes(&bytes, url, None)
}

fn strings(v: &Value, key: &str) -> Vec<String> {
    match v.get(key) {
        None => Vec::new(),
        Some(Value::Array(a)) => a
            .iter()
            .map(|x| {
                x.as_str()
                    .unwrap_or_else(|| panic!("{key}: expected strings, got {x}"))
                    .to_string()
            })
            .collect(),
        Some(other) => panic!("{key}: expected a list of strings, got {other}"),
    }
}

fn check_opt_str(failures: &mut Vec<String>, exp: &Value, key: &str, got: Option<&str>) {
    if let Some(want) = exp.get(key) {
        let want = want
            .as_str()
            .unwrap_or_else(|| panic!("{key}: expected a string"));
        if got != Some(want) {
            failures.push(format!("{key}: expected {want:?}, got {got:?}"));
        }
    }
}

fn count(exp: &Value, key: &str) -> Option<usize> {
    exp.get(key).map(|v| {
        v.as_u64()
            .unwrap_or_else(|| panic!("{key}: expected a number")) as usize
    })
}

/// Checks one sample and panics with every mismatch at once.
fn check_sample(name: &str) {
    let exp = load_expected(name);
    let url = exp.get("url").and_then(Value::as_str);
    let ex = Extractor::builder()
        .markdown(exp.get("markdown_contains").is_some())
        .build();
    let rec = extract_sample(name, &ex, url);
    let mut failures: Vec<String> = Vec::new();

    // The same bytes must always give the same record.
    for _ in 0..4 {
        let again = extract_sample(name, &ex, url);
        if again != rec {
            let a = serde_json::to_string(&rec).unwrap_or_default();
            let b = serde_json::to_string(&again).unwrap_or_default();
            failures.push(format!(
                "extraction is not deterministic:\n    first: {a}\n    later: {b}"
            ));
            break;
        }
    }

    if let Some(e) = &rec.error {
        failures.push(format!(
            "unexpected error record: {}: {}",
            e.kind, e.message
        ));
    }
    check_opt_str(&mut failures, &exp, "title", rec.title.as_deref());
    check_opt_str(&mut failures, &exp, "language", rec.language.as_deref());
    check_opt_str(&mut failures, &exp, "site_name", rec.site_name.as_deref());
    check_opt_str(&mut failures, &exp, "charset", rec.charset.as_deref());
    check_opt_str(
        &mut failures,
        &exp,
        "page_type",
        rec.page_type.map(|p| p.as_str()),
    );
    if exp.get("authors").is_some() {
        let want = strings(&exp, "authors");
        if rec.authors != want {
            failures.push(format!("authors: expected {want:?}, got {:?}", rec.authors));
        }
    }
    match exp.get("date") {
        None => {}
        Some(Value::Null) if rec.date.is_some() => {
            failures.push(format!("date: expected none, got {:?}", rec.date));
        }
        Some(Value::Null) => {}
        Some(Value::String(want)) => {
            let ok = match rec.date.as_deref() {
                Some(got) if want.len() == 10 => got.get(..10) == Some(want.as_str()),
                Some(got) => got == want,
                None => false,
            };
            if !ok {
                failures.push(format!("date: expected {want:?}, got {:?}", rec.date));
            }
        }
        Some(other) => panic!("date: expected a string or null, got {other}"),
    }

    for s in strings(&exp, "text_contains") {
        if !rec.text.contains(&s) {
            failures.push(format!("text lacks {s:?}"));
        }
    }
    for s in strings(&exp, "text_absent") {
        if rec.text.contains(&s) {
            failures.push(format!("text contains chrome {s:?}"));
        }
    }
    for s in strings(&exp, "text_once") {
        let n = rec.text.matches(s.as_str()).count();
        if n != 1 {
            failures.push(format!("text holds {s:?} {n} times, not once"));
        }
    }
    let md = rec.markdown.as_deref().unwrap_or("");
    for s in strings(&exp, "markdown_contains") {
        if !md.contains(&s) {
            failures.push(format!("markdown lacks {s:?}"));
        }
    }

    if let Some(min) = count(&exp, "comments_min") {
        if rec.comments.len() < min {
            failures.push(format!(
                "comments: expected at least {min}, got {}",
                rec.comments.len()
            ));
        }
    }
    if let Some(max) = count(&exp, "comments_max") {
        if rec.comments.len() > max {
            failures.push(format!(
                "comments: expected at most {max}, got {:?}",
                rec.comments
            ));
        }
    }
    for s in strings(&exp, "comment_contains") {
        if !rec.comments.iter().any(|c| c.text.contains(&s)) {
            failures.push(format!("no comment contains {s:?}"));
        }
    }
    for a in strings(&exp, "comment_authors") {
        if !rec
            .comments
            .iter()
            .any(|c| c.author.as_deref() == Some(a.as_str()))
        {
            failures.push(format!("no comment by {a:?}"));
        }
    }
    if let Some(min) = count(&exp, "related_min") {
        if rec.related.len() < min {
            failures.push(format!(
                "related: expected at least {min}, got {}",
                rec.related.len()
            ));
        }
    }
    for u in strings(&exp, "related_urls") {
        if !rec.related.iter().any(|l| l.url == u) {
            failures.push(format!("related lacks {u}"));
        }
    }

    if !failures.is_empty() {
        let dump = serde_json::to_string_pretty(&rec).unwrap_or_default();
        panic!(
            "sample {name}: {} mismatch(es):\n  - {}\n\nrecord:\n{dump}",
            failures.len(),
            failures.join("\n  - ")
        );
    }
}

/// One `#[test]` per sample; `ignore = "..."` marks a sample that exposes a known extractor bug.
macro_rules! samples {
    ($( $(#[$attr:meta])* $test:ident => $name:literal, )*) => {
        $(
            #[test]
            $(#[$attr])*
            fn $test() {
                check_sample($name);
            }
        )*

        const SAMPLES: &[&str] = &[$($name),*];
    };
}

samples! {
    news_related_heavy => "news-related-heavy",
    news_divsoup => "news-divsoup",
    blog_comments => "blog-comments",
    chrome_overlays => "chrome-overlays",
    tech_rich_content => "tech-rich-content",
    ru_cp1251 => "ru-cp1251",
    ja_shiftjis => "ja-shiftjis",
    listing_index => "listing-index",
    forum_thread => "forum-thread",
    product_page => "product-page",
    jsonld_metadata => "jsonld-metadata",
    no_metadata => "no-metadata",
    no_comments_yet => "no-comments-yet",
    de_news => "de-news",
    fr_news => "fr-news",
    docs_reference => "docs-reference",
}

/// Every page in `samples/` has an expected record and a test, and every listed sample exists.
#[test]
fn every_sample_is_listed() {
    let mut on_disk: Vec<String> = std::fs::read_dir(samples_dir())
        .expect("samples/ exists")
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter_map(|n| n.strip_suffix(".expected.json").map(str::to_string))
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = SAMPLES.iter().map(|s| s.to_string()).collect();
    listed.sort();
    assert_eq!(
        on_disk, listed,
        "samples/*.expected.json and the samples! list differ"
    );
    for name in SAMPLES {
        assert!(
            samples_dir().join(format!("{name}.html")).is_file(),
            "samples/{name}.html is missing"
        );
    }
    assert!(
        SAMPLES.len() >= 14,
        "the corpus should keep at least 14 samples"
    );
}

/// Every expected file parses and uses only documented keys (a typo would silently skip a check).
#[test]
fn expected_files_use_known_keys() {
    const KEYS: &[&str] = &[
        "url",
        "title",
        "authors",
        "date",
        "page_type",
        "language",
        "site_name",
        "charset",
        "text_contains",
        "text_absent",
        "text_once",
        "markdown_contains",
        "comments_min",
        "comments_max",
        "comment_contains",
        "comment_authors",
        "related_min",
        "related_urls",
    ];
    for name in SAMPLES {
        let exp = load_expected(name);
        for k in exp.as_object().unwrap().keys() {
            assert!(
                KEYS.contains(&k.as_str()),
                "{name}.expected.json: unknown key {k:?}"
            );
        }
        assert!(
            !strings(&exp, "text_contains").is_empty(),
            "{name}: text_contains must not be empty"
        );
        assert!(
            exp.get("page_type").is_some(),
            "{name}: page_type is required"
        );
    }
}

/// `articles_only(true)` turns the listing, forum and product samples into `not_article` errors.
#[test]
fn articles_only_rejects_non_articles() {
    let ex = Extractor::builder().articles_only(true).build();
    for name in ["listing-index", "forum-thread", "product-page"] {
        let exp = load_expected(name);
        let rec = extract_sample(name, &ex, exp.get("url").and_then(Value::as_str));
        let err = rec.error.as_ref().unwrap_or_else(|| {
            panic!(
                "{name}: expected a not_article error, got {:?}",
                rec.page_type
            )
        });
        assert_eq!(err.kind, "not_article", "{name}: {}", err.message);
    }
}

/// `articles_only(true)` keeps articles as they are.
#[test]
fn articles_only_keeps_articles() {
    let ex = Extractor::builder().articles_only(true).build();
    for name in ["news-related-heavy", "blog-comments", "de-news"] {
        let exp = load_expected(name);
        let rec = extract_sample(name, &ex, exp.get("url").and_then(Value::as_str));
        assert!(
            rec.error.is_none(),
            "{name}: unexpected error {:?}",
            rec.error
        );
        assert!(!rec.text.is_empty(), "{name}: empty text");
    }
}
