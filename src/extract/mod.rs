//! The extract stage: HTML (a string or bytes, plus an optional URL) to a [`Record`].
//!
//! The page is parsed once with html5ever, flattened once into an arena ([`dom`]), and every
//! pass — chrome detection ([`chrome`], [`classify`]), content scoring ([`score`]), metadata
//! ([`metadata`]), page typing ([`pagetype`]), side fields ([`side`]) and rendering
//! ([`render`]) — reads those arrays.

pub mod charset;
pub mod chrome;
pub mod classify;
pub mod confidence;
pub mod dates;
pub mod dom;
pub mod metadata;
pub mod pagetype;
pub mod pagetype_model;
pub mod render;
pub mod score;
pub mod side;

use scraper::Html;

use crate::error::{Error, Result};
use crate::record::{PageType, Record};

/// Settings for the extractor; build one with [`Extractor::builder`].
#[derive(Debug, Clone)]
pub struct Options {
    /// Inputs larger than this many bytes are refused with a `too_large` error.
    pub max_bytes: u64,
    /// Pages with more nodes than this are cut off at that many (the rest is ignored).
    pub max_nodes: usize,
    /// Pages nested deeper than this are refused with a `too_deep` error: html5ever's tree
    /// builder scans the open-element stack per tag, so pathological nesting is quadratic.
    pub max_depth: usize,
    /// Also render the article as Markdown into `Record::markdown`.
    pub markdown: bool,
    /// Also render the article as minimal semantic HTML into `Record::html`.
    pub html: bool,
    /// Turn every record that is not an article into a `not_article` error.
    pub articles_only: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_bytes: 20 * 1024 * 1024,
            max_nodes: 500_000,
            max_depth: 5_000,
            markdown: false,
            html: false,
            articles_only: false,
        }
    }
}

/// Builder for [`Extractor`].
#[derive(Debug, Clone, Default)]
pub struct ExtractorBuilder {
    opts: Options,
}

impl ExtractorBuilder {
    /// Refuses inputs over `n` bytes.
    pub fn max_bytes(mut self, n: u64) -> Self {
        self.opts.max_bytes = n;
        self
    }
    /// Caps the number of DOM nodes examined.
    pub fn max_nodes(mut self, n: usize) -> Self {
        self.opts.max_nodes = n.max(1);
        self
    }
    /// Refuses pages nested deeper than `n` elements.
    pub fn max_depth(mut self, n: usize) -> Self {
        self.opts.max_depth = n.max(1);
        self
    }
    /// Renders Markdown as well as plain text.
    pub fn markdown(mut self, yes: bool) -> Self {
        self.opts.markdown = yes;
        self
    }
    /// Renders minimal semantic HTML as well as plain text.
    pub fn html(mut self, yes: bool) -> Self {
        self.opts.html = yes;
        self
    }
    /// Makes non-article pages `not_article` errors.
    pub fn articles_only(mut self, yes: bool) -> Self {
        self.opts.articles_only = yes;
        self
    }
    /// Finishes the extractor.
    pub fn build(self) -> Extractor {
        Extractor { opts: self.opts }
    }
}

/// Turns HTML into records. Cheap to clone and safe to share across threads.
#[derive(Debug, Clone, Default)]
pub struct Extractor {
    opts: Options,
}

impl Extractor {
    /// An extractor with default settings.
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts configuring an extractor.
    pub fn builder() -> ExtractorBuilder {
        ExtractorBuilder::default()
    }

    /// The settings in force.
    pub fn options(&self) -> &Options {
        &self.opts
    }

    /// Extracts a record from raw bytes, decoding them first (BOM, `http_charset`, `<meta>`,
    /// detection). Never fails: problems become an error record. `source` is left empty.
    pub fn extract_bytes(
        &self,
        bytes: &[u8],
        url: Option<&str>,
        http_charset: Option<&str>,
    ) -> Record {
        match self.try_extract_bytes(bytes, url, http_charset) {
            Ok(r) => r,
            Err(e) => error_record(&e, url),
        }
    }

