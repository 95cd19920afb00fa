//! `dehusk explain`: the HTML report of each block's fate, from the CLI and the library.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn dehusk() -> Command {
    Command::new(env!("CARGO_BIN_EXE_dehusk"))
}

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(format!("{name}.html"))
}

fn explain_stdout(args: &[&str]) -> String {
    let out = dehusk().arg("explain").args(args).assert().success();
    String::from_utf8(out.get_output().stdout.clone()).expect("report is UTF-8")
}

/// The report's blocks as (CSS fate class, header line, text), in order.
fn blocks(report: &str) -> Vec<(String, String, String)> {
    report
        .split("<div class=\"b ")
        .skip(1)
        .map(|chunk| {
            let class = chunk[..chunk.find('"').unwrap()].to_string();
            let h_start = chunk.find("<div class=\"h\">").unwrap() + "<div class=\"h\">".len();
            let h_end = h_start + chunk[h_start..].find("</div>").unwrap();
            let t_start = chunk.find("<div class=\"t\">").unwrap() + "<div class=\"t\">".len();
            let t_end = t_start + chunk[t_start..].find("</div>").unwrap();
            (
                class,
                chunk[h_start..h_end].to_string(),
                chunk[t_start..t_end].to_string(),
            )
        })
        .collect()
}

fn block_with<'a>(bs: &'a [(String, String, String)], text: &str) -> &'a (String, String, String) {
    bs.iter()
        .find(|b| b.2.contains(text))
        .unwrap_or_else(|| panic!("no block contains {text:?}"))
}

/// Well-formed, self-contained HTML5: html5ever reports no parse errors, and nothing is
/// loaded from elsewhere or scripted.
fn assert_standalone_html(report: &str) {
    assert!(report.starts_with("<!DOCTYPE html>\n"));
    assert!(report.trim_end().ends_with("</html>"));
    let doc = scraper::Html::parse_document(report);
    assert!(doc.errors.is_empty(), "HTML parse errors: {:?}", doc.errors);
    for bad in [
        "<script", "<link", "<img", "<iframe", " src=", " href=", "url(",
    ] {
        assert!(!report.contains(bad), "report contains {bad:?}");
    }
}

const SEAWALL: &str = "The $48 million plan raises the existing wall by four feet over a 1.2-mile stretch and adds pump stations at Pier Street and Canal Avenue.";

#[test]
fn news_page_report_shows_every_fate() {
    let r = explain_stdout(&[sample("news-related-heavy").to_str().unwrap()]);
    assert_standalone_html(&r);
    let bs = blocks(&r);

    let kept = block_with(&bs, SEAWALL);
    assert_eq!(kept.0, "kept");
    assert!(kept.1.contains("kept in text"), "{:?}", kept.1);

    let rel = block_with(&bs, "January storm floods hundreds of Eastshore basements");
    assert_eq!(rel.0, "related");
    assert!(rel.1.contains("moved to related"));
    assert!(rel
        .1
        .contains("decided at &lt;section.related-articles&gt;"));

    let nav = block_with(&bs, "Home › News › Local");
    assert_eq!(nav.0, "removed");
    assert!(nav.1.contains("removed: navigation"));
    assert!(nav.1.contains("&lt;div.breadcrumbs&gt;"));

    let foot = block_with(&bs, "All rights reserved.");
    assert_eq!(foot.0, "removed");
    assert!(foot.1.contains("removed: footer"));

    // Reading order: the breadcrumbs come before the article, the article before related.
    let pos = |t: &str| bs.iter().position(|b| b.2.contains(t)).unwrap();
    assert!(pos("Home › News › Local") < pos(SEAWALL));
    assert!(pos(SEAWALL) < pos("January storm floods"));

    // Page text is escaped: an apostrophe in a teaser, quotes nowhere raw in attributes.
    assert!(r.contains("A consultant&#39;s report"));

    // Summary, legend and per-reason counts.
    assert!(r.contains("<dt>Page type</dt><dd>article</dd>"));
    assert!(r.contains(
        "<dt>Title</dt><dd>Council approves $48 million seawall plan after marathon session</dd>"
    ));
    assert!(r.contains("<span class=\"sw removed\"></span>navigation</td><td class=\"n\">2</td>"));
    assert!(r.contains("<span class=\"sw related\"></span>related</td>"));
    assert!(r.contains("1,363"), "thousands separators in counts");

    // The record, pretty-printed and escaped.
    let rec = &r[r.find("<h2>Record</h2>").expect("record section")..];
    assert!(rec.contains("&quot;page_type&quot;: &quot;article&quot;"));
    assert!(rec.contains("&quot;related&quot;: ["));
    assert!(rec.contains(SEAWALL));
}

