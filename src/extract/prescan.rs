//! The source as the parser gets it: script and style bodies cut out, and attributes past a
//! cap per tag dropped, in one scan.
//!
//! A quarter to a half of a modern page's bytes are inline scripts and style sheets, and
//! html5ever tokenizes them character by character into text nodes that no pass reads.
//! Only JSON-LD scripts carry anything the extractor uses, so every other script or style
//! body is cut out of the source and the parser never sees it. html5ever compares each
//! attribute with all earlier ones of its tag (to drop duplicates), so one tag with 50,000
//! attributes takes minutes to parse; no extraction decision reads the 1,025th attribute.
//!
//! The scan follows the HTML tokenizer's states closely enough never to cut anything the
//! parser would not have put inside a script or style: it skips comments, markup
//! declarations, attribute values and the other raw-text and RCDATA elements (`<title>`,
//! `<textarea>`, `<xmp>`, `<iframe>`, `<noembed>`, `<noframes>`), and models the tree-builder
//! states that change what is raw text: SVG and MathML content, `<select>`, `<template>`.
//! It stops cutting bodies for the rest of the page where it could only guess:
//! `<plaintext>`, `<frameset>`, a script whose body holds `<!--` (the "escaped" tokenizer
//! states, where `</script>` may not end it), HTML inside foreign content, an end tag in
//! foreign content that closes nothing it knows of. A missed cut costs time, a wrong one
//! would cost text. Attributes are still capped there, tag by tag.

use std::borrow::Cow;

use super::nesting::Depth;

/// Elements whose content the tokenizer reads as raw text or RCDATA up to `</name`.
const RAW: &[&[u8]] = &[
    b"script",
    b"style",
    b"title",
    b"textarea",
    b"xmp",
    b"iframe",
    b"noembed",
    b"noframes",
];

/// Returns `html` with the body of every `<script>` (but JSON-LD) and `<style>` removed,
/// and the attributes of each tag past the first `max_attributes` dropped.
#[cfg(test)]
pub(crate) fn clean(html: &str, max_attributes: usize) -> Cow<'_, str> {
    clean_measured(html, max_attributes, usize::MAX).0
}

/// [`clean`], with the nesting estimate of the cleaned page (see [`Depth`]) read in the
/// same scan. Once the estimate passes `depth_limit` the page is refused, so the scan stops
/// there and the text comes back uncleaned.
pub(crate) fn clean_measured(
    html: &str,
    max_attributes: usize,
    depth_limit: usize,
) -> (Cow<'_, str>, usize) {
    let b = html.as_bytes();
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    let mut depth = Depth::new(depth_limit);
    let stop = match scan(b, max_attributes, &mut cuts, true, &mut depth) {
        Some(stop) => stop,
        None => {
            // Text in foreign content tells the parser the page is no frameset; without it
            // a later `<frameset>` would replace the body. Such pages keep their SVG.
            cuts.clear();
            depth = Depth::new(depth_limit);
            scan(b, max_attributes, &mut cuts, false, &mut depth).unwrap_or(Stop {
                rest: b.len(),
                resume: b.len(),
            })
        }
    };
    if depth.over() {
        return (Cow::Borrowed(html), depth.max());
    }
    if stop.rest < b.len() {
        cap_attributes(b, stop.rest, max_attributes, &mut cuts);
    }
    // Past where the scan stopped, the estimate reads the cleaned text on its own; the cuts
    // before that point are all the scan's, in order.
    let cut_before: usize = cuts
        .iter()
        .take_while(|&&(_, to)| to <= stop.resume)
        .map(|&(from, to)| to - from)
        .sum();
    if cuts.is_empty() {
        depth.scan(&b[stop.resume..]);
        return (Cow::Borrowed(html), depth.max());
    }
    let mut out = String::with_capacity(html.len());
    let mut pos = 0;
    for (from, to) in cuts {
        // Cut ends are next to ASCII bytes (`>`, `<`, whitespace, `/`) or at the end, so
        // they are character boundaries.
        out.push_str(&html[pos..from]);
        pos = to;
    }
    out.push_str(&html[pos..]);
    depth.scan(&out.as_bytes()[stop.resume - cut_before..]);
    (Cow::Owned(out), depth.max())
}

