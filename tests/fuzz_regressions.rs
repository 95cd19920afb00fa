//! Replays every saved fuzz input in `tests/fuzz-regressions/<target>/` through the same
//! code as the fuzz target of that name (`fuzz/harness.rs`), so a fixed crash stays fixed.
//!
//! To add a crasher: copy `fuzz/artifacts/<target>/crash-…` (or `slow-unit-…`, `oom-…`)
//! into the target's directory under a name saying what it is.

#[path = "../fuzz/harness.rs"]
mod harness;

use std::path::Path;
use std::time::{Duration, Instant};

/// Runs `f` on every file of the target's directory; the files are few and small.
fn replay(target: &str, f: impl Fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz-regressions")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no inputs in {}", dir.display());
    for path in files {
        let data = std::fs::read(&path).unwrap();
        let start = Instant::now();
        f(&data);
        // Debug builds are several times slower than the fuzzed release build, hence the
        // margin over the fuzzer's one-second limit.
        let took = start.elapsed();
        assert!(
            took < Duration::from_secs(10),
            "{} took {took:?}",
            path.display()
        );
    }
}

#[test]
fn extract_inputs_give_records() {
    replay("extract", |d| {
        let refused_allowed = d.first().is_some_and(|f| f & 2 != 0);
        let rec = harness::extract(d);
        assert!(
            rec.is_some() || refused_allowed,
            "extract_bytes gave no record"
        );
    });
}

#[test]
fn charset_inputs_decode() {
    replay("charset", |d| {
        harness::charset(d);
    });
}

#[test]
fn url_list_inputs_parse() {
    replay("urls", |d| {
        harness::urls(d);
    });
}

#[test]
fn jsonl_inputs_parse() {
    replay("jsonl", |d| {
        harness::jsonl(d);
    });
}

#[test]
fn warc_inputs_read() {
    replay("warc", |d| {
        harness::warc(d);
    });
}

/// Markup whose real nesting the parser takes far deeper than a naive count of tags says:
/// each must be refused by the depth check before html5ever's quadratic tree building.
#[test]
fn deep_nesting_in_disguise_is_refused() {
    let cases = [
        // Stray end tags: the parser ignores `</b>` when no `b` is open.
        ("stray end tags", "<div></b>".repeat(20_000)),
        // `/>` self-closes only in SVG and MathML; `<div/>` opens a div.
        ("self-closed html", "<div/>".repeat(20_000)),
        // An SVG title is HTML inside: its divs nest.
        (
            "svg title",
            format!("<svg><title>{}", "<div>".repeat(20_000)),
        ),
        // An HTML tag inside SVG closes the SVG first, so `/>` stops self-closing.
        ("svg breakout", format!("<svg>{}", "<span/>".repeat(20_000))),
        // `</span>` cannot close a span across the div opened after it.
        ("blocked end tags", "<span><div></span>".repeat(10_000)),
    ];
    let ex = dehusk::Extractor::new();
    for (what, html) in cases {
        let start = Instant::now();
        let err = ex
            .try_extract(&html, None)
            .expect_err(&format!("{what}: not refused"));
        assert!(
            matches!(err, dehusk::Error::TooDeep(_)),
            "{what}: {err:?} instead of too_deep"
        );
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{what}: slow check"
        );
    }
}

/// The depth check must not refuse ordinary deep-ish markup that closes properly, nor count
/// self-closed SVG shapes.
#[test]
fn closed_and_svg_markup_passes_the_depth_check() {
    let closed = "<div><span><b>x</b></span></div>".repeat(2_000);
    let icons = format!(
        "<p>{}</p>",
        "<svg><g><path d='M0'/><circle r='1'/></g></svg>".repeat(1_000)
    );
    // Over the default limit of 5000 tags left open, all closed by their `</div>`.
    let unclosed_inline = "<div><span>x</div>".repeat(6_000);
    let ex = dehusk::Extractor::new();
    for (what, html) in [
        ("closed", closed),
        ("svg icons", icons),
        ("unclosed inline", unclosed_inline),
    ] {
        if let Err(e) = ex.try_extract(&html, None) {
            assert!(!matches!(e, dehusk::Error::TooDeep(_)), "{what}: {e:?}");
        }
    }
}
