//! `dehusk extract --stdin-jsonl`: JSON lines in, one record per line out, in order.

use assert_cmd::Command;
use base64::Engine as _;
use dehusk::Record;

const PAGE: &str = "<html><head><title>T</title></head><body><article><h1>Hello</h1>\
<p>This is the first paragraph of a story, long enough to count as prose, with commas, too.</p>\
<p>A second paragraph follows it, and it also reads like real article text for the scorer.</p>\
<p><a href=\"/next\">Next</a></p></article></body></html>";

fn run(stdin: String) -> (Option<i32>, Vec<Record>) {
    let out = Command::cargo_bin("dehusk")
        .unwrap()
        .args(["extract", "--stdin-jsonl", "-q"])
        .write_stdin(stdin)
        .output()
        .unwrap();
    let recs = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (out.status.code(), recs)
}

#[test]
fn one_record_per_line_in_order_with_url_as_source() {
    let b64 = base64::engine::general_purpose::STANDARD.encode(PAGE);
    let mut input = String::new();
    for i in 0..300 {
        let line = if i % 2 == 0 {
            serde_json::json!({"url": format!("https://example.com/{i}"), "html": PAGE})
        } else {
            serde_json::json!({"url": format!("https://example.com/{i}"), "html_base64": b64})
        };
        input.push_str(&line.to_string());
        input.push('\n');
    }
    let (code, recs) = run(input);
    assert_eq!(code, Some(0));
    assert_eq!(recs.len(), 300);
    for (i, r) in recs.iter().enumerate() {
        assert_eq!(r.source, format!("https://example.com/{i}"));
        assert!(r.text.contains("This is the first paragraph"), "{r:?}");
        assert!(r.error.is_none());
    }
}

#[test]
fn without_url_the_source_is_the_line_number() {
    let input = format!(
        "{}\n\n{}\n",
        serde_json::json!({"html": PAGE}),
        serde_json::json!({"html": PAGE})
    );
    let (code, recs) = run(input);
    assert_eq!(code, Some(0));
    let sources: Vec<_> = recs.iter().map(|r| r.source.as_str()).collect();
    // The blank line 2 is skipped but still counted.
    assert_eq!(sources, ["stdin:1", "stdin:3"]);
}

#[test]
fn bad_lines_become_bad_input_records_and_the_rest_go_on() {
    let input = [
        "{not json".to_string(),
        serde_json::json!({"url": "https://example.com/a"}).to_string(),
        serde_json::json!({"url": "https://example.com/b", "html_base64": "@@@"}).to_string(),
        serde_json::json!({"html": 42}).to_string(),
        serde_json::json!({"url": "https://example.com/ok", "html": PAGE}).to_string(),
    ]
    .join("\n");
    let (code, recs) = run(input);
    assert_eq!(code, Some(1));
    assert_eq!(recs.len(), 5);
    for (i, r) in recs[..4].iter().enumerate() {
        let e = r.error.as_ref().expect("an error record");
        assert_eq!(e.kind, "bad_input");
        assert!(
            e.message.contains(&format!("line {}", i + 1)),
            "{}",
            e.message
        );
    }
    assert_eq!(recs[1].source, "https://example.com/a");
    assert_eq!(recs[4].source, "https://example.com/ok");
    assert!(recs[4].error.is_none());
}

#[test]
fn inputs_and_stdin_jsonl_together_are_a_usage_error() {
    Command::cargo_bin("dehusk")
        .unwrap()
        .args(["extract", "--stdin-jsonl", "x.html"])
        .assert()
        .code(2);
}
