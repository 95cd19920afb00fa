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
mod rawtext;
pub mod render;
pub mod score;
pub mod side;

use std::time::{Duration, Instant};

use scraper::Html;

use crate::error::{Error, Result};
use crate::record::{PageType, Record};

/// Settings for the extractor; build one with [`Extractor::builder`].
#[derive(Debug, Clone)]
pub struct Options {
    /// Inputs larger than this many bytes are refused with a `too_large` error.
    pub max_bytes: u64,
    /// Pages whose parsed tree holds more nodes (elements, text runs, comments) than this are
    /// refused with a `too_many_nodes` error; checked while parsing, so the tree never grows
    /// far past it.
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
    /// Give up on a page (a `page_timeout` error) once parsing and analysing it has taken
    /// longer than this, so one pathological page cannot stall a worker; `None`: no limit.
    /// Checked between 64 KiB parser chunks and between passes, so a single pass can
    /// overrun it.
    pub time_limit: Option<Duration>,
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
            time_limit: Some(Duration::from_secs(10)),
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
    /// Refuses pages of more than `n` DOM nodes with a `too_many_nodes` error.
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
    /// Gives up on a page after `d` of parsing and analysis; `Duration::ZERO` means no limit.
    pub fn time_limit(mut self, d: Duration) -> Self {
        self.opts.time_limit = (!d.is_zero()).then_some(d);
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
        let budget = Budget::start(&self.opts);
        self.check(html)?;
        self.parsed(html, url, &budget, |_, _, rec| rec)
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
        let budget = Budget::start(&self.opts);
        if let Err(e) = self.check(html) {
            return f(error_record(&e, url), None);
        }
        // `f` runs at most once: either inside `parsed` or with the error record.
        let mut f = Some(f);
        match self.parsed(html, url, &budget, |dom, a, rec| {
            (f.take().expect("called once"))(rec, Some((dom, a)))
        }) {
            Ok(r) => r,
            Err(e) => (f.take().expect("not called"))(error_record(&e, url), None),
        }
    }

