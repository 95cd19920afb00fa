//! `dehusk explain`: a standalone HTML report of the extractor's decisions on one page.
//!
//! The report lists the page's text blocks in reading order, coloured by fate — kept in
//! `text`, moved to `comments` or `related`, removed (with the reason), or outside every
//! content root — followed by per-fate counts and the extracted record as JSON. It is one
//! self-contained HTML5 file: inline CSS, no scripts, no external resources.
//!
//! ```
//! let html = r#"<html><head><title>Hi</title></head><body>
//!   <nav><a href="/">Home</a> <a href="/news">News</a></nav>
//!   <article><h1>Hi</h1><p>A first paragraph of the story, long enough to count as prose, with commas, too.</p>
//!   <p>A second paragraph follows it, and it also reads like real article text for the scorer.</p></article>
//!   </body></html>"#;
//! let report = dehusk::explain::explain(html, None);
//! assert!(report.starts_with("<!DOCTYPE html>"));
//! assert!(report.contains("navigation"));
//! ```

use std::fmt::Write as _;

use crate::extract::chrome::Reason;
use crate::extract::dom::{Dom, Tag};
use crate::extract::score::Selection;
use crate::extract::Extractor;
use crate::record::{PageType, Record};

/// Blocks longer than this many characters are shown truncated (their full length is given).
pub const SHOW_CHARS: usize = 400;

/// What happened to a piece of the page's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// Part of the record's `text`.
    Kept,
    /// Moved to the record's `comments`.
    Comments,
    /// Moved to the record's `related`.
    Related,
    /// Left out, for this reason.
    Removed(Reason),
    /// Not inside any content root, and not removed by a specific rule.
    Outside,
}

impl Fate {
    /// The key used for counts and CSS classes.
    pub fn key(self) -> &'static str {
        match self {
            Fate::Kept => "kept",
            Fate::Comments => "comments",
            Fate::Related => "related",
            Fate::Removed(r) => r.as_str(),
            Fate::Outside => "outside-content",
        }
    }

    fn class(self) -> &'static str {
        match self {
            Fate::Kept => "kept",
            Fate::Comments => "comments",
            Fate::Related => "related",
            Fate::Removed(_) => "removed",
            Fate::Outside => "outside",
        }
    }

    fn label(self) -> String {
        match self {
            Fate::Kept => "kept in text".into(),
            Fate::Comments => "moved to comments".into(),
            Fate::Related => "moved to related".into(),
            Fate::Removed(r) => format!("removed: {}", r.as_str()),
            Fate::Outside => "removed: outside-content".into(),
        }
    }
}

/// One run of text in reading order with a single fate and a single enclosing block.
#[derive(Debug, Clone)]
pub struct Block {
    /// Arena index of the nearest block-level element around the text.
    pub node: usize,
    /// Arena index of the node whose decision gave the fate (a removed subtree's root or a
    /// content root); `None` when no decision covers the text.
    pub decided_at: Option<usize>,
    /// Where the text went: kept, moved to comments or related, or removed and why.
    pub fate: Fate,
    /// The text, whitespace collapsed.
    pub text: String,
    /// Length of `text` in characters.
    pub chars: usize,
}

/// Splits the page's text into blocks and gives each its fate. Linear in the arena size:
/// fates and enclosing blocks are propagated top-down once, then text nodes are grouped.
pub fn blocks(dom: &Dom, sel: &Selection) -> Vec<Block> {
    const NONE: usize = usize::MAX;
    let n = dom.nodes.len();
    let mut in_comments = vec![false; n];
    let mut in_related = vec![false; n];
    let mut is_root = vec![false; n];
    for &i in &sel.comment_sections {
        in_comments[i] = true;
    }
    for &i in &sel.related_sections {
        in_related[i] = true;
    }
    for &i in &sel.roots {
        is_root[i] = true;
    }
    // Nearest decision (fate and where it was made) and nearest block element, per node.
    let mut fate = vec![Fate::Outside; n];
    let mut decided = vec![NONE; n];
    let mut owner = vec![NONE; n];
    for i in 0..n {
        let node = &dom.nodes[i];
        let p = node.parent as usize;
        let (mut f, mut d, o) = if node.parent == u32::MAX {
            (Fate::Outside, NONE, NONE)
        } else {
            (fate[p], decided[p], owner[p])
        };
        if let Some(r) = sel.removed.get(i).copied().flatten() {
            f = match r {
                Reason::Comments if in_comments[i] => Fate::Comments,
                Reason::Related if in_related[i] => Fate::Related,
                _ => Fate::Removed(r),
            };
            d = i;
        } else if is_root[i] {
            f = Fate::Kept;
            d = i;
        }
        fate[i] = f;
        decided[i] = d;
        owner[i] = if node.tag != Tag::Text && node.tag.is_block() {
            i
        } else {
            o
        };
    }
    // Group consecutive text nodes with the same block and decision. The text between the
    // first and last node of a group is one slice of the page buffer.
    let mut out = Vec::new();
    let mut cur: Option<(usize, usize, usize, usize)> = None; // (owner, decided, start, end)
    let flush = |cur: Option<(usize, usize, usize, usize)>, out: &mut Vec<Block>| {
        if let Some((o, d, s, e)) = cur {
            let text = dom.text[s..e].trim().to_string();
            if text.is_empty() {
                return;
            }
            out.push(Block {
                node: o,
                decided_at: (d != NONE).then_some(d),
                fate: if d == NONE { Fate::Outside } else { fate[d] },
                chars: text.chars().count(),
                text,
            });
        }
    };
    for (i, node) in dom.nodes.iter().enumerate() {
        if node.tag != Tag::Text {
            continue;
        }
        let (s, e) = (node.text_start as usize, node.text_end as usize);
        if dom.text[s..e].trim().is_empty() {
            continue;
        }
        match &mut cur {
            Some((o, d, _, end)) if *o == owner[i] && *d == decided[i] => *end = e,
            _ => {
                flush(cur.take(), &mut out);
                cur = Some((owner[i], decided[i], s, e));
            }
        }
    }
    flush(cur, &mut out);
    out
}