    /// Like [`Extractor::extract_bytes`], but returns input problems as a typed error.
    pub fn try_extract_bytes(
        &self,
        bytes: &[u8],
        url: Option<&str>,
        http_charset: Option<&str>,
    ) -> Result<Record> {
        if bytes.len() as u64 > self.opts.max_bytes {
            return Err(Error::TooLarge {
                size: bytes.len() as u64,
                limit: self.opts.max_bytes,
            });
        }
        check_not_binary(bytes)?;
        let (text, enc) = charset::decode(bytes, http_charset);
        let mut r = self.try_extract(&text, url)?;
        r.charset = Some(enc.to_string());
        Ok(r)
    }

    /// Extracts a record from an HTML string. Never fails: problems become an error record.
    pub fn extract(&self, html: &str, url: Option<&str>) -> Record {
        match self.try_extract(html, url) {
            Ok(r) => r,
            Err(e) => error_record(&e, url),
        }
    }

    /// Like [`Extractor::extract`], but returns input problems as a typed error.
    pub fn try_extract(&self, html: &str, url: Option<&str>) -> Result<Record> {
        self.check(html)?;
        Ok(self.parsed(html, url, |_, _, rec| rec))
    }

    /// Extracts `html` and hands the record to `f` together with the flattened page and its
    /// analysis (`None` when the input was refused before parsing). The page is parsed once,
    /// so reports such as [`crate::explain`] see exactly the decisions behind the record.
    pub fn extract_with<R>(
        &self,
        html: &str,
        url: Option<&str>,
        f: impl FnOnce(Record, Option<(&dom::Dom, &Analysis)>) -> R,
    ) -> R {
        match self.check(html) {
            Err(e) => f(error_record(&e, url), None),
            Ok(()) => self.parsed(html, url, |dom, a, rec| f(rec, Some((dom, a)))),
        }
    }

    /// Parses, flattens and analyses a page that passed [`Extractor::check`], then builds
    /// its record.
    fn parsed<R>(
        &self,
        html: &str,
        url: Option<&str>,
        f: impl FnOnce(&dom::Dom, &Analysis, Record) -> R,
    ) -> R {
        let doc = parse(html);
        let dom = dom::Dom::build(&doc, self.opts.max_nodes);
        let a = analyse(&dom, url);
        let mut rec = self.record_of(&dom, &a, url);
        if self.opts.articles_only && rec.page_type != Some(PageType::Article) {
            let pt = rec.page_type.map(|p| p.as_str()).unwrap_or("other");
            rec.error = Some(crate::record::RecordError {
                kind: "not_article".into(),
                message: format!("page type is {pt}, not article"),
            });
        }
        f(&dom, &a, rec)
    }

    /// Refuses inputs that must not be parsed: too large, empty, without markup, or nested
    /// so deep that html5ever's tree builder would go quadratic.
    fn check(&self, html: &str) -> Result<()> {
        if html.len() as u64 > self.opts.max_bytes {
            return Err(Error::TooLarge {
                size: html.len() as u64,
                limit: self.opts.max_bytes,
            });
        }
        if html.trim().is_empty() {
            return Err(Error::Empty);
        }
        if !has_markup(html) {
            return Err(Error::NotHtml("no HTML markup".into()));
        }
        let depth = nesting_estimate(html, self.opts.max_depth);
        if depth > self.opts.max_depth {
            return Err(Error::TooDeep(self.opts.max_depth));
        }
        Ok(())
    }

    fn record_of(&self, dom: &dom::Dom, a: &Analysis, url: Option<&str>) -> Record {
        // Relative links resolve against <base href> (itself resolved against the page URL).
        let page_url = url.and_then(|u| url::Url::parse(u).ok());
        let base = match (&dom.base, &page_url) {
            (Some(b), Some(p)) => p.join(b).ok().or_else(|| page_url.clone()),
            (Some(b), None) => url::Url::parse(b).ok(),
            (None, p) => p.clone(),
        };
        let (meta, page_type, sel) = (&a.meta, a.page_type, &a.sel);
        let keep = sel.keep_mask();
        let text = render::text(dom, &sel.roots, &keep);
        let markdown = self
            .opts
            .markdown
            .then(|| render::markdown(dom, &sel.roots, &keep, base.as_ref()));
        let html = self
            .opts
            .html
            .then(|| render::html(dom, &sel.roots, &keep, base.as_ref()));
        let signals = confidence::signals(dom, sel, &keep, &text, meta, page_type, a.type_prob);
        let confidence = Some(confidence::confidence(&signals));
        let comments = side::comments(dom, &sel.comment_sections);
        let related = side::related(dom, &sel.related_sections, base.as_ref());
        let mut provenance = meta.provenance.clone();
        let language = meta.language.clone().or_else(|| {
            let l = detect_language(&text);
            if l.is_some() {
                provenance.insert("language".into(), "detected".into());
            }
            l
        });
        Record {
            schema_version: crate::record::SCHEMA_VERSION,
            source: String::new(),
            url: meta.url.clone(),
            title: meta.title.clone(),
            authors: meta.authors.clone(),
            date: meta.date.clone(),
            modified: meta.modified.clone(),
            site_name: meta.site_name.clone(),
            language,
            description: meta.description.clone(),
            image: meta.image.clone(),
            tags: meta.tags.clone(),
            page_type: Some(page_type),
            confidence,
            text,
            markdown,
            html,
            comments,
            related,
            fetched_at: None,
            charset: None,
            provenance,
            error: None,
        }
    }
}