    /// Parses, flattens and analyses a page that passed [`Extractor::check`], then builds
    /// its record; fails when the page trips the node or time budget.
    fn parsed<R>(
        &self,
        html: &str,
        url: Option<&str>,
        budget: &Budget,
        f: impl FnOnce(&dom::Dom, &Analysis, Record) -> R,
    ) -> Result<R> {
        let doc = parse_within(html, self.opts.max_nodes, budget)?;
        budget.check("flattening")?;
        let dom = dom::Dom::build(&doc, self.opts.max_nodes);
        budget.check("analysing")?;
        let a = analyse(&dom, url);
        budget.check("rendering")?;
        let mut rec = self.record_of(&dom, &a, url);
        if self.opts.articles_only && rec.page_type != Some(PageType::Article) {
            let pt = rec.page_type.map(|p| p.as_str()).unwrap_or("other");
            rec.error = Some(crate::record::RecordError {
                kind: "not_article".into(),
                message: format!("page type is {pt}, not article"),
            });
        }
        Ok(f(&dom, &a, rec))
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
        let base = render::base_url(url, dom.base.as_deref());
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
    let mut sel = score::select(dom, &meta, page_type);
    if page_type == PageType::Article && type_prob < UNSURE_ARTICLE {
        // A second reading for pages that may not be articles at all (landing pages, link
        // hubs, threads): the page's whole main area, as for service pages. It wins when it
        // holds at least a quarter more text than the article reading: a real article gains
        // only a "Back to news" line or two from it, while on an index the article reading
        // took one teaser of many. (Its wider net can also trip over chrome and be pruned
        // to nothing; then the article reading stays.)
        let wide = score::select(dom, &meta, PageType::Service);
        let (a, w) = (sel.kept_chars(dom), wide.kept_chars(dom));
        if w * 4 >= a * 5 {
            sel = wide;
        }
    }
    // Landing and shop pages' h1s are slogans ("Your content. Your canvas."); their
    // metadata title names the page.
    if matches!(
        page_type,
        PageType::Article | PageType::Documentation | PageType::Forum
    ) {
        prefer_visible_headline(dom, &sel, &mut meta);
    }
    Analysis {
        meta,
        features,
        page_type,
        type_prob,
        sel,
    }
}

/// Below this page-type probability an "article" is also read as a whole-page main area
/// (see [`analyse`]). Chosen on wcxb: 0.6, 0.7, 0.8 give 0.844, 0.846, 0.848 shingle F1 (with
/// no margin on the text gained), scrapinghub's articles unchanged.
const UNSURE_ARTICLE: f32 = 0.8;

/// Takes the page's own `<h1>` as the title when it opens the main content but the
/// metadata titles say something else: `og:title` and `<title>` are often written for search
/// engines, while readers (and anyone citing the page) know it by its visible headline.
fn prefer_visible_headline(dom: &dom::Dom, sel: &score::Selection, meta: &mut metadata::Meta) {
    if meta.provenance.get("title").is_some_and(|p| p == "h1") {
        return;
    }
    // A page with several h1s uses them for sections or teasers: none is the headline.
    let mut h1s = (0..dom.nodes.len()).filter(|&i| dom.nodes[i].tag == dom::Tag::H(1));
    let (Some(h), None) = (h1s.next(), h1s.next()) else {
        return;
    };
    let text = metadata::heading_text(dom, h);
    let words = text.split_whitespace().count();
    if !(3..=30).contains(&words) {
        return;
    }
    // Not inside anything removed as chrome (the h1 itself may be the removed title).
    let mut p = dom.nodes[h].parent;
    while p != u32::MAX {
        if sel.removed[p as usize].is_some() {
            return;
        }
        p = dom.nodes[p as usize].parent;
    }
    let Some(&first) = sel.roots.first() else {
        return;
    };
    let inside = sel.roots.iter().any(|&r| dom.contains(r, h));
    let just_before = h < first
        && (dom.nodes[first].text_start as usize).saturating_sub(dom.nodes[h].text_end as usize)
            < 400;
    if inside || just_before {
        meta.title = Some(text.to_string());
        meta.provenance.insert("title".into(), "h1".into());
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

/// The per-page time budget: a deadline fixed when extraction starts.
struct Budget {
    deadline: Option<(Instant, Duration)>,
}

impl Budget {
    fn start(opts: &Options) -> Budget {
        Budget {
            deadline: opts
                .time_limit
                .and_then(|d| Instant::now().checked_add(d).map(|t| (t, d))),
        }
    }

    /// Fails once the deadline has passed; `stage` names what was about to start.
    fn check(&self, stage: &'static str) -> Result<()> {
        match self.deadline {
            Some((t, limit)) if Instant::now() >= t => Err(Error::TimedOut { limit, stage }),
            _ => Ok(()),
        }
    }
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

/// Input fed to html5ever per step; between steps the time and node budgets are checked, so
/// a page that parses slowly (html5ever is quadratic in some constructs, such as many
/// attributes on one element) is stopped within about one chunk's work.
const PARSE_CHUNK: usize = 64 * 1024;

/// Parses a document with scripting off, so that `<noscript>` content (the only server-side
/// rendering of some forums and apps) is markup rather than raw text. Feeds the parser in
/// chunks and stops with an error when the tree passes `max_nodes` or the budget runs out.
fn parse_within(html: &str, max_nodes: usize, budget: &Budget) -> Result<Html> {
    parse_chunked(html, PARSE_CHUNK, max_nodes, budget)
}

fn parse_chunked(html: &str, chunk: usize, max_nodes: usize, budget: &Budget) -> Result<Html> {
    use html5ever::tendril::{StrTendril, TendrilSink};
    let html = prepare(html);
    let mut parser = parser();
    let nodes = |p: &html5ever::driver::Parser<scraper::HtmlTreeSink>| {
        p.tokenizer.sink.sink.0.borrow().tree.nodes().len()
    };
    let mut rest: &str = &html;
    while !rest.is_empty() {
        budget.check("parsing")?;
        let mut cut = rest.len().min(chunk);
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        if cut == 0 {
            // A chunk shorter than one character: take the whole character.
            cut = rest.chars().next().map_or(rest.len(), char::len_utf8);
        }
        let (chunk, tail) = rest.split_at(cut);
        parser.process(StrTendril::from_slice(chunk));
        rest = tail;
        if nodes(&parser) > max_nodes {
            return Err(Error::TooManyNodes(max_nodes));
        }
    }
    let doc = parser.finish();
    // Finishing flushes the tokenizer's pending input, which can still add nodes.
    if doc.tree.nodes().len() > max_nodes {
        return Err(Error::TooManyNodes(max_nodes));
    }
    Ok(doc)
}

/// Parses a document in one go, without limits (for the debugging entry points).
fn parse(html: &str) -> Html {
    use html5ever::tendril::TendrilSink;
    parser().one(&*prepare(html))
}

/// The source as the parser gets it: `<noscript>` frames made inert, script and style
/// bodies cut out, and attributes capped per tag.
fn prepare(html: &str) -> std::borrow::Cow<'_, str> {
    let html = neutralize_noscript_frames(html);
    let html = match rawtext::blank(&html) {
        std::borrow::Cow::Borrowed(_) => html,
        std::borrow::Cow::Owned(s) => std::borrow::Cow::Owned(s),
    };
    match cap_attributes(&html, MAX_ATTRIBUTES) {
        std::borrow::Cow::Borrowed(_) => html,
        std::borrow::Cow::Owned(s) => std::borrow::Cow::Owned(s),
    }
}

/// Attributes kept per start tag; real pages stay far below it.
const MAX_ATTRIBUTES: usize = 1024;

/// Drops the attributes of a start tag beyond the first `max`. html5ever compares each
/// attribute with all earlier ones of its tag (to drop duplicates), so one tag with 50,000
/// attributes takes minutes to parse; no extraction decision reads the 1,025th attribute.
///
/// Scans tags as the HTML tokenizer does (names, `=`, quoted and unquoted values) in one
/// linear pass. Inside scripts, styles and comments, which the tokenizer does not split into
/// tags, a run of over `max` space-separated words after a `<` and before any `>` would lose
/// the words past `max`; that never touches page text.
fn cap_attributes(html: &str, max: usize) -> std::borrow::Cow<'_, str> {
    let b = html.as_bytes();
    let ws = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | b'\x0c' | b'\r');
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while let Some(off) = memchr::memchr(b'<', &b[i..]) {
        i += off + 1;
        if !b.get(i).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        let mut k = i;
        while k < b.len() && !ws(b[k]) && b[k] != b'/' && b[k] != b'>' {
            k += 1;
        }
        let mut count = 0;
        let mut cut_from = None;
        loop {
            while k < b.len() && (ws(b[k]) || b[k] == b'/') {
                k += 1;
            }
            if k >= b.len() || b[k] == b'>' {
                break;
            }
            count += 1;
            if count == max + 1 {
                cut_from = Some(k);
            }
            // The name (its first character may be `=`), then an optional value.
            k += 1;
            while k < b.len() && !ws(b[k]) && !matches!(b[k], b'/' | b'>' | b'=') {
                k += 1;
            }
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
        }
        if let Some(c) = cut_from {
            cuts.push((c, k));
        }
        i = k.max(i);
    }
    if cuts.is_empty() {
        return std::borrow::Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len());
    let mut pos = 0;
    for (from, to) in cuts {
        // Cut points are ASCII bytes (an attribute's first byte after whitespace or `/`,
        // and `>` or the end), so both are character boundaries.
        out.push_str(&html[pos..from]);
        pos = to;
    }
    out.push_str(&html[pos..]);
    std::borrow::Cow::Owned(out)
}

fn parser() -> html5ever::driver::Parser<scraper::HtmlTreeSink> {
    let opts = html5ever::ParseOpts {
        tree_builder: html5ever::tree_builder::TreeBuilderOpts {
            scripting_enabled: false,
            ..Default::default()
        },
        ..Default::default()
    };
    html5ever::driver::parse_document(scraper::HtmlTreeSink::new(Html::new_document()), opts)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunked_parsing_builds_the_same_tree_as_one_go() {
        // Tiny chunks split tags, entities, CRLF pairs and multi-byte characters between
        // parser steps; streaming must not change the tree.
        let html = "<!DOCTYPE html>\r\n<html><head><title>T&amp;t</title><script>if (a<b) x='</p>'</script></head>\r\n\
            <body><p class=\"x\" id=y>Caf\u{e9} &eacute;&#233;&#x1F600; \u{1F600}\u{4e2d}\u{6587}<b>bold<i>both</b>it</i>\r\n\
            <table><tr><td>1<td>2</table><noscript><p>ns</p></noscript><!-- c --> &notanentity; &amp</body></html>";
        let one = parse(html).html();
        let unlimited = Budget { deadline: None };
        for chunk in [1, 2, 3, 5, 7, 64, 1 << 16] {
            let doc = parse_chunked(html, chunk, usize::MAX, &unlimited).unwrap();
            assert_eq!(doc.html(), one, "chunk {chunk}");
        }
    }

    #[test]
    fn attributes_past_the_cap_are_dropped() {
        let attrs: String = (0..3000).map(|i| format!(" a{i}=\"v {i} >\"")).collect();
        let html = format!("<p id=x{attrs} b=1>text</p><p c='1'>more</p>");
        let capped = cap_attributes(&html, 1000);
        let doc = parse(&capped);
        let sel = scraper::Selector::parse("p").unwrap();
        let ps: Vec<_> = doc.select(&sel).collect();
        assert_eq!(ps.len(), 2);
        assert_eq!(ps[0].value().attrs().count(), 1000);
        assert_eq!(ps[0].value().attr("id"), Some("x"));
        assert_eq!(ps[0].value().attr("a998"), Some("v 998 >"));
        assert_eq!(ps[0].text().collect::<String>(), "text");
        assert_eq!(ps[1].value().attr("c"), Some("1"));
        // Ordinary markup is left alone, without a copy.
        let page = "<a href=x title='a > b'>t</a> if (a<b) x <img src=y alt>";
        assert!(matches!(
            cap_attributes(page, 8),
            std::borrow::Cow::Borrowed(_)
        ));
        assert!(matches!(
            cap_attributes(page, 2),
            std::borrow::Cow::Owned(_)
        ));
    }

    #[test]
    fn node_cap_and_deadline_trip_while_parsing() {
        let html = "<p>x</p>".repeat(50_000);
        let unlimited = Budget { deadline: None };
        let e = parse_within(&html, 1_000, &unlimited).unwrap_err();
        assert!(e.is_too_many_nodes(), "{e:?}");
        let past = Budget {
            deadline: Some((Instant::now(), Duration::from_millis(1))),
        };
        let e = parse_within(&html, usize::MAX, &past).unwrap_err();
        assert!(e.is_timed_out(), "{e:?}");
        assert_eq!(e.kind(), "page_timeout");
    }
}