/// Where [`scan`] stopped following the page.
struct Stop {
    /// Where attributes are capped on without the page's structure.
    rest: usize,
    /// The first tag the depth estimate has not been given.
    resume: usize,
}

/// The full scan: records its cuts, gives `depth` the tags it reads, and returns where it
/// stopped understanding the page (the length of the page when it never did); `None` when
/// it met a `<frameset>` after cutting a foreign body.
fn scan(
    b: &[u8],
    max_attributes: usize,
    cuts: &mut Vec<(usize, usize)>,
    cut_foreign: bool,
    depth: &mut Depth,
) -> Option<Stop> {
    let stop = |rest: usize, resume: usize| Some(Stop { rest, resume });
    let mut cut_any_foreign = false;
    let mut m = Mode::default();
    // Where the open `<svg>` or `<math>` body starts, and the cuts made before it: no pass
    // reads foreign content, so the whole body goes once its end tag closes it.
    let mut foreign_body: Option<(usize, usize)> = None;
    let mut i = 0;
    while let Some(off) = memchr::memchr(b'<', &b[i..]) {
        let lt = i + off;
        i = lt + 1;
        let next = match b.get(i) {
            Some(b'!') => markup_declaration(b, i, m.foreign(), cuts),
            Some(b'?') => memchr::memchr(b'>', &b[i..]).map(|e| i + e + 1),
            Some(b'/') if b.get(i + 1).is_some_and(u8::is_ascii_alphabetic) => {
                let ne = name_end(b, i + 1);
                match m.end_tag(&b[i + 1..ne]) {
                    End::GiveUp => return stop(lt, lt),
                    End::ClosedRoot => {
                        if let Some((start, before)) = foreign_body.take() {
                            if cut_foreign && lt > start {
                                cuts.truncate(before);
                                cuts.push((start, lt));
                                cut_any_foreign = true;
                            }
                        }
                    }
                    End::Other => {}
                }
                let te = tag_end(b, ne, max_attributes, cuts);
                if te.is_some() {
                    depth.end_tag(&b[i + 1..ne]);
                }
                te
            }
            // `</>` is dropped and `</` before anything else opens a bogus comment.
            Some(b'/') => memchr::memchr(b'>', &b[i..]).map(|e| i + e + 1),
            Some(c) if c.is_ascii_alphabetic() => {
                let ne = name_end(b, i);
                let name = &b[i..ne];
                let Some(te) = tag_end(b, ne, max_attributes, cuts) else {
                    return stop(lt, lt);
                };
                let self_closing = b[..te - 1].ends_with(b"/");
                // The parser gets the `/` only when no cut of this tag's attributes took it.
                let kept_slash = self_closing
                    && !cuts
                        .last()
                        .is_some_and(|&(from, to)| from <= te - 2 && te - 2 < to);
                let was_foreign = m.foreign();
                match m.start_tag(name, self_closing) {
                    Start::Markup => {
                        if !was_foreign && m.foreign() {
                            foreign_body = Some((te, cuts.len()));
                        }
                        depth.start_tag(name, kept_slash);
                        Some(te)
                    }
                    Start::GiveUp if cut_any_foreign && name.eq_ignore_ascii_case(b"frameset") => {
                        return None;
                    }
                    Start::GiveUp => return stop(te, lt),
                    Start::Raw { cut } => {
                        let Some(close) = closing_tag(&b[te..], name) else {
                            return stop(te, lt);
                        };
                        let body = &b[te..te + close];
                        let script = name.eq_ignore_ascii_case(b"script");
                        if script && memchr::memmem::find(body, b"<!--").is_some() {
                            // The escaped states: an inner `<script>` can make `</script>` text.
                            return stop(te, lt);
                        }
                        if cut && close > 0 && !(script && is_json_ld(&b[ne..te])) {
                            cuts.push((te, te + close));
                        }
                        depth.start_tag(name, kept_slash);
                        Some(te + close)
                    }
                }
            }
            _ => Some(i),
        };
        if !m.foreign() {
            // Left by a breakout tag: what followed the root in its body was HTML.
            foreign_body = None;
        }
        if depth.over() {
            return stop(b.len(), b.len());
        }
        match next {
            Some(n) => i = n,
            None => return stop(lt, lt),
        }
    }
    stop(b.len(), b.len())
}