/// The error record for an input the extractor refused.
fn error_record(e: &Error, url: Option<&str>) -> Record {
    let mut r = Record::failed("", e.kind(), e.to_string());
    r.url = url.map(str::to_string);
    r
}

/// Every decision about one flattened page: metadata, page type and content selection.
pub struct Analysis {
    /// The page's metadata (teaser bylines and dates dropped on index pages).
    pub meta: metadata::Meta,
    /// The structural features the page-type model read.
    pub features: pagetype::Features,
    /// The page type.
    pub page_type: PageType,
    /// The page-type model's probability for it.
    pub type_prob: f32,
    /// What is content, what is chrome, and why.
    pub sel: score::Selection,
}

/// Runs metadata, page typing and content selection on a flattened page: the one pipeline
/// behind records, traces, reports and model inputs.
pub fn analyse(dom: &dom::Dom, url: Option<&str>) -> Analysis {
    let mut meta = metadata::extract(dom, url);
    let features = pagetype::features(dom);
    let (page_type, type_prob) =
        pagetype::classify_model(&meta, meta.url.as_deref().or(url), &features);
    if matches!(page_type, PageType::Listing | PageType::Collection) {
        // On an index, the first teaser's byline and date are not the page's.
        if meta
            .provenance
            .get("date")
            .is_some_and(|p| p == "time" || p == "byline")
        {
            meta.date = None;
            meta.provenance.remove("date");
        }
        if meta
            .provenance
            .get("authors")
            .is_some_and(|p| p == "byline")
        {
            meta.authors.clear();
            meta.provenance.remove("authors");
        }
    }
    let sel = score::select(dom, &meta, page_type);
    Analysis {
        meta,
        features,
        page_type,
        type_prob,
        sel,
    }
}

/// Whether the text contains at least one tag (`<x`, `</x` or `<!`) in its first 64 KiB.
fn has_markup(html: &str) -> bool {
    let b = &html.as_bytes()[..html.len().min(64 * 1024)];
    memchr::memchr_iter(b'<', b).any(|k| {
        b.get(k + 1)
            .is_some_and(|&c| c.is_ascii_alphabetic() || c == b'/' || c == b'!')
    })
}

