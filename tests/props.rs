//! Property tests on generated HTML-like documents: nested block and inline tags, links,
//! tables, lists, scripts, styles, comments, entities, non-ASCII words, unclosed tags and
//! junk. Whatever the page, extraction never panics, invents no words, writes valid JSON
//! lines, and reads its own `html` output back to the same text.

use dehusk::{Extractor, Format, Record, RecordWriter};
use proptest::prelude::*;

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-z]{1,9}",
        1 => "[A-Z][a-z]{0,7}[.,;:!?]?",
        1 => "[0-9]{1,4}",
        2 => prop::sample::select(vec![
            "café", "naïve", "straße", "Привет", "мир", "日本語", "北京", "مرحبا", "שלום",
            "ελληνικά", "😀", "naïveté", "ǅemal", "İstanbul", "ﬁne", "e\u{301}", "a—b",
        ])
        .prop_map(String::from),
    ]
}

fn words() -> impl Strategy<Value = String> {
    prop::collection::vec(word(), 1..12).prop_map(|w| w.join(" "))
}

/// Leaves: prose, entities, comments, script and style bodies, void elements and junk.
fn leaf() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => words(),
        1 => prop::sample::select(vec![
            "&amp;", "&lt;", "&gt;", "&quot;", "&#233;", "&#x4e2d;", "&nbsp;", "&copy;",
            "&amp", "&bogus;", "&#0;", "&#x110000;", "& ", "&#;",
        ])
        .prop_map(String::from),
        1 => words().prop_map(|w| format!("<!-- {w} -->")),
        1 => words().prop_map(|w| format!("<script>var s = '<p>{w}</p>'; if (a < b) {{}}</script>")),
        1 => words().prop_map(|w| format!("<style>.x::before {{ content: '{w}' }}</style>")),
        1 => prop::sample::select(vec![
            "<br>", "<hr>", "<img src=\"/i.png\" alt=\"picture\">", "<", "</div>", "</p>",
            "<p", "]]>", "<!>", "<?php ?>", "</>", "<input value=x>", "\u{a0}", "\n\n",
            "<![CDATA[x]]>", "</span>", "<b>", "<li>", "<td>",
        ])
        .prop_map(String::from),
    ]
}

fn href() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "/local/page",
        "https://example.org/a?b=c&amp;d=e",
        "#top",
        "javascript:void(0)",
        "mailto:a@example.org",
        "relative/path",
        "",
    ])
}

/// A tree of elements over the leaves; some left unclosed; tables only with `tables`.
fn node(tables: bool) -> impl Strategy<Value = String> {
    leaf().prop_recursive(5, 96, 6, move |inner| {
        let kids = prop::collection::vec(inner, 0..6).prop_map(|k| k.concat());
        prop_oneof![
            (
                prop::sample::select(vec![
                    "p",
                    "div",
                    "article",
                    "nav",
                    "footer",
                    "aside",
                    "section",
                    "header",
                    "main",
                    "h1",
                    "h2",
                    "h3",
                    "span",
                    "b",
                    "em",
                    "strong",
                    "i",
                    "blockquote",
                    "pre",
                    "code",
                    "figure",
                    "figcaption",
                    "small",
                    "form",
                    "details",
                ]),
                prop::sample::select(vec![
                    "",
                    " class=\"content\"",
                    " class=\"share-buttons\"",
                    " class=\"comments\"",
                    " id=\"related\"",
                    " class=\"nav menu\"",
                    " hidden",
                    " style=\"display:none\"",
                ]),
                kids.clone(),
                prop::bool::weighted(0.9),
            )
                .prop_map(|(tag, attr, kids, closed)| {
                    let close = if closed {
                        format!("</{tag}>")
                    } else {
                        String::new()
                    };
                    format!("<{tag}{attr}>{kids}{close}")
                }),
            (href(), kids.clone()).prop_map(|(h, k)| format!("<a href=\"{h}\">{k}</a>")),
            prop::collection::vec(kids.clone(), 1..4).prop_map(|items| {
                let li: String = items.iter().map(|i| format!("<li>{i}</li>")).collect();
                format!("<ul>{li}</ul>")
            }),
            prop::collection::vec(prop::collection::vec(kids, 1..3), 1..3).prop_map(move |rows| {
                if !tables {
                    return rows.concat().concat();
                }
                let mut t = String::from("<table>");
                for r in rows {
                    t.push_str("<tr>");
                    for c in r {
                        t.push_str(&format!("<td>{c}</td>"));
                    }
                    t.push_str("</tr>");
                }
                t + "</table>"
            }),
        ]
    })
}