/// The explain report for one page, as a standalone HTML document.
pub fn explain(html: &str, url: Option<&str>) -> String {
    explain_with(&Extractor::new(), html, url)
}

/// Like [`explain`], with the record extracted by `extractor`.
pub fn explain_with(extractor: &Extractor, html: &str, url: Option<&str>) -> String {
    extractor.extract_with(html, url, |record, analysed| match analysed {
        // Empty, not HTML, too large or too deep: there is nothing to select from.
        None => report(&record, None, &[], None),
        Some((dom, a)) => {
            let blocks = blocks(dom, &a.sel);
            report(
                &record,
                Some(a.page_type),
                &blocks,
                Some((dom, a.meta.title.as_deref())),
            )
        }
    })
}

/// Escapes text for HTML content and double-quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `1840` as `1,840`.
fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (k, c) in s.chars().enumerate() {
        if k > 0 && (s.len() - k).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A one-line explanation of a fate, for the legend and tooltips.
fn describe(key: &str) -> &'static str {
    match key {
        "kept" => "inside a content root: part of the record's text",
        "comments" => "a comment section: its items go to the record's comments",
        "related" => "a related-articles block: its links go to the record's related",
        "outside-content" => "not inside any chosen content root",
        "hidden" => "hidden with display:none, hidden, aria-hidden or similar",
        "navigation" => "menus, breadcrumbs, skip links, pagination or a table of contents",
        "header" => "the site header",
        "footer" => "a page or article footer",
        "sidebar" => "a sidebar or aside",
        "share" => "social sharing buttons",
        "ad" => "an advertisement slot",
        "consent" => "a cookie or consent banner",
        "newsletter" => "a newsletter or subscription prompt",
        "promo" => "a promotion or call to action",
        "tags" => "a tag or topic list",
        "byline" => "the byline (authors and date go to the record's metadata)",
        "author-bio" => "an author biography box",
        "form" => "a form",
        "title" => "the headline (it goes to the record's title)",
        "link-dense" => "mostly link text inside the content",
        "boilerplate-phrase" => "matches a known boilerplate phrase",
        "card-run" => "a run of teaser cards (links to other pages)",
        "duplicate" => "repeats the block before it, or a quotation or long block earlier in the content, word for word",
        "data" => "a hidden store of values for scripts, mostly URLs: data, not text on show",
        "fragments" => "the content left was a few scraps (labels, prices, no sentence), a small part of the page, at low confidence: the page has no main content",
        "dialog" => "a modal dialog (role=dialog, aria-modal) that opens over the page",
        "control" => "a button-styled link or a heading's permalink anchor",
        "caption" => "an image or figure caption",
        "kicker" => "a kicker or section label above the headline",
        _ => "",
    }
}

/// `div#id.class1.class2` for node `i`, shortened.
fn describe_node(dom: &Dom, i: usize) -> String {
    let Some(el) = dom.element(i) else {
        return "?".into();
    };
    let mut s = el.name().to_string();
    if let Some(id) = el.attr("id").map(str::trim).filter(|s| !s.is_empty()) {
        s.push('#');
        s.push_str(id);
    }
    for c in el.attr("class").unwrap_or("").split_whitespace().take(3) {
        s.push('.');
        s.push_str(c);
    }
    if s.chars().count() > 80 {
        s = s.chars().take(79).collect::<String>() + "…";
    }
    s
}