/// Estimates the deepest element nesting from the raw markup, stopping once past `limit`.
///
/// Every start tag counts except void elements, elements the parser closes by itself
/// (`<p>`, `<li>`, table parts...) and self-closed `<x/>` in SVG and MathML content, so the
/// estimate never exceeds the real depth on sane markup; script and style bodies are skipped.
///
/// End tags are matched against a model of the parser's open elements, because the parser
/// ignores a stray `</b>` and does not self-close `<div/>`: the fuzzer found that counting
/// every end tag as a close let `<div></b>` repeated 20 000 times (180 KB) through at a real
/// depth of 20 000, and html5ever's quadratic scope checks then took seconds.
fn nesting_estimate(html: &str, limit: usize) -> usize {
    const NOT_NESTING: &[&[u8]] = &[
        b"area",
        b"base",
        b"br",
        b"col",
        b"embed",
        b"hr",
        b"img",
        b"input",
        b"link",
        b"meta",
        b"source",
        b"track",
        b"wbr",
        b"param",
        b"keygen",
        b"basefont",
        b"bgsound",
        b"frame",
        b"p",
        b"li",
        b"dt",
        b"dd",
        b"option",
        b"optgroup",
        b"tr",
        b"td",
        b"th",
        b"thead",
        b"tbody",
        b"tfoot",
        b"colgroup",
        b"caption",
        b"rb",
        b"rt",
        b"rp",
        b"rtc",
        b"html",
        b"head",
        b"body",
        b"image",
        b"isindex",
    ];
    const RAW: &[&[u8]] = &[
        b"script",
        b"style",
        b"textarea",
        b"xmp",
        b"title",
        b"plaintext",
    ];
    let b = html.as_bytes();
    let mut depth: usize = 0;
    let mut max = 0;
    let mut i = 0;
    let mut open = OpenElements::default();
    while let Some(off) = memchr::memchr(b'<', &b[i..]) {
        i += off + 1;
        let close = b.get(i) == Some(&b'/');
        let start = if close { i + 1 } else { i };
        let mut end = start;
        while end < b.len()
            && end - start < 16
            && (b[end].is_ascii_alphanumeric() || b[end] == b'-' || b[end] == b':')
        {
            end += 1;
        }
        if end == start || end >= b.len() || !b[start].is_ascii_alphabetic() {
            continue;
        }
        let name = b[start..end].to_ascii_lowercase();
        if close {
            if !NOT_NESTING.contains(&name.as_slice()) {
                open.close(&name);
                depth = open.len();
            }
            continue;
        }
        let tag_end = memchr::memchr(b'>', &b[end..])
            .map(|e| end + e)
            .unwrap_or(b.len());
        if open.foreign() && BREAKOUT.contains(&name.as_slice()) {
            open.leave_foreign();
            depth = open.len();
        }
        let foreign = open.foreign();
        if !foreign && RAW.contains(&name.as_slice()) {
            // Jump over the raw-text body to its end tag.
            let mut closing = b"</".to_vec();
            closing.extend_from_slice(&name);
            let rest = &b[tag_end.min(b.len())..];
            let lower_find = memchr::memmem::find_iter(rest, b"</").find(|&k| {
                rest.len() >= k + closing.len()
                    && rest[k..k + closing.len()].eq_ignore_ascii_case(&closing)
            });
            i = match lower_find {
                Some(k) => tag_end + k + closing.len(),
                None => b.len(),
            };
            continue;
        }
        // Only SVG and MathML honour `/>` (`<svg/>` too); `<div/>` opens a div like `<div>`.
        let self_closed = (foreign || name == b"svg" || name == b"math")
            && tag_end > 0
            && tag_end <= b.len()
            && b[..tag_end].ends_with(b"/");
        if NOT_NESTING.contains(&name.as_slice()) || self_closed {
            continue;
        }
        open.push(name, foreign);
        depth += 1;
        if depth > max {
            max = depth;
            if max > limit {
                return max;
            }
        }
    }
    max
}

/// Start tags that end SVG or MathML content: the parser closes the foreign elements first.
const BREAKOUT: &[&[u8]] = &[
    b"b",
    b"big",
    b"blockquote",
    b"body",
    b"br",
    b"center",
    b"code",
    b"dd",
    b"div",
    b"dl",
    b"dt",
    b"em",
    b"embed",
    b"h1",
    b"h2",
    b"h3",
    b"h4",
    b"h5",
    b"h6",
    b"head",
    b"hr",
    b"i",
    b"img",
    b"li",
    b"listing",
    b"menu",
    b"meta",
    b"nobr",
    b"ol",
    b"p",
    b"pre",
    b"ruby",
    b"s",
    b"small",
    b"span",
    b"strong",
    b"strike",
    b"sub",
    b"sup",
    b"table",
    b"tt",
    b"u",
    b"ul",
    b"var",
];

/// The open elements as [`nesting_estimate`] models them, with what the parser needs to
/// decide whether an end tag closes anything. Every query is O(1) and every element is
/// pushed and popped once, so the estimate stays linear in the input.
#[derive(Default)]
struct OpenElements {
    /// Name of each open element, and whether its content is SVG or MathML.
    stack: Vec<(Vec<u8>, bool)>,
    /// Stack positions of the open elements of each name.
    by_name: std::collections::HashMap<Vec<u8>, Vec<usize>>,
    /// Stack positions of open "special" elements: an end tag of an ordinary element
    /// (`</span>`) is ignored when one of these was opened after it.
    special: Vec<usize>,
    /// Stack positions of open scope boundaries: an end tag of a special element (`</div>`)
    /// is ignored when one of these was opened after it.
    boundary: Vec<usize>,
}