/// A whole document: usually with the html/head/body skeleton, sometimes bare.
fn document() -> impl Strategy<Value = String> {
    document_with(true)
}

fn document_with(tables: bool) -> impl Strategy<Value = String> {
    (
        prop::collection::vec(node(tables), 1..6),
        words(),
        prop::bool::weighted(0.8),
    )
        .prop_map(|(body, title, skeleton)| {
            let body = body.concat();
            if skeleton {
                format!(
                    "<!DOCTYPE html><html><head><title>{title}</title></head><body>{body}</body></html>"
                )
            } else {
                body
            }
        })
}

/// Inline prose: words with emphasis, code, links, entities and line breaks among them.
fn prose() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        6 => words(),
        1 => words().prop_map(|w| format!("<b>{w}</b>")),
        1 => words().prop_map(|w| format!("<em>{w}</em>")),
        1 => words().prop_map(|w| format!("<code>{w}</code>")),
        1 => (href(), words()).prop_map(|(h, w)| format!("<a href=\"{h}\">{w}</a>")),
        1 => prop::sample::select(vec!["&amp;", "&lt;", "&#233;", "&nbsp;", "<br>", "&copy;"])
            .prop_map(String::from),
    ];
    prop::collection::vec(piece, 3..10).prop_map(|p| p.join(" "))
}

/// An article-shaped page: site chrome around an `<article>` of paragraphs, lists,
/// quotes, code and subheadings, the shapes dehusk's HTML rendering writes.
fn article_document() -> impl Strategy<Value = String> {
    let block = prop_oneof![
        6 => prose().prop_map(|p| format!("<p>{p}</p>")),
        1 => words().prop_map(|w| format!("<h2>{w}</h2>")),
        1 => prop::collection::vec(prose(), 1..4).prop_map(|items| {
            let li: String = items.iter().map(|i| format!("<li>{i}</li>")).collect();
            format!("<ul>{li}</ul>")
        }),
        1 => prose().prop_map(|p| format!("<blockquote><p>{p}</p></blockquote>")),
        1 => words().prop_map(|w| format!("<pre><code>{w}\n  {w}</code></pre>")),
    ];
    (words(), prop::collection::vec(block, 2..8)).prop_map(|(title, blocks)| {
        format!(
            "<!DOCTYPE html><html><head><title>{title}</title></head><body>\
             <nav><a href=\"/\">Home</a> <a href=\"/news\">News</a></nav>\
             <article><h1>{title}</h1>{}</article>\
             <footer><p>Copyright 2026 Example News. All rights reserved.</p></footer>\
             </body></html>",
            blocks.concat()
        )
    })
}

fn extractor() -> Extractor {
    Extractor::builder().markdown(true).html(true).build()
}

/// All text of the page as a browser's DOM holds it: every text node outside scripts and
/// styles (and other elements whose content is never shown as text), concatenated without
/// separators, so that text split across inline elements (`<b>foo</b>bar`) is still found.
fn page_text(html: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    let mut out = String::new();
    for n in doc.tree.nodes() {
        let Some(t) = n.value().as_text() else {
            continue;
        };
        let hidden = n.ancestors().any(|a| {
            a.value().as_element().is_some_and(|e| {
                matches!(
                    e.name(),
                    "script" | "style" | "template" | "textarea" | "noscript"
                )
            })
        });
        if !hidden {
            out.push_str(t);
        }
    }
    out
}

/// Whitespace runs to one space, for comparing texts whose block separators differ.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn jsonl(records: &[Record]) -> String {
    let mut w = RecordWriter::new(Vec::new(), Format::Jsonl);
    for r in records {
        w.write(r).unwrap();
    }
    String::from_utf8(w.finish().unwrap()).unwrap()
}

