//! `dehusk extract -O DIR`: one file per record, stable names, no collisions, no part files.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn sample(name: &str) -> String {
    let p: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(name);
    p.display().to_string()
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn run(dir: &Path, args: &[&str]) -> Option<i32> {
    Command::cargo_bin("dehusk")
        .unwrap()
        .args(["extract", "-q", "-O"])
        .arg(dir)
        .args(args)
        .output()
        .unwrap()
        .status
        .code()
}

#[test]
fn one_file_per_record_with_the_format_extension() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let a = sample("no-metadata.html");
    let b = sample("fr-news.html");
    assert_eq!(run(&out, &["-f", "markdown", &a, &b]), Some(0));
    let files = names(&out);
    assert_eq!(files.len(), 2, "{files:?}");
    assert!(files.iter().all(|f| f.ends_with(".md")), "{files:?}");
    assert!(files.iter().all(|f| !f.contains(".part")));

    // JSON files hold one record object each, with its schema version.
    let json = tmp.path().join("json");
    assert_eq!(run(&json, &["-f", "jsonl", &a, &b]), Some(0));
    for f in names(&json) {
        assert!(f.ends_with(".json"), "{f}");
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(json.join(&f)).unwrap()).unwrap();
        assert_eq!(v["schema_version"], dehusk::SCHEMA_VERSION);
    }

    // HTML files are whole documents.
    let html = tmp.path().join("html");
    assert_eq!(run(&html, &["-f", "html", &a]), Some(0));
    let f = &names(&html)[0];
    let text = std::fs::read_to_string(html.join(f)).unwrap();
    assert!(text.starts_with("<!DOCTYPE html>"), "{text}");
    assert!(text.trim_end().ends_with("</html>"));
}

#[test]
fn names_are_stable_and_never_collide() {
    let tmp = tempfile::tempdir().unwrap();
    // Two different files with the same stem in different directories.
    let d1 = tmp.path().join("one");
    let d2 = tmp.path().join("two");
    std::fs::create_dir_all(&d1).unwrap();
    std::fs::create_dir_all(&d2).unwrap();
    let page = std::fs::read(sample("no-metadata.html")).unwrap();
    std::fs::write(d1.join("page.html"), &page).unwrap();
    std::fs::write(d2.join("page.html"), &page).unwrap();
    let (p1, p2) = (
        d1.join("page.html").display().to_string(),
        d2.join("page.html").display().to_string(),
    );
    let out = tmp.path().join("out");
    assert_eq!(run(&out, &["-f", "text", &p1, &p2]), Some(0));
    let first = names(&out);
    assert_eq!(first.len(), 2, "{first:?}");
    assert!(first.contains(&"page.txt".to_string()), "{first:?}");
    assert!(first
        .iter()
        .any(|f| f.starts_with("page-") && f.ends_with(".txt")));

    // A second run writes the same names again (overwriting, not adding).
    assert_eq!(run(&out, &["-f", "text", &p1, &p2]), Some(0));
    assert_eq!(names(&out), first);
}

#[test]
fn urls_name_files_and_errors_get_files_too() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let code = Command::cargo_bin("dehusk")
        .unwrap()
        .args(["extract", "-q", "--stdin-jsonl", "-f", "csv", "-O"])
        .arg(&out)
        .write_stdin(format!(
            "{}\n{{bad\n",
            serde_json::json!({"url": "https://example.com/news/a-story?id=1", "html": "<p>Hi there, some text.</p>"})
        ))
        .output()
        .unwrap()
        .status
        .code();
    assert_eq!(code, Some(1));
    let files = names(&out);
    assert_eq!(files, ["example.com_news_a-story_id_1.csv", "stdin_2.csv"]);
    let csv = std::fs::read_to_string(out.join("stdin_2.csv")).unwrap();
    assert!(
        csv.starts_with("source,url,title"),
        "each file has its header"
    );
    assert!(csv.contains("bad_input"));
}

#[test]
fn output_dir_and_output_file_together_are_a_usage_error() {
    Command::cargo_bin("dehusk")
        .unwrap()
        .args(["extract", "-O", "d", "-o", "f", "x.html"])
        .assert()
        .code(2);
}