impl OpenElements {
    const SPECIAL: &'static [&'static [u8]] = &[
        b"address",
        b"applet",
        b"article",
        b"aside",
        b"blockquote",
        b"button",
        b"center",
        b"details",
        b"dir",
        b"div",
        b"dl",
        b"fieldset",
        b"figcaption",
        b"figure",
        b"footer",
        b"form",
        b"frameset",
        b"h1",
        b"h2",
        b"h3",
        b"h4",
        b"h5",
        b"h6",
        b"header",
        b"hgroup",
        b"iframe",
        b"listing",
        b"main",
        b"marquee",
        b"menu",
        b"nav",
        b"noembed",
        b"noframes",
        b"noscript",
        b"object",
        b"ol",
        b"pre",
        b"search",
        b"section",
        b"select",
        b"summary",
        b"table",
        b"template",
        b"ul",
        b"mi",
        b"mo",
        b"mn",
        b"ms",
        b"mtext",
        b"annotation-xml",
        b"foreignobject",
        b"desc",
        b"title",
    ];
    const BOUNDARY: &'static [&'static [u8]] =
        &[b"applet", b"marquee", b"object", b"table", b"template"];
    /// Foreign elements whose content is HTML again.
    const INTEGRATION: &'static [&'static [u8]] = &[
        b"foreignobject",
        b"desc",
        b"title",
        b"mi",
        b"mo",
        b"mn",
        b"ms",
        b"mtext",
        b"annotation-xml",
    ];

    fn len(&self) -> usize {
        self.stack.len()
    }

    /// Whether the current element's content is SVG or MathML.
    fn foreign(&self) -> bool {
        self.stack.last().is_some_and(|e| e.1)
    }

    /// Opens `name`; `in_foreign` tells whether it starts inside SVG or MathML content.
    fn push(&mut self, name: Vec<u8>, in_foreign: bool) {
        let n = name.as_slice();
        let foreign = if in_foreign {
            !Self::INTEGRATION.contains(&n)
        } else {
            n == b"svg" || n == b"math"
        };
        let at = self.stack.len();
        // Inside SVG or MathML, names like `title` are not HTML's special elements.
        if !in_foreign || Self::INTEGRATION.contains(&n) {
            if Self::SPECIAL.contains(&n) {
                self.special.push(at);
            }
            if Self::BOUNDARY.contains(&n) {
                self.boundary.push(at);
            }
        }
        self.by_name.entry(name.clone()).or_default().push(at);
        self.stack.push((name, foreign));
    }

    fn pop(&mut self) {
        let Some((name, _)) = self.stack.pop() else {
            return;
        };
        let at = self.stack.len();
        if let Some(v) = self.by_name.get_mut(&name) {
            v.pop();
        }
        if self.special.last() == Some(&at) {
            self.special.pop();
        }
        if self.boundary.last() == Some(&at) {
            self.boundary.pop();
        }
    }

    /// An end tag: closes the latest open `name` and everything opened after it, unless the
    /// parser would ignore the tag (nothing of that name open, or a special element or
    /// scope boundary in the way).
    fn close(&mut self, name: &[u8]) {
        let Some(&at) = self.by_name.get(name).and_then(|v| v.last()) else {
            return;
        };
        let blockers = if Self::SPECIAL.contains(&name) {
            &self.boundary
        } else {
            &self.special
        };
        if blockers.last().is_some_and(|&b| b > at) {
            return;
        }
        while self.stack.len() > at {
            self.pop();
        }
    }

    /// An HTML start tag inside SVG or MathML: the foreign elements are closed first.
    fn leave_foreign(&mut self) {
        while self.foreign() {
            self.pop();
        }
    }
}

/// Parses a document with scripting off, so that `<noscript>` content (the only server-side
/// rendering of some forums and apps) is markup rather than raw text.
fn parse(html: &str) -> Html {
    use html5ever::tendril::TendrilSink;
    let html = neutralize_noscript_frames(html);
    let opts = html5ever::ParseOpts {
        tree_builder: html5ever::tree_builder::TreeBuilderOpts {
            scripting_enabled: false,
            ..Default::default()
        },
        ..Default::default()
    };
    html5ever::driver::parse_document(scraper::HtmlTreeSink::new(Html::new_document()), opts)
        .one(&*html)
}