/// Caps the attributes of every start tag from `from` on, without following the page's
/// structure: the fallback past the point where [`scan`] stopped. Inside scripts, styles
/// and comments a run of over `max` words after a `<` would lose the words past `max`,
/// which never touches page text.
fn cap_attributes(b: &[u8], from: usize, max: usize, cuts: &mut Vec<(usize, usize)>) {
    let mut i = from;
    while let Some(off) = memchr::memchr(b'<', &b[i..]) {
        i += off + 1;
        if !b.get(i).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        let tag = attributes(b, name_end(b, i), max, cuts);
        if let Some(c) = tag.cut_from {
            cuts.push((c, tag.end));
        }
        i = tag.end.max(i);
    }
}

/// Where the scan goes after `<!` at `i - 1`: past the comment, CDATA section or
/// declaration, or nowhere when it runs to the end of the page. Comment bodies are cut:
/// no pass reads them.
fn markup_declaration(
    b: &[u8],
    i: usize,
    foreign: bool,
    cuts: &mut Vec<(usize, usize)>,
) -> Option<usize> {
    if b[i..].starts_with(b"!--") {
        // `<!-->` and `<!--->` are whole comments; otherwise `-->` or `--!>` ends it.
        let body = i + 3;
        if b[body..].starts_with(b">") || b[body..].starts_with(b"->") {
            return Some(body);
        }
        let (close, after) = comment_end(&b[body..])?;
        if close > 0 {
            cuts.push((body, body + close));
        }
        return Some(body + after);
    }
    if foreign && b[i..].starts_with(b"![CDATA[") {
        // A CDATA section, in SVG and MathML only; elsewhere a bogus comment.
        return memchr::memmem::find(&b[i..], b"]]>").map(|e| i + e + 3);
    }
    memchr::memchr(b'>', &b[i..]).map(|e| i + e + 1)
}

/// What the scan does after a start tag.
enum Start {
    /// Its content is markup: go on after the tag.
    Markup,
    /// Its content is raw text up to its end tag; `cut` when that text may be removed.
    Raw { cut: bool },
    /// Stop scanning: the rest of the page is parsed in ways the scan does not model.
    GiveUp,
}

/// Open SVG or MathML elements the scan follows; real icons and formulas nest a few dozen.
const MAX_FOREIGN_DEPTH: usize = 256;

/// What an end tag did.
enum End {
    /// It closed the `<svg>` or `<math>` root.
    ClosedRoot,
    /// Anything else the scan follows.
    Other,
    /// Stop scanning: the scan cannot tell what it closes.
    GiveUp,
}

/// The parts of the tree builder's state that decide whether a start tag switches the
/// tokenizer to raw text.
#[derive(Default)]
struct Mode {
    /// The open SVG or MathML elements, lowercased, from the `<svg>` or `<math>` root.
    foreign: Vec<Box<[u8]>>,
    /// Inside a foreign element whose text is read by HTML rules (see [`is_text_point`]).
    in_text_point: bool,
    /// Inside `<select>` the tree builder ignores every raw-text element but `<script>`,
    /// so the tokenizer reads their bodies as markup.
    in_select: bool,
    /// Whether each open `<template>` was opened inside a select: its content is parsed
    /// on its own, and the select resumes after it.
    templates: Vec<bool>,
}

impl Mode {
    /// Whether foreign-content rules apply here.
    fn foreign(&self) -> bool {
        !self.foreign.is_empty()
    }

