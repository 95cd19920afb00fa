//! `--format html`, `--format csv` and `--front-matter` on `dehusk extract`.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn sample(name: &str) -> String {
    let p: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(name);
    p.display().to_string()
}

fn run(args: &[&str]) -> (Option<i32>, String) {
    let out = Command::cargo_bin("dehusk")
        .unwrap()
        .args(["extract", "-q"])
        .args(args)
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8(out.stdout).unwrap())
}

#[test]
fn html_is_minimal_semantic_markup_with_absolute_links() {
    let page = sample("tech-rich-content.html");
    let (code, out) = run(&["-f", "html", "--url", "https://example.com/a/b", &page]);
    assert_eq!(code, Some(0));
    assert!(out.starts_with("<article>\n<h1>"), "{out}");
    for tag in [
        "<h2>",
        "<ul>",
        "<li>",
        "<ol>",
        "<pre><code",
        "<table>",
        "<th>",
        "<blockquote>",
    ] {
        assert!(out.contains(tag), "missing {tag} in\n{out}");
    }
    assert!(out.contains("<code>LogLine</code> struct"), "{out}");
    assert!(!out.contains("class=\"") || out.contains("class=\"language-"));
    assert!(!out.contains("<div") && !out.contains("<span") && !out.contains("style="));
    // Every link and image is absolute.
    for attr in ["href=\"", "src=\""] {
        for part in out.split(attr).skip(1) {
            assert!(part.starts_with("http"), "relative {attr}{part:.40}");
        }
    }
}

#[test]
fn html_escapes_text_and_separates_records() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.html");
    std::fs::write(
        &p,
        "<html><body><article><h1>A &lt;b&gt; &amp; c</h1><p>Text with &lt;script&gt; in it, \
         long enough to be prose, with commas, and more words to make it count.</p>\
         <p><a href=\"/rel\">a relative link</a> in a paragraph that is long enough, too.</p>\
         </article></body></html>",
    )
    .unwrap();
    let p = p.display().to_string();
    let (code, out) = run(&["-f", "html", "--url", "https://example.org/dir/", &p]);
    assert_eq!(code, Some(0));
    assert!(out.contains("&lt;script&gt;"), "{out}");
    assert!(!out.contains("<script>"));
    assert!(
        out.contains("<a href=\"https://example.org/rel\">"),
        "{out}"
    );
    let (code, out) = run(&["-f", "html", &p, &p]);
    assert_eq!(code, Some(0));
    assert_eq!(out.matches("\x0c\n").count(), 1);
    assert_eq!(out.matches("<article>").count(), 2);
}

#[test]
fn csv_has_one_header_and_one_row_per_record() {
    let (code, out) = run(&[
        "-f",
        "csv",
        &sample("jsonld-metadata.html"),
        "does-not-exist.html",
        &sample("fr-news.html"),
    ]);
    assert_eq!(code, Some(1));
    let mut rd = csv::Reader::from_reader(out.as_bytes());
    let header: Vec<String> = rd.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(header, dehusk::output::CSV_COLUMNS);
    let rows: Vec<csv::StringRecord> = rd.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(&rows[0][3], "Ingrid Solberg; Tomasz Wierzbicki");
    assert_eq!(&rows[0][6], "article");
    assert!(rows[0][8].parse::<usize>().unwrap() > 50);
    assert!(rows[0][9].contains('\n'), "text keeps its paragraphs");
    assert_eq!(&rows[0][10], "");
    assert_eq!(&rows[1][0], "does-not-exist.html");
    assert_eq!(&rows[1][10], "io");
    assert!(rows[2][2].contains("Nantes"));
}

#[test]
fn front_matter_is_valid_quoted_yaml_before_the_markdown() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.html");
    std::fs::write(
        &p,
        "<html><head><title>Colon: \"quotes\" # and \\ backslash</title>\
         <meta name=author content=\"O'Brien: Jr\"></head><body><article>\
         <h1>Colon: \"quotes\" # and \\ backslash</h1><p>A paragraph that is long enough to be \
         prose, with commas, and more words, so that the extractor keeps it.</p></article></body></html>",
    )
    .unwrap();
    let (code, out) = run(&["-f", "markdown", "--front-matter", &p.display().to_string()]);
    assert_eq!(code, Some(0));
    let rest = out.strip_prefix("---\n").expect("starts with front matter");
    let (yaml, body) = rest.split_once("\n---\n\n").expect("closing fence");
    assert!(body.starts_with("# Colon"), "{body}");
    // Each value is a JSON string, which is valid YAML; parse it back as JSON.
    let mut title = None;
    for line in yaml.lines() {
        let (k, v) = line.split_once(": ").unwrap();
        let v: serde_json::Value =
            serde_json::from_str(v).unwrap_or_else(|e| panic!("{line}: {e}"));
        if k == "title" {
            title = v.as_str().map(str::to_string);
        }
    }
    assert_eq!(
        title.as_deref(),
        Some("Colon: \"quotes\" # and \\ backslash")
    );
}

#[test]
fn front_matter_without_markdown_is_a_usage_error() {
    let (code, _) = run(&["-f", "text", "--front-matter", &sample("fr-news.html")]);
    assert_eq!(code, Some(2));
}

#[test]
fn every_sample_renders_in_every_new_format() {
    for f in ["html", "csv"] {
        let (code, out) = run(&["-f", f, &sample("")]);
        assert_eq!(code, Some(0), "{f}");
        assert!(!out.is_empty());
    }
}