/// Renames `<iframe` inside `<noscript>` to an inert tag. With scripting off, an iframe's
/// content is raw text up to `</iframe>`, so the common tracking-pixel fallback
/// `<noscript><iframe .../></noscript>` would otherwise swallow the rest of the page.
fn neutralize_noscript_frames(html: &str) -> std::borrow::Cow<'_, str> {
    let finder = memchr::memmem::Finder::new(b"<noscript");
    let b = html.as_bytes();
    let mut out: Option<Vec<u8>> = None;
    let mut pos = 0;
    while let Some(off) = finder.find(&b[pos..]) {
        let start = pos + off;
        let end = memchr::memmem::find(&b[start..], b"</noscript")
            .map(|e| start + e)
            .unwrap_or(b.len());
        for hit in memchr::memmem::find_iter(&b[start..end], b"<iframe") {
            let buf = out.get_or_insert_with(|| b.to_vec());
            // Same length, ASCII for ASCII: the result stays valid UTF-8.
            buf[start + hit + 1] = b'x';
        }
        pos = end.max(start + 1);
    }
    match out {
        Some(v) => std::borrow::Cow::Owned(
            String::from_utf8(v)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        ),
        None => std::borrow::Cow::Borrowed(html),
    }
}

/// Refuses bytes that are clearly not a text document (images, PDFs, archives, binaries).
fn check_not_binary(bytes: &[u8]) -> Result<()> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::Empty);
    }
    const MAGIC: &[(&[u8], &str)] = &[
        (b"\x89PNG", "PNG image"),
        (b"GIF8", "GIF image"),
        (b"\xFF\xD8\xFF", "JPEG image"),
        (b"%PDF", "PDF document"),
        (b"PK\x03\x04", "ZIP archive"),
        (b"\x1F\x8B", "gzip data"),
        (b"RIFF", "RIFF media"),
        (b"\x7FELF", "ELF executable"),
        (b"BZh", "bzip2 data"),
        (b"\x28\xB5\x2F\xFD", "zstd data"),
        (b"OggS", "Ogg media"),
        (b"\x00\x00\x01\x00", "icon"),
    ];
    for (m, what) in MAGIC {
        if bytes.starts_with(m) {
            return Err(Error::NotHtml(what.to_string()));
        }
    }
    // UTF-16 text legitimately has NULs; anything else with many is binary.
    if charset::sniff(bytes, None).name().starts_with("UTF-16") {
        return Ok(());
    }
    let head = &bytes[..bytes.len().min(8192)];
    let nuls = head.iter().filter(|&&b| b == 0).count();
    let ctrl = head
        .iter()
        .filter(|&&b| b < 0x09 || (b > 0x0d && b < 0x20 && b != 0x1b))
        .count();
    if nuls > head.len() / 100 + 1 || ctrl > head.len() / 10 + 4 {
        return Err(Error::NotHtml("binary data".into()));
    }
    Ok(())
}

/// Detects the language of `text` with whatlang, as a BCP 47 primary tag.
pub fn detect_language(text: &str) -> Option<String> {
    let sample: String = text.chars().take(4000).collect();
    if sample.split_whitespace().count() < 5 && sample.chars().count() < 40 {
        return None;
    }
    let info = whatlang::detect(&sample)?;
    if !info.is_reliable() && info.confidence() < 0.5 {
        return None;
    }
    Some(iso639_1(info.lang().code()).to_string())
}