proptest! {
    // A fixed seed: the same documents on every run, so a failure is never a fluke of the
    // draw (proptest-regressions/ replays earlier failures first). 64 cases per property
    // keep the file near 30 s in a debug build on a loaded machine; PROPTEST_CASES searches
    // deeper by hand, and PROPTEST_RNG_SEED (a number) elsewhere.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(64),
        rng_seed: proptest::test_runner::RngSeed::Fixed(
            std::env::var("PROPTEST_RNG_SEED")
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(0x0deb_05c5),
        ),
        ..ProptestConfig::default()
    })]

    /// (a) No panic, in extraction or serialization; and (c) every JSONL line is valid JSON.
    #[test]
    fn never_panics_and_writes_json_lines(doc in document()) {
        let rec = extractor().extract(&doc, Some("https://example.com/story"));
        let bare = extractor().extract(&doc, None);
        let bytes = extractor().extract_bytes(doc.as_bytes(), None, None);
        let out = jsonl(&[rec, bare, bytes]);
        let lines: Vec<&str> = out.lines().collect();
        prop_assert_eq!(lines.len(), 3);
        for l in lines {
            let v: serde_json::Value = serde_json::from_str(l)
                .map_err(|e| TestCaseError::fail(format!("{e}: {l}")))?;
            prop_assert!(v.is_object());
        }
    }

    /// (b) dehusk invents nothing: every word of `text` occurs in the page's own text.
    #[test]
    fn invents_no_words(doc in document()) {
        let rec = extractor().extract(&doc, None);
        let page = page_text(&doc);
        for w in rec.text.split_whitespace() {
            // " | " between table cells is the one separator dehusk writes itself.
            if w == "|" {
                continue;
            }
            prop_assert!(page.contains(w), "word {:?} not in the page\ntext: {:?}", w, rec.text);
        }
    }

    /// (d) Extracting dehusk's own `html` output (`-f html`) again gives the same text, on
    /// article-shaped pages.
    ///
    /// The site's menu and footer around the article sway the page-type model, so the page
    /// and its re-read (which has neither) can be typed with different certainty; what is
    /// kept inside the article must not follow from that (see `extract::analyse`). Searched
    /// by hand with PROPTEST_CASES=20000 at this seed and two others.
    #[test]
    fn html_output_reads_back_to_the_same_text(doc in article_document()) {
        let rec = extractor().extract(&doc, Some("https://example.com/story"));
        prop_assert!(rec.error.is_none());
        let again = extractor().extract(&readable(&rec), Some("https://example.com/story"));
        // Compared with whitespace squashed: the HTML rendering keeps blocks and words, but
        // blank lines between blocks may differ (a `<br>` line break against a paragraph).
        prop_assert_eq!(squash(&again.text), squash(&rec.text), "page: {}", doc);
    }

    /// (d') On any page, re-reading the `html` output invents nothing: every word of the
    /// second text is a word of the first.
    #[test]
    fn html_output_reads_back_without_new_words(doc in document()) {
        let rec = extractor().extract(&doc, None);
        prop_assume!(rec.error.is_none());
        let again = extractor().extract(&readable(&rec), None);
        let first: std::collections::HashSet<&str> = rec.text.split_whitespace().collect();
        for w in again.text.split_whitespace() {
            prop_assert!(first.contains(w) || w == "|", "word {:?} is new; text: {:?}", w, rec.text);
        }
    }
}