    fn start_tag(&mut self, name: &[u8], self_closing: bool) -> Start {
        if self.in_select && !self.foreign() {
            // A select ignores every start tag but these (and `<svg>` cannot open there).
            let is = |n: &[u8]| name.eq_ignore_ascii_case(n);
            if is(b"script") {
                return Start::Raw { cut: true };
            }
            if is_table_part(name) {
                // These close a select inside a table, and are ignored in any other.
                return Start::GiveUp;
            }
            if is(b"template") {
                self.templates.push(true);
                self.in_select = false;
            } else if is(b"select") || is(b"input") || is(b"keygen") || is(b"textarea") {
                self.in_select = false;
                if is(b"textarea") {
                    return Start::Raw { cut: false };
                }
            }
            return Start::Markup;
        }
        if !self.foreign.is_empty() {
            if self.in_text_point {
                // Markup inside a foreign text element: the scan keeps no HTML stack there,
                // so it cannot tell what later end tags close.
                return Start::GiveUp;
            }
            if name.eq_ignore_ascii_case(b"font") {
                // It leaves foreign content only with a color, face or size attribute.
                return Start::GiveUp;
            }
            if breaks_out(name) {
                self.foreign.clear();
            } else {
                let svg = self.foreign[0].as_ref() == b"svg";
                let is = |n: &[u8]| name.eq_ignore_ascii_case(n);
                if is(if svg { b"math" } else { b"svg" }) {
                    // One kind of foreign content inside the other: not modelled.
                    return Start::GiveUp;
                }
                if is_text_point(name, svg) {
                    // An icon's accessible name or a formula's symbol: text read as HTML.
                    self.in_text_point = !self_closing;
                } else if is(b"foreignobject") || is(b"annotation-xml") {
                    // HTML inside foreign content.
                    return Start::GiveUp;
                }
                if !self_closing {
                    if self.foreign.len() >= MAX_FOREIGN_DEPTH {
                        // End tags search this stack: a hostile depth would make that
                        // quadratic.
                        return Start::GiveUp;
                    }
                    self.foreign
                        .push(name.to_ascii_lowercase().into_boxed_slice());
                }
                return Start::Markup;
            }
        } else if name.eq_ignore_ascii_case(b"svg") || name.eq_ignore_ascii_case(b"math") {
            if !self_closing {
                self.foreign
                    .push(name.to_ascii_lowercase().into_boxed_slice());
            }
            return Start::Markup;
        }
        if name.eq_ignore_ascii_case(b"frameset") || name.eq_ignore_ascii_case(b"plaintext") {
            // Frameset content ignores most start tags, scripts included; plaintext is
            // raw to the end.
            return Start::GiveUp;
        }
        if self.foreign() {
            if name.eq_ignore_ascii_case(b"select") || name.eq_ignore_ascii_case(b"template") {
                // Foreign elements of these names change nothing, HTML ones change how
                // what follows is read: past here the scan could only guess.
                return Start::GiveUp;
            }
        } else if name.eq_ignore_ascii_case(b"template") {
            self.templates.push(false);
        } else if name.eq_ignore_ascii_case(b"select") {
            self.in_select = true;
        }
        let script = name.eq_ignore_ascii_case(b"script");
        if !RAW.iter().any(|r| name.eq_ignore_ascii_case(r)) || self.foreign() {
            return Start::Markup;
        }
        Start::Raw {
            cut: script || name.eq_ignore_ascii_case(b"style"),
        }
    }