/// ISO 639-3 (whatlang) to the shortest BCP 47 tag.
fn iso639_1(code: &str) -> &str {
    match code {
        "eng" => "en",
        "rus" => "ru",
        "cmn" => "zh",
        "spa" => "es",
        "por" => "pt",
        "ita" => "it",
        "ben" => "bn",
        "fra" => "fr",
        "deu" => "de",
        "ukr" => "uk",
        "kat" => "ka",
        "arb" => "ar",
        "hin" => "hi",
        "jpn" => "ja",
        "heb" => "he",
        "yid" => "yi",
        "pol" => "pl",
        "amh" => "am",
        "jav" => "jv",
        "kor" => "ko",
        "nob" => "nb",
        "dan" => "da",
        "swe" => "sv",
        "fin" => "fi",
        "tur" => "tr",
        "nld" => "nl",
        "hun" => "hu",
        "ces" => "cs",
        "ell" => "el",
        "bul" => "bg",
        "bel" => "be",
        "mar" => "mr",
        "kan" => "kn",
        "ron" => "ro",
        "slv" => "sl",
        "hrv" => "hr",
        "srp" => "sr",
        "mkd" => "mk",
        "lit" => "lt",
        "lav" => "lv",
        "est" => "et",
        "tam" => "ta",
        "vie" => "vi",
        "urd" => "ur",
        "tha" => "th",
        "guj" => "gu",
        "uzb" => "uz",
        "pan" => "pa",
        "aze" => "az",
        "ind" => "id",
        "tel" => "te",
        "pes" => "fa",
        "mal" => "ml",
        "ori" => "or",
        "mya" => "my",
        "nep" => "ne",
        "sin" => "si",
        "khm" => "km",
        "tuk" => "tk",
        "aka" => "ak",
        "zul" => "zu",
        "sna" => "sn",
        "afr" => "af",
        "lat" => "la",
        "slk" => "sk",
        "cat" => "ca",
        "tgl" => "tl",
        "hye" => "hy",
        "epo" => "eo",
        other => other,
    }
}

/// The model inputs for one page, for training: the page-type vector and the confidence
/// signals of its extraction.
pub fn model_inputs(html: &str, url: Option<&str>) -> (Vec<f32>, Vec<f32>) {
    with_analysis(html, url, |dom, a| {
        let x = pagetype::vector(&a.meta, a.meta.url.as_deref().or(url), &a.features);
        let keep = a.sel.keep_mask();
        let text = render::text(dom, &a.sel.roots, &keep);
        let c = confidence::signals(dom, &a.sel, &keep, &text, &a.meta, a.page_type, a.type_prob);
        (x, c)
    })
}

/// A plain-text trace of the content decisions for one page: the chosen roots and every
/// removed subtree with its reason. For debugging extraction on a site.
pub fn trace(html: &str, url: Option<&str>) -> String {
    with_analysis(html, url, trace_report)
}

fn trace_report(dom: &dom::Dom, a: &Analysis) -> String {
    use std::fmt::Write as _;
    let (meta, page_type, sel) = (&a.meta, a.page_type, &a.sel);
    let mut out = String::new();
    let desc = |i: usize| -> String {
        let n = &dom.nodes[i];
        let el = dom.element(i);
        format!(
            "#{i} <{}{}{}> chars={} ld={:.2}",
            el.map(|e| e.name()).unwrap_or("?"),
            el.and_then(|e| e.attr("id"))
                .map(|s| format!(" id={s:?}"))
                .unwrap_or_default(),
            el.and_then(|e| e.attr("class"))
                .map(|s| format!(" class={:?}", s.chars().take(60).collect::<String>()))
                .unwrap_or_default(),
            n.chars,
            dom.link_density(i)
        )
    };
    let _ = writeln!(
        out,
        "title={:?} type={:?} title_node={:?}",
        meta.title,
        page_type,
        sel.title_node.map(desc)
    );
    let _ = writeln!(
        out,
        "type_prob={:.3} features={:?} date={:?} authors={:?} ld={:?} og={:?}",
        a.type_prob, a.features, meta.date, meta.authors, meta.ld_types, meta.og_type
    );
    for &r in &sel.roots {
        let _ = writeln!(out, "ROOT {}", desc(r));
    }
    for (i, r) in sel.removed.iter().enumerate() {
        if let Some(r) = r {
            let t: String = dom.text_of(i).chars().take(80).collect();
            let _ = writeln!(out, "  {:<12} {} {:?}", r.as_str(), desc(i), t);
        }
    }
    out
}

/// Runs the content-selection passes on one page (as [`Extractor`] does, with default limits)
/// and hands the flattened page, its metadata, page type and selection to `f`. For reports
/// such as [`crate::explain`]; the arena borrows the parsed document, hence the closure.
pub fn with_analysis<R>(
    html: &str,
    url: Option<&str>,
    f: impl FnOnce(&dom::Dom, &Analysis) -> R,
) -> R {
    let doc = parse(html);
    let dom = dom::Dom::build(&doc, Options::default().max_nodes);
    let a = analyse(&dom, url);
    f(&dom, &a)
}