/// Pages that once failed (d) or (d'), each for a cause since fixed in the library.
#[test]
fn html_output_reads_back_on_pages_that_once_did_not() {
    let page = |body: &str| {
        format!(
            "<!DOCTYPE html><html><head><title>River news</title></head><body>\
             <nav><a href=\"/\">Home</a> <a href=\"/news\">News</a></nav>\
             <article><h1>River news</h1>{body}</article>\
             <footer><p>Copyright 2026 Example News. All rights reserved.</p></footer>\
             </body></html>"
        )
    };
    let prose = "<p>The river rose two metres overnight, and the town council opened the flood \
                 barriers before dawn, as it has done every winter since the new walls were \
                 built.</p>";
    let pages = [
        // A list judged with an item that pruning then dropped ("© ..."): 30% link text
        // with it, 40% without, as the re-read sees it.
        page(&format!(
            "{prose}<ul><li>Residents on the lower streets were told to move cars, and the \
             council page <a href=\"/local/page\">lists every street under a flood warning \
             tonight</a></li><li>© 2026 Example News. All rights reserved.</li></ul>{prose}"
        )),
        // A word gap inside a link's opening: `river<a>&nbsp;gauge` is two words.
        page(&format!(
            "{prose}<p>The council now publishes the river<a href=\"/local/page\">&nbsp;gauge \
             readings</a> every fifteen minutes, so that residents can see how fast the water \
             is rising.</p>"
        )),
    ];
    let url = Some("https://example.com/story");
    for doc in &pages {
        let rec = extractor().extract(doc, url);
        let again = extractor().extract(&readable(&rec), url);
        assert_eq!(squash(&again.text), squash(&rec.text), "page: {doc}");
    }
    // A same-page link is still link text on the re-read, without its target.
    let doc = page(&format!(
        "{prose}<p>Back to the <a href=\"#top\">top of the river report</a> for the gauges.</p>"
    ));
    let html = readable(&extractor().extract(&doc, url));
    assert!(html.contains("<a>top of the river report</a>"), "{html}");
    // A removed block between two inline runs once glued their words on the re-read.
    let doc = "<a href=\"/local/page\"><a href=\"/local/page\">aaaaaaaa aaaaa</a><nav></nav>a</a>";
    let rec = extractor().extract(doc, None);
    let again = extractor().extract(&readable(&rec), None);
    assert_eq!(squash(&again.text), squash(&rec.text), "page: {doc}");
    // Paragraphs that are nearly all link text, on pages the page-type model reads one way
    // with the menu and footer and another way without (the re-read). The first is an unsure
    // article (p = 0.7998) whose wider service reading once spared the paragraph, while the
    // re-read, a sure article, pruned it; the second is a sure article whose re-read is typed
    // "other", and was read differently when only articles could keep their link-heavy blocks.
    let docs = [
        "<!DOCTYPE html><html><head><title>a</title></head><body><nav><a href=\"/\">Home</a> \
         <a href=\"/news\">News</a></nav><article><h1>a</h1><h2>aaaaaaaaa ελληνικά aaaaaaa aaaa \
         aaaa Aexv Glysabln 829 upadprj</h2><p>&lt; rrqogin <a \
         href=\"https://example.org/a?b=c&amp;d=e\">7288 北京 bdemtlk café qkevih Xjwbr, h fffa \
         Oje</a> &#233; <a href=\"/local/page\">swahnmuy Привет Z vvzgimfz 4744 B xbnr مرحبا 112 \
         Ln fvuxdo</a></p><blockquote><p>&lt; ve vz a—b Привет gbqrm rvmuniue café zspdg ydlifk \
         straße ju ελληνικά 北京 мир rkkopwsbz Vahlxpk! hjqbcceeu is Iyzuxkrw?</p></blockquote>\
         </article><footer><p>Copyright 2026 Example News. All rights reserved.</p></footer>\
         </body></html>",
        "<!DOCTYPE html><html><head><title>aaaaaaaa aa aaaa straße مرحبا</title></head><body>\
         <nav><a href=\"/\">Home</a> <a href=\"/news\">News</a></nav><article><h1>aaaaaaaa aa \
         aaaa straße مرحبا</h1><p><a href=\"/local/page\">Aaaaaa aaaaaaa aaaaaaaa</a> <b>a</b> \
         &amp;</p><h2>a</h2></article><footer><p>Copyright 2026 Example News. All rights \
         reserved.</p></footer></body></html>",
    ];
    for doc in docs {
        let rec = extractor().extract(doc, url);
        let again = extractor().extract(&readable(&rec), url);
        assert_eq!(squash(&again.text), squash(&rec.text), "page: {doc}");
    }
}

/// The record as `dehusk extract -f html` writes it for one file: a whole document with the
/// title as `<h1>` and the content in `<article>`. That is dehusk's own HTML output, the thing
/// a user would feed back in.
fn readable(rec: &Record) -> String {
    let mut w = dehusk::output::RecordWriter::new(Vec::new(), dehusk::output::Format::Html)
        .html_document(true);
    w.write(rec).expect("write to memory");
    String::from_utf8(w.finish().expect("finish")).expect("utf-8")
}