    /// Follows an end tag.
    fn end_tag(&mut self, name: &[u8]) -> End {
        if !self.foreign.is_empty() {
            if self.in_text_point {
                self.in_text_point = false;
                // Only the end of the text element is understood here.
                if !is_text_point(name, self.foreign[0].as_ref() == b"svg") {
                    return End::GiveUp;
                }
            }
            if name.eq_ignore_ascii_case(b"p") || name.eq_ignore_ascii_case(b"br") {
                // These two end tags break out of foreign content.
                self.foreign.clear();
                return End::Other;
            }
            // The innermost open foreign element of that name closes; with none, the tag
            // reaches the HTML elements around, which may close the foreign root too.
            match self
                .foreign
                .iter()
                .rposition(|n| name.eq_ignore_ascii_case(n))
            {
                Some(0) => {
                    self.foreign.clear();
                    return End::ClosedRoot;
                }
                Some(k) => self.foreign.truncate(k),
                None => return End::GiveUp,
            }
            return End::Other;
        }
        if self.in_select && is_table_part(name) {
            // Closes a select inside a table; ignored in any other.
            return End::GiveUp;
        }
        if name.eq_ignore_ascii_case(b"select") {
            self.in_select = false;
        } else if name.eq_ignore_ascii_case(b"template") {
            self.in_select = self.templates.pop().unwrap_or(self.in_select);
        }
        End::Other
    }
}

/// Whether a tag names a table or one of its parts.
fn is_table_part(name: &[u8]) -> bool {
    [
        &b"table"[..],
        b"caption",
        b"tbody",
        b"thead",
        b"tfoot",
        b"tr",
        b"td",
        b"th",
    ]
    .iter()
    .any(|t| name.eq_ignore_ascii_case(t))
}

/// Whether a foreign element holds text read by HTML rules: SVG's `<title>` and `<desc>`,
/// MathML's token elements.
fn is_text_point(name: &[u8], svg: bool) -> bool {
    const SVG: &[&[u8]] = &[b"desc", b"title"];
    const MATH: &[&[u8]] = &[b"mi", b"mo", b"mn", b"ms", b"mtext"];
    let list = if svg { SVG } else { MATH };
    list.iter().any(|t| name.eq_ignore_ascii_case(t))
}

/// Whether an HTML start tag ends SVG or MathML content.
fn breaks_out(name: &[u8]) -> bool {
    super::nesting::BREAKOUT_TAGS
        .iter()
        .any(|t| name.eq_ignore_ascii_case(t))
}

/// The end of a tag name that starts at `i`.
fn name_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && !matches!(b[i], b' ' | b'\t' | b'\n' | b'\x0c' | b'\r' | b'/' | b'>') {
        i += 1;
    }
    i
}

/// Where a tag's attributes end, read as the tokenizer reads them (a quoted value may hold
/// `>`), and where its attributes past the first `max` begin.
struct Attributes {
    /// The `>` that ends the tag, or the end of the page.
    end: usize,
    /// Whether the tag has its `>`.
    closed: bool,
    /// The first attribute past `max`.
    cut_from: Option<usize>,
}

/// Reads the attributes of a tag whose name ends at `k`, and cuts those among the first
/// `max` that no pass reads (see [`unread`]).
fn attributes(b: &[u8], mut k: usize, max: usize, cuts: &mut Vec<(usize, usize)>) -> Attributes {
    let ws = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | b'\x0c' | b'\r');
    let mut count = 0;
    let mut cut_from = None;
    loop {
        while k < b.len() && (ws(b[k]) || b[k] == b'/') {
            k += 1;
        }
        if k >= b.len() || b[k] == b'>' {
            let closed = k < b.len();
            return Attributes {
                end: k,
                closed,
                cut_from,
            };
        }
        count += 1;
        if count == max + 1 {
            cut_from = Some(k);
        }
        // An attribute name (its first character may be `=`), then an optional value.
        let name = k;
        k += 1;
        while k < b.len() && !ws(b[k]) && !matches!(b[k], b'/' | b'>' | b'=') {
            k += 1;
        }
        let drop = count <= max && unread(&b[name..k]);
        let mut m = k;
        while m < b.len() && ws(b[m]) {
            m += 1;
        }
        if m < b.len() && b[m] == b'=' {
            m += 1;
            while m < b.len() && ws(b[m]) {
                m += 1;
            }
            if m < b.len() && (b[m] == b'"' || b[m] == b'\'') {
                let q = b[m];
                m = memchr::memchr(q, &b[m + 1..]).map_or(b.len(), |e| m + 1 + e + 1);
            } else {
                while m < b.len() && !ws(b[m]) && b[m] != b'>' {
                    m += 1;
                }
            }
            k = m;
        }
        if drop {
            cuts.push((name, k));
        }
    }
}