#[test]
fn comments_are_marked_as_moved_to_comments() {
    let r = explain_stdout(&[sample("blog-comments").to_str().unwrap()]);
    assert_standalone_html(&r);
    let bs = blocks(&r);
    assert!(bs
        .iter()
        .any(|b| b.0 == "comments" && b.1.contains("moved to comments")));
    let kept = block_with(
        &bs,
        "Every October I face the same question: do I let the chilli plants go on the compost heap",
    );
    assert_eq!(kept.0, "kept");
}

#[test]
fn output_file_gets_the_report_and_stdout_stays_empty() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.html");
    let page = sample("news-related-heavy");
    dehusk()
        .arg("explain")
        .arg(&page)
        .arg("-o")
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::is_empty());
    let written = std::fs::read_to_string(&out).unwrap();
    assert_eq!(written, explain_stdout(&[page.to_str().unwrap()]));
    assert!(written.contains("moved to related"));
}

#[test]
fn url_and_stdin() {
    let html = "<html><head><title>Quiet street</title></head><body><article><h1>Quiet street</h1>\
        <p>Residents on the quiet street say the new crossing has made the walk to school far safer, and calmer.</p>\
        <p>The council says it will review the crossing in a year, after counting traffic again, as promised.</p>\
        </article></body></html>";
    let out = dehusk()
        .args([
            "explain",
            "-",
            "--url",
            "https://example.com/a/quiet-street",
        ])
        .write_stdin(html)
        .assert()
        .success();
    let r = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert_standalone_html(&r);
    assert!(r.contains("<dt>URL</dt><dd>https://example.com/a/quiet-street</dd>"));
    let bs = blocks(&r);
    assert_eq!(block_with(&bs, "Residents on the quiet street").0, "kept");
}

#[test]
fn long_blocks_are_truncated_with_their_length() {
    let long = "This sentence is part of a very long paragraph, and it repeats. ".repeat(20);
    let html = format!(
        "<html><body><article><h1>Long</h1><p>{long}</p><p>A short closing paragraph, with a comma, ends it.</p></article></body></html>"
    );
    let r = dehusk::explain::explain(&html, None);
    assert_standalone_html(&r);
    assert_eq!(long.trim().chars().count(), 1279);
    assert!(r.contains("1,279 chars"), "the full length is shown");
    assert!(r.contains("… ("), "truncation marker");
    let shown = &r[..r.find("<h2>Record</h2>").unwrap()];
    assert!(
        !shown.contains(long.trim()),
        "the long block is shown in full"
    );
    // The record below still has all of it.
    assert!(r.contains(long.trim()));
}

#[test]
fn hostile_markup_in_text_and_attributes_is_escaped() {
    let html = r#"<html><head><title>x</title></head><body>
        <nav class='menu "><script>alert(1)</script>'><a href="/">Home &lt;script&gt;alert(2)&lt;/script&gt;</a></nav>
        <article><h1>x</h1><p>Text with &lt;/div&gt;&lt;script&gt;alert(3)&lt;/script&gt; &amp;amp; quotes " and ' inside, long enough to be kept as prose.</p>
        <p>A second paragraph, for good measure, also long enough to count as article text here.</p></article></body></html>"#;
    let r = dehusk::explain::explain(html, None);
    assert_standalone_html(&r);
    assert!(r.contains("&lt;/div&gt;&lt;script&gt;alert(3)&lt;/script&gt; &amp;amp; quotes &quot; and &#39; inside"));
    assert!(r.contains("Home &lt;script&gt;alert(2)&lt;/script&gt;"));
}

#[test]
fn missing_page_fails_cleanly() {
    dehusk()
        .args(["explain", "/nonexistent/page.html"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("dehusk:"));
}

#[test]
fn bad_input_still_gives_a_report_with_the_error() {
    let out = dehusk()
        .args(["explain", "-"])
        .write_stdin("just some words, no markup at all")
        .assert()
        .success();
    let r = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert_standalone_html(&r);
    assert!(r.contains("<dt>Error</dt><dd>not_html:"));
    assert!(r.contains("No text blocks."));
}