const CSS: &str = "
body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0 auto;max-width:60rem;padding:1rem 1.5rem;color:#1d1d1f;background:#fafafa}
h1{font-size:1.4rem;margin:.2rem 0 .6rem}h2{font-size:1.1rem;margin:1.6rem 0 .5rem;border-bottom:1px solid #ddd}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.15rem .8rem;margin:0}dl.meta dt{font-weight:600}dl.meta dd{margin:0}
table{border-collapse:collapse;font-size:.9rem}th,td{text-align:left;padding:.2rem .6rem;border-bottom:1px solid #e4e4e4;vertical-align:top}td.n{text-align:right;font-variant-numeric:tabular-nums}
.sw{display:inline-block;width:.9em;height:.9em;border-radius:2px;vertical-align:-.1em;margin-right:.35em;border:1px solid rgba(0,0,0,.25)}
.b{margin:.35rem 0;padding:.35rem .6rem;border-left:6px solid;border-radius:3px}
.b .h{font-size:.78rem;color:#555;margin-bottom:.15rem}.b .h .f{font-weight:700;margin-right:.5em}.b .t{white-space:pre-wrap;overflow-wrap:anywhere}
.kept{background:#e6f6e8;border-color:#2e9d46}.sw.kept{background:#2e9d46}.kept .f{color:#1d6f30}
.comments{background:#e5effb;border-color:#2f6fd1}.sw.comments{background:#2f6fd1}.comments .f{color:#1f4f9a}
.related{background:#f1e8fa;border-color:#8746c4}.sw.related{background:#8746c4}.related .f{color:#642f96}
.removed{background:#efefef;border-color:#c0392b;color:#555}.sw.removed{background:#c0392b}.removed .f{color:#a8281b}
.outside{background:#f4f4f4;border-color:#aaa;border-left-style:dashed;color:#666}.sw.outside{background:#aaa}.outside .f{color:#666}
.trunc{color:#888}.muted{color:#777}
pre.rec{background:#fff;border:1px solid #ddd;padding:.6rem;overflow:auto;font-size:.82rem;white-space:pre-wrap;overflow-wrap:anywhere}
";

fn report(
    record: &Record,
    page_type: Option<PageType>,
    blocks: &[Block],
    dom: Option<(&Dom, Option<&str>)>,
) -> String {
    let mut o =
        String::with_capacity(16 * 1024 + blocks.iter().map(|b| b.text.len()).sum::<usize>());
    let title = record
        .title
        .as_deref()
        .or(dom.and_then(|(_, t)| t))
        .unwrap_or("(no title)");
    o.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    o.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(o, "<title>dehusk explain: {}</title>", escape(title));
    let _ = writeln!(o, "<style>{CSS}</style>\n</head>\n<body>");
    let _ = writeln!(o, "<h1>dehusk explain: {}</h1>", escape(title));

    // Summary.
    o.push_str("<dl class=\"meta\">\n");
    let mut row = |k: &str, v: &str| {
        let _ = writeln!(o, "<dt>{}</dt><dd>{}</dd>", escape(k), escape(v));
    };
    row("Title", title);
    row(
        "Page type",
        page_type
            .or(record.page_type)
            .map(|p| p.as_str())
            .unwrap_or("(none)"),
    );
    if let Some(u) = &record.url {
        row("URL", u);
    }
    let total: usize = blocks.iter().map(|b| b.chars).sum();
    let kept: usize = blocks
        .iter()
        .filter(|b| b.fate == Fate::Kept)
        .map(|b| b.chars)
        .sum();
    row(
        "Blocks",
        &format!(
            "{} blocks, {} chars; {} chars kept in text ({}%)",
            thousands(blocks.len()),
            thousands(total),
            thousands(kept),
            (kept * 100).checked_div(total).unwrap_or(0)
        ),
    );
    if let Some(e) = &record.error {
        row("Error", &format!("{}: {}", e.kind, e.message));
    }
    o.push_str("</dl>\n");

    // Legend and per-fate counts.
    let mut counts: Vec<(Fate, usize, usize)> = Vec::new();
    for b in blocks {
        match counts.iter_mut().find(|(f, _, _)| f.key() == b.fate.key()) {
            Some(c) => {
                c.1 += 1;
                c.2 += b.chars;
            }
            None => counts.push((b.fate, 1, b.chars)),
        }
    }
    let rank = |f: Fate| match f {
        Fate::Kept => 0,
        Fate::Comments => 1,
        Fate::Related => 2,
        Fate::Removed(_) => 3,
        Fate::Outside => 4,
    };
    counts.sort_by(|a, b| rank(a.0).cmp(&rank(b.0)).then(b.2.cmp(&a.2)));
    o.push_str("<h2>Legend and counts</h2>\n<p>");
    for f in [
        Fate::Kept,
        Fate::Comments,
        Fate::Related,
        Fate::Removed(Reason::Navigation),
        Fate::Outside,
    ] {
        let name = match f {
            Fate::Removed(_) => "removed (reason in red)",
            Fate::Outside => "outside content",
            _ => f.key(),
        };
        let _ = write!(
            o,
            "<span class=\"sw {}\"></span>{}&emsp;",
            f.class(),
            escape(name)
        );
    }
    o.push_str("</p>\n<table>\n<thead><tr><th>fate</th><th>blocks</th><th>chars</th><th>meaning</th></tr></thead>\n<tbody>\n");
    for (f, nb, nc) in &counts {
        let _ = writeln!(
            o,
            "<tr><td><span class=\"sw {}\"></span>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"muted\">{}</td></tr>",
            f.class(),
            escape(f.key()),
            thousands(*nb),
            thousands(*nc),
            escape(describe(f.key()))
        );
    }
    o.push_str("</tbody>\n</table>\n");

    // Blocks in reading order.
    o.push_str("<h2>Blocks in reading order</h2>\n");
    if blocks.is_empty() {
        o.push_str("<p class=\"muted\">No text blocks.</p>\n");
    }
    if let Some((dom, _)) = dom {
        for b in blocks {
            let key = b.fate.key();
            let _ = write!(
                o,
                "<div class=\"b {}\" title=\"{}\"><div class=\"h\"><span class=\"f\">{}</span>&lt;{}&gt; node {} · {} chars",
                b.fate.class(),
                escape(describe(key)),
                escape(&b.fate.label()),
                escape(&describe_node(dom, b.node)),
                b.node,
                thousands(b.chars)
            );
            if let Some(d) = b.decided_at.filter(|&d| d != b.node) {
                let _ = write!(
                    o,
                    " · decided at &lt;{}&gt; node {}",
                    escape(&describe_node(dom, d)),
                    d
                );
            }
            o.push_str("</div><div class=\"t\">");
            if b.chars > SHOW_CHARS {
                let shown: String = b.text.chars().take(SHOW_CHARS).collect();
                let _ = write!(
                    o,
                    "{}<span class=\"trunc\">… ({} more chars)</span>",
                    escape(&shown),
                    thousands(b.chars - SHOW_CHARS)
                );
            } else {
                o.push_str(&escape(&b.text));
            }
            o.push_str("</div></div>\n");
        }
    }

    // The record.
    o.push_str("<h2>Record</h2>\n<pre class=\"rec\">");
    let json =
        serde_json::to_string_pretty(record).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    o.push_str(&escape(&json));
    o.push_str("</pre>\n</body>\n</html>\n");
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_hostile_page_text() {
        let html = "<html><head><title>A &lt;script&gt; title</title></head><body><article><h1>Story</h1>\
            <p>Beware of &lt;script&gt;alert(\"x\")&lt;/script&gt; &amp; other tricks in text, which a report must escape, always.</p>\
            <p>Another paragraph follows here, long enough to be prose, with commas, and a full stop.</p>\
            </article></body></html>";
        let r = explain(html, None);
        assert!(!r.contains("<script"), "raw <script> in the report");
        assert!(
            r.contains("Beware of &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; other")
        );
        assert!(r.contains("<title>dehusk explain: A &lt;script&gt; title</title>"));
    }

    #[test]
    fn escape_covers_the_specials() {
        assert_eq!(
            escape(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1840), "1,840");
        assert_eq!(thousands(1234567), "1,234,567");
    }

    #[test]
    fn inline_removal_splits_a_paragraph() {
        let html = "<html><body><nav><a href=/>Home</a> <a href=/a>About</a></nav><article><h1>T</h1>\
            <p>The first paragraph of the story is long enough to be prose, with commas, and it ends here.</p>\
            <p>The second paragraph is also long enough to count as prose, with commas, for the scorer too.</p>\
            </article></body></html>";
        crate::extract::with_analysis(html, None, |dom, a| {
            let bs = blocks(dom, &a.sel);
            let nav = bs.iter().find(|b| b.text.contains("Home")).unwrap();
            assert_eq!(nav.fate, Fate::Removed(Reason::Navigation));
            assert_eq!(nav.text, "Home About");
            let p = bs.iter().find(|b| b.text.starts_with("The first")).unwrap();
            assert_eq!(p.fate, Fate::Kept);
            assert_eq!(p.chars, p.text.chars().count());
        });
    }

    #[test]
    fn error_records_still_make_a_report() {
        let r = explain("   ", None);
        assert!(r.starts_with("<!DOCTYPE html>"));
        assert!(r.contains("No text blocks."));
        assert!(r.contains("&quot;kind&quot;: &quot;empty&quot;"));
    }
}