/// Attributes no pass reads that weigh on parsing: responsive image sets, event handlers,
/// and `data-` attributes other than those the passes name as read (component names in
/// `classify`, lazy images and code languages in `render`): 12-18% of the bytes left after
/// scripts and styles.
fn unread(name: &[u8]) -> bool {
    let starts = |p: &[u8]| name.len() > p.len() && name[..p.len()].eq_ignore_ascii_case(p);
    let read = |list: &[&str]| list.iter().any(|r| name.eq_ignore_ascii_case(r.as_bytes()));
    name.eq_ignore_ascii_case(b"srcset")
        || name.eq_ignore_ascii_case(b"sizes")
        || (starts(b"on") && name[2..].iter().all(u8::is_ascii_alphabetic))
        || (starts(b"data-")
            && !read(super::classify::NAME_ATTRIBUTES)
            && !read(&super::render::LAZY_IMAGE_ATTRIBUTES)
            && !read(&super::render::CODE_LANGUAGE_ATTRIBUTES))
}

/// The position just past the `>` that ends a tag whose name ends at `k`, recording the cut
/// of its attributes past `max`; `None` when the page ends first.
fn tag_end(b: &[u8], k: usize, max: usize, cuts: &mut Vec<(usize, usize)>) -> Option<usize> {
    let before = cuts.len();
    let tag = attributes(b, k, max, cuts);
    if !tag.closed {
        // The fallback reads this tag again.
        cuts.truncate(before);
        return None;
    }
    if let Some(c) = tag.cut_from {
        cuts.push((c, tag.end));
    }
    Some(tag.end + 1)
}

/// Where a comment body that starts at `b[0]` ends: the offsets of its `-->` or `--!>`, and
/// just past it.
fn comment_end(b: &[u8]) -> Option<(usize, usize)> {
    let mut from = 0;
    while let Some(off) = memchr::memmem::find(&b[from..], b"--") {
        let k = from + off;
        if b[k + 2..].starts_with(b">") {
            return Some((k, k + 3));
        }
        if b[k + 2..].starts_with(b"!>") {
            return Some((k, k + 4));
        }
        from = k + 1;
    }
    None
}

/// The offset of the end tag `</name` that closes a raw-text body starting at `b[0]`: the
/// name in any case, followed by whitespace, `/` or `>`.
fn closing_tag(b: &[u8], name: &[u8]) -> Option<usize> {
    let mut from = 0;
    // A `<` and a look at the next byte: cheaper than building a substring searcher for
    // `</` at every step through a long script.
    while let Some(off) = memchr::memchr(b'<', &b[from..]) {
        let k = from + off;
        if b.get(k + 1) != Some(&b'/') {
            from = k + 1;
            continue;
        }
        let after = k + 2 + name.len();
        if after < b.len()
            && b[k + 2..after].eq_ignore_ascii_case(name)
            && matches!(
                b[after],
                b' ' | b'\t' | b'\n' | b'\x0c' | b'\r' | b'/' | b'>'
            )
        {
            return Some(k);
        }
        from = k + 2;
    }
    None
}

/// Whether a script start tag's attributes declare JSON-LD.
fn is_json_ld(attrs: &[u8]) -> bool {
    memchr::memmem::find(&attrs.to_ascii_lowercase(), b"application/ld+json").is_some()
}

#[cfg(test)]
mod tests {
    use super::clean;

    fn blank(s: &str) -> std::borrow::Cow<'_, str> {
        clean(s, 1024)
    }

    #[test]
    fn cuts_comments_and_foreign_bodies() {
        assert_eq!(
            blank("a<!-- x -->b<svg><path d=1/></svg>c<math><mi>x</mi></math>"),
            "a<!---->b<svg></svg>c<math></math>"
        );
        // A breakout tag ends foreign content early: what follows is HTML and stays.
        let page = "<svg><path/><p>text</p></svg>";
        assert_eq!(blank(page), page);
    }

    #[test]
    fn cuts_script_and_style_bodies() {
        assert_eq!(
            blank("<p>a<script>var x = '<p>';</script>b<style>p{}</style>c"),
            "<p>a<script></script>b<style></style>c"
        );
    }

    #[test]
    fn keeps_json_ld() {
        let s = r#"<script type="application/ld+json">{"a":1}</script><script>x</script>"#;
        assert_eq!(
            blank(s),
            r#"<script type="application/ld+json">{"a":1}</script><script></script>"#
        );
    }

    #[test]
    fn leaves_lookalikes_alone() {
        for s in [
            "<!-- <script> --><p>text</p><script>x</script>",
            "<title>a <script> tag</title><p>text</p></script>",
            "<textarea><style></textarea><p>text</p></style>",
            "<a title='<script>'>text</a></script>",
            "<script><!--<script>x</script>y</script><p>text</p>",
            "<plaintext><script>x</script>",
        ] {
            let out = blank(s);
            assert!(out.contains("text"), "{s} -> {out}");
        }
        assert_eq!(
            blank("<!-- <script> --><script>x</script>"),
            "<!----><script></script>"
        );
    }

    #[test]
    fn unread_attributes_are_cut() {
        assert_eq!(
            clean(
                "<img src=a srcset='a 2x' data-id=\"7\" data-src=b onload=f()>",
                8
            ),
            "<img src=a   data-src=b >"
        );
    }

    #[test]
    fn attributes_are_capped_past_where_cutting_stops() {
        assert_eq!(clean("<p a b c>x", 2), "<p a b >x");
        for page in ["<plaintext><p a b c>x", "<script><!--</script><p a b c>x"] {
            assert!(clean(page, 2).contains("<p a b >x"), "{page}");
        }
    }

    #[test]
    fn unclosed_script_is_left_alone() {
        assert_eq!(blank("<script>never ends"), "<script>never ends");
    }

    /// The depth read in the scan, and the one read from the cleaned text alone.
    fn depths(page: &str) -> (usize, usize) {
        let (text, depth) = super::clean_measured(page, 1024, usize::MAX);
        (
            depth,
            crate::extract::nesting::nesting_estimate(&text, usize::MAX),
        )
    }

    #[test]
    fn depth_in_the_scan_matches_reading_the_cleaned_text() {
        for page in [
            "<div><span><b>x</b></span></div>".repeat(3),
            "<div></b>".repeat(50),
            "<div/>".repeat(50),
            "<span><div></span>".repeat(50),
            format!("<svg>{}", "<span/>".repeat(50)),
            format!("<svg><title>{}", "<div>".repeat(50)),
            format!("<table><tr><td>{}", "<div>".repeat(30)),
            // The scan stops at the escaped script; the markup after it is read on its own.
            format!("<div><script><!--</script>{}", "<div>".repeat(40)),
            format!("<b><plaintext>{}", "<div>".repeat(40)),
            format!("<svg><foreignObject>{}", "<div>".repeat(40)),
            format!("{}<div", "<div>".repeat(40)),
        ] {
            let (scanned, alone) = depths(&page);
            assert_eq!(scanned, alone, "{page}");
        }
    }

    #[test]
    fn depth_follows_the_tags_the_parser_gets() {
        // A `/>` that a cut took away does not self-close.
        let page = format!("<svg {}/>", "a ".repeat(3));
        assert_eq!(super::clean_measured(&page, 2, usize::MAX).1, 1);
        assert_eq!(super::clean_measured(&page, 8, usize::MAX).1, 0);
        // An SVG body is nested while it is open, though it is cut once closed.
        assert_eq!(depths("<svg><g><g></g></g></svg>"), (3, 1));
        // A select ignores `<title>`, so what follows is markup, not title text.
        let page = format!("<select><title>{}", "<div>".repeat(30));
        assert_eq!(depths(&page), (31, 1));
        // Past the limit the scan stops, with the page as it came.
        let deep = "<div>".repeat(100);
        let (text, depth) = super::clean_measured(&deep, 1024, 10);
        assert_eq!((&*text, depth), (deep.as_str(), 11));
    }
}

#[cfg(test)]
mod props {
    use proptest::prelude::*;

    /// The parsed tree as a flat list, without what the extractor never reads: the text
    /// inside scripts and styles, comment text, and SVG and MathML subtrees.
    fn shape(html: &str) -> Vec<String> {
        use html5ever::tendril::TendrilSink;
        // The extractor's parser: scripting off, so `<noscript>` holds markup.
        let doc = crate::extract::parser().one(html);
        let mut out = Vec::new();
        let mut stack = vec![(doc.tree.root(), 0)];
        while let Some((n, depth)) = stack.pop() {
            out.push(depth.to_string());
            let mut kids = true;
            match n.value() {
                scraper::Node::Element(e) => {
                    let attrs: Vec<_> = e
                        .attrs()
                        .filter(|(k, _)| !super::unread(k.as_bytes()))
                        .collect();
                    kids = !matches!(e.name(), "script" | "style" | "svg" | "math");
                    out.push(format!("<{} {attrs:?}>", e.name()));
                }
                scraper::Node::Text(t) => out.push(t.to_string()),
                scraper::Node::Comment(_) => out.push("<!---->".into()),
                _ => {}
            }
            if kids {
                let mut c = n.last_child();
                while let Some(k) = c {
                    stack.push((k, depth + 1));
                    c = k.prev_sibling();
                }
            }
        }
        out
    }

    const PIECES: &[&str] = &[
        "<script>",
        "</script>",
        "<SCRIPT type='x'>",
        "</script >",
        "<style>",
        "</style>",
        "<script type=\"application/ld+json\">",
        "<!--",
        "-->",
        "--!>",
        "<!-->",
        "<title>",
        "</title>",
        "<textarea>",
        "</textarea>",
        "<svg>",
        "</svg>",
        "<math>",
        "<p>",
        "</p>",
        "<div a='",
        "<a b=\"",
        "'>",
        "\">",
        ">",
        "<",
        "word",
        " ",
        "<![CDATA[",
        "]]>",
        "<xmp>",
        "</xmp>",
        "<noscript>",
        "</noscript>",
        "<iframe>",
        "</iframe>",
        "<plaintext>",
        "<!doctype html>",
        "<?x>",
        "</>",
        "</ p>",
        "<b>",
        "</b>",
        "<table>",
        "<td>",
        "é",
        "<template>",
        "</template>",
        "<select>",
        "</select>",
        "<option>",
        "<foreignObject>",
        "<input>",
        "<frameset>",
        "<desc>",
        "<head>",
        "</head>",
        "</body>",
        "</html>",
        "</foreignObject>",
        "</desc>",
        "<mi>",
        "</mi>",
        "</math>",
        "</br>",
        "<br>",
        "<svg/>",
        "<title/>",
        "<font color=red>",
        "<span>",
        "</span>",
        "<style/>",
        "<scripT>",
        "<a>",
        "</a>",
        "<g>",
        "</g>",
        "<path/>",
        "<caption>",
        "<tr>",
        "</td>",
        "</table>",
        "<image>",
        "<noembed>",
        "</noembed>",
        "<noframes>",
        "</desc >",
        "<mtext>",
        "</mtext>",
        "</div>",
        "<annotation-xml encoding=\"text/html\">",
        "<div>",
        "<li>",
        "<body>",
        "<html>",
    ];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        /// Cutting script and style bodies leaves every other node of the parsed tree as
        /// it was.
        #[test]
        fn cuts_change_nothing_else(idx in prop::collection::vec(0..PIECES.len(), 0..40)) {
            let html: String = idx.iter().map(|&i| PIECES[i]).collect();
            let cut = super::clean(&html, 1024);
            prop_assert_eq!(shape(&html), shape(&cut), "{} -> {}", html, cut);
        }
    }
}
