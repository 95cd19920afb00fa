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
mod nesting;
pub mod pagetype;
pub mod pagetype_model;
mod prescan;
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
    /// Keep a low-confidence text that is only scraps (a few labels or prices, no sentence)
    /// instead of reporting that the page has no main content (empty `text`).
    pub keep_fragments: bool,
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
            keep_fragments: false,
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
    /// Keeps low-confidence scraps of text instead of an empty `text` (see
    /// [`Options::keep_fragments`]).
    pub fn keep_fragments(mut self, yes: bool) -> Self {
        self.opts.keep_fragments = yes;
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
        let doc = parse_within(html, &self.opts, budget)?;
        budget.check("flattening")?;
        let dom = dom::Dom::build(&doc, self.opts.max_nodes);
        budget.check("analysing")?;
        let mut a = analyse(&dom, url);
        budget.check("rendering")?;
        let mut rec = self.record_of(&dom, &a, url);
        if !self.opts.keep_fragments
            && rec.confidence.is_some_and(|c| c < FRAGMENTS_CONFIDENCE)
            && fragments_only(&rec.text)
            && scraps_amid_chrome(&dom, &a.sel)
        {
            a.sel.drop_roots(chrome::Reason::Fragments);
            rec = self.record_of(&dom, &a, url);
        }
        if self.opts.articles_only && rec.page_type != Some(PageType::Article) {
            let pt = rec.page_type.map(|p| p.as_str()).unwrap_or("other");
            rec.error = Some(crate::record::RecordError {
                kind: "not_article".into(),
                message: format!("page type is {pt}, not article"),
            });
        }
        Ok(f(&dom, &a, rec))
    }

    /// Refuses inputs that must not be parsed: too large, empty, or without markup. Pages
    /// nested too deep are refused later, once the source is cleaned for parsing.
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

/// Confidence under which a text of [`fragments_only`], [`scraps_amid_chrome`], is no main
/// content.
const FRAGMENTS_CONFIDENCE: f32 = 0.3;

/// Whether a text is scraps rather than content: under 50 words and 300 characters, and no
/// line of 8 words that could be a sentence (words as the flattened page counts them: two
/// Han or kana characters make one).
/// A script-rendered shop page leaves its SKU, a price or two and a "Trending searches" label.
fn fragments_only(text: &str) -> bool {
    let (mut chars, mut words) = (0, 0);
    for line in text.lines() {
        let (c, w, _, _) = dom::text_stats(line);
        if w >= 8 {
            return false;
        }
        chars += c;
        words += w;
    }
    chars > 0 && words < 50 && chars < 300
}

/// Whether the content kept is under a third of the page's text, the headline aside: scraps
/// left among menus and widgets. A page that is all content (dehusk's own HTML output read
/// back) never has its text taken for scraps.
fn scraps_amid_chrome(dom: &dom::Dom, sel: &score::Selection) -> bool {
    let title = sel.title_node.map_or(0, |t| dom.nodes[t].chars);
    let page = dom.nodes[dom.body].chars.saturating_sub(title);
    sel.kept_chars(dom) * 3 < u64::from(page)
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
    if matches!(
        page_type,
        PageType::Listing | PageType::Collection | PageType::Product
    ) {
        // On an index, the first teaser's byline and date are not the page's; on a product
        // page, dates in the page body belong to reviews and release notes.
        if meta
            .provenance
            .get("date")
            .is_some_and(|p| p == "time" || p == "byline" || p == "text-near-title")
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
    // A category page with an editor's copy (a buying guide, a FAQ under the grid) is read
    // for that copy, as an article: the product grid is the shop's navigation to the
    // products. Only when the copy is substantial, both in itself and beside the grid.
    if page_type == PageType::Collection && features.long_paras >= COPY_PARAGRAPHS {
        let copy = score::select(dom, &meta, PageType::Article);
        let (c, grid) = (copy.kept_chars(dom), sel.kept_chars(dom));
        if c >= 1000 && c * 4 >= grid {
            sel = copy;
        }
    }
    // Some articles are lists of links (a resource roundup, a forms index), which pruning
    // would take for menus. Whether it does is judged on the content alone, not on how sure
    // the model is of the page type, nor whether it says "article" or "other": both are
    // swayed by the site's menu and footer, and the same content must read the same inside
    // any page, and inside dehusk's own HTML output. (On forums, products and documentation
    // it keeps as much chrome as it recovers text: wcxb F1 0.8485 -> 0.8482 with them, three
    // forum threads worse. Only blocks pruned as links or images can come back, so the
    // second reading is tried only when they are enough to tip it.)
    if matches!(page_type, PageType::Article | PageType::Other) {
        let kept = sel.kept_chars(dom);
        let pruned: u64 = (sel.removed.iter().enumerate())
            .filter(|(_, r)| {
                matches!(
                    r,
                    Some(chrome::Reason::LinkDense | chrome::Reason::Boilerplate)
                )
            })
            .map(|(i, _)| u64::from(dom.nodes[i].chars))
            .sum();
        let (num, den) = LINKS_ARE_CONTENT;
        if (kept + pruned) * den >= kept * num {
            let lenient = score::select_lenient(dom, &meta, page_type);
            if lenient.kept_chars(dom) * den >= kept * num {
                sel = lenient;
            }
        }
    }
    if page_type == PageType::Article && type_prob < UNSURE_ARTICLE {
        // A second reading for pages that may not be articles at all (landing pages, link
        // hubs, threads): the page's whole main area, as for service pages. It wins when it
        // holds at least a quarter more text than the article reading: a real article gains
        // only a "Back to news" line or two from it, while on an index the article reading
        // took one teaser of many. (Its wider net can also trip over chrome and be pruned
        // to nothing; then the article reading stays.) Inside the article's own root the
        // article reading's judgement stands: the wide reading only adds what lies around it,
        // so a block of the content is kept or dropped alike whatever the page around it
        // makes the model believe, and dehusk's own output reads back to the same text.
        let wide = score::select(dom, &meta, PageType::Service);
        if let Some(wide) = sel.widened_by(wide, dom) {
            let (a, w) = (sel.kept_chars(dom), wide.kept_chars(dom));
            if w * 4 >= a * 5 {
                sel = wide;
            }
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

/// Link-heavy blocks inside the content are kept when keeping them gives at least this much
/// more text (7/5) than pruning them: then the links are what the page is about. 1.4 and 1.5
/// score the same on both corpora; at 1.25 "You may also like" lists under short posts stay
/// (scrapinghub F1 0.9779 but three articles worse), from 1.6 up link roundups lose theirs
/// (wcxb 0.8483 at 1.6, 0.8473 at 2).
const LINKS_ARE_CONTENT: (u64, u64) = (7, 5);

/// Below this page-type probability an "article" is also read as a whole-page main area
/// (see [`analyse`]). Chosen on wcxb: 0.6, 0.7, 0.8 give 0.844, 0.846, 0.848 shingle F1 (with
/// no margin on the text gained), scrapinghub's articles unchanged.
const UNSURE_ARTICLE: f32 = 0.8;

/// Long paragraphs that make a category page's copy worth reading as an article. Chosen on
/// wcxb: 3, 5, 8 give +0.51, +0.54, +0.10 summed document F1 (2960, 0648, 0644, 0645 gain
/// 0.28-0.60; 3006 and 0637, whose annotators kept the grid or whose copy sits in a hidden
/// quick view, lose 0.58 and 0.29).
const COPY_PARAGRAPHS: u32 = 5;

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

/// Input fed to html5ever per step; between steps the time and node budgets are checked, so
/// a page that parses slowly (html5ever is quadratic in some constructs, such as many
/// attributes on one element) is stopped within about one chunk's work.
const PARSE_CHUNK: usize = 64 * 1024;

/// Parses a document with scripting off, so that `<noscript>` content (the only server-side
/// rendering of some forums and apps) is markup rather than raw text. Feeds the parser in
/// chunks and stops with an error when the tree passes `max_nodes` or the budget runs out.
fn parse_within(html: &str, opts: &Options, budget: &Budget) -> Result<Html> {
    parse_chunked(html, PARSE_CHUNK, opts.max_nodes, opts.max_depth, budget)
}

/// Like [`parse_within`], with the chunk size to feed and the limits spelled out. Pages
/// nested deeper than `max_depth` are refused before html5ever sees them, since its tree
/// builder goes quadratic there; the estimate follows the cleaned source the parser gets.
fn parse_chunked(
    html: &str,
    chunk: usize,
    max_nodes: usize,
    max_depth: usize,
    budget: &Budget,
) -> Result<Html> {
    use html5ever::tendril::{StrTendril, TendrilSink};
    let (html, depth) = prepare_measured(html, max_depth);
    budget.check("parsing")?;
    if depth > max_depth {
        return Err(Error::TooDeep(max_depth));
    }
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
    prepare_measured(html, usize::MAX).0
}

/// [`prepare`], with the estimate of how deep the parser would nest the result, read in the
/// same scan and cut short once past `max_depth` (see [`nesting`]).
fn prepare_measured(html: &str, max_depth: usize) -> (std::borrow::Cow<'_, str>, usize) {
    let html = neutralize_noscript_frames(html);
    match prescan::clean_measured(&html, MAX_ATTRIBUTES, max_depth) {
        (std::borrow::Cow::Borrowed(_), depth) => (html, depth),
        (std::borrow::Cow::Owned(s), depth) => (std::borrow::Cow::Owned(s), depth),
    }
}

/// Attributes kept per start tag; real pages stay far below it.
const MAX_ATTRIBUTES: usize = 1024;

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
    fn a_hidden_store_of_urls_is_data_however_big() {
        let urls: String = (0..40)
            .map(|k| {
                format!("<dt>cat_thumb_{k}:</dt><dd>https://cdn.example.com/images/stencil/160x160/uploaded/5001/THUMB_{k}.jpg</dd>")
            })
            .collect();
        let html = format!(
            "<html><head><title>Staple Tee</title></head><body><main><h1>Staple Tee</h1>\
             <p>The Staple Tee is cut in a regular fit from mid-weight combed cotton, with neck \
             ribbing and double-needle hems that keep their shape wash after wash.</p>\
             <dl class=\"product-info hide\">{urls}</dl></main></body></html>"
        );
        let rec = Extractor::default().extract(&html, None);
        assert!(rec.text.contains("double-needle hems"), "{rec:?}");
        assert!(!rec.text.contains("cdn.example.com"), "{}", rec.text);
    }

    #[test]
    fn a_mega_menu_header_is_a_header_however_long() {
        // A script-built page: the server sends the menu and an empty app root.
        let links: String = (0..120)
            .map(|k| format!("<li><a href=/c/{k}>Ergonomic office chairs {k}</a></li>"))
            .collect();
        let html = format!(
            "<html><head><title>Mesh Office Chair</title></head><body><header>\
             <ul>{links}</ul><p>We group items in as few shipments as possible.</p></header>\
             <main id=app></main></body></html>"
        );
        with_analysis(&html, None, |dom, a| {
            let h = (0..dom.nodes.len())
                .find(|&i| dom.nodes[i].tag == dom::Tag::Header)
                .unwrap();
            assert!(dom.nodes[h].chars > 2000);
            assert_eq!(a.sel.removed[h], Some(chrome::Reason::Header));
        });
    }

    #[test]
    fn a_sections_header_is_its_heading_not_the_sites() {
        let html = "<html><head><title>Loom</title></head><body>\
            <header><nav><a href=/>Home</a> <a href=/pricing>Pricing</a></nav></header><main>\
            <section><header><h2>Edit your videos like a pro</h2><p>The editor lets you trim, \
            stitch clips and add backgrounds, so a message says what you meant.</p></header>\
            <p>Record your screen and camera at once, then share a link that plays anywhere, \
            with comments and reactions beside the video.</p></section></main></body></html>";
        let rec = Extractor::default().extract(html, None);
        assert!(
            rec.text.contains("Edit your videos like a pro"),
            "{}",
            rec.text
        );
        assert!(rec.text.contains("stitch clips"), "{}", rec.text);
        assert!(!rec.text.contains("Pricing"), "{}", rec.text);
    }

    #[test]
    fn scraps_are_not_content() {
        assert!(fragments_only("Model: ZGM-00026\n\nSKU: 10124570"));
        assert!(fragments_only("(17.2k)\n\nUSD 55.25\n\n(513)\n\nUSD 71.84"));
        assert!(!fragments_only(""));
        assert!(!fragments_only(
            "Indexes are a common way to enhance database performance."
        ));
        // A sentence in a script without spaces between words.
        assert!(!fragments_only(
            "東京都は二十八日、新しい交通計画を発表し、来年度から市内の路線バスを段階的に電気自動車へ切り替える方針を示した。"
        ));
    }

    #[test]
    fn a_page_of_scraps_has_no_main_content_unless_asked() {
        let html = "<html><head><title>Surface Laptop 13.8\" - Best Buy</title>\
            <meta property=\"og:type\" content=\"product\"></head><body>\
            <header><nav><a href=/a>Laptops</a> <a href=/b>Phones</a> <a href=/c>TVs</a>\
            <a href=/d>Deals</a></nav><form><input name=q></form></header>\
            <main><h1>Surface Laptop 13.8\" Touchscreen</h1><div class=sku>Model: ZGM-00026</div>\
            <div class=sku>SKU: 10124570</div><div id=app></div></main>\
            <footer><a href=/h>Help centre</a> <a href=/p>Privacy policy</a> <a href=/t>Terms \
            and conditions</a> <a href=/s>Store locator</a> <a href=/g>Gift cards</a></footer>\
            </body></html>";
        let rec = Extractor::default().extract(html, None);
        assert_eq!(rec.text, "", "{rec:?}");
        assert!(rec.confidence.is_some_and(|c| c < FRAGMENTS_CONFIDENCE));
        assert_eq!(
            rec.title.as_deref(),
            Some("Surface Laptop 13.8\" Touchscreen")
        );
        let kept = Extractor::builder()
            .keep_fragments(true)
            .build()
            .extract(html, None);
        assert!(kept.text.contains("SKU: 10124570"), "{kept:?}");
    }

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
            let doc = parse_chunked(html, chunk, usize::MAX, usize::MAX, &unlimited).unwrap();
            assert_eq!(doc.html(), one, "chunk {chunk}");
        }
    }

    #[test]
    fn attributes_past_the_cap_are_dropped() {
        let attrs: String = (0..3000).map(|i| format!(" a{i}=\"v {i} >\"")).collect();
        let html = format!("<p id=x{attrs} b=1>text</p><p c='1'>more</p>");
        let capped = prescan::clean(&html, 1000);
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
            prescan::clean(page, 8),
            std::borrow::Cow::Borrowed(_)
        ));
        assert!(matches!(
            prescan::clean(page, 2),
            std::borrow::Cow::Owned(_)
        ));
    }

    #[test]
    fn node_cap_and_deadline_trip_while_parsing() {
        let html = "<p>x</p>".repeat(50_000);
        let unlimited = Budget { deadline: None };
        let opts = Options {
            max_nodes: 1_000,
            ..Options::default()
        };
        let e = parse_within(&html, &opts, &unlimited).unwrap_err();
        assert!(e.is_too_many_nodes(), "{e:?}");
        let past = Budget {
            deadline: Some((Instant::now(), Duration::from_millis(1))),
        };
        let opts = Options {
            max_nodes: usize::MAX,
            ..Options::default()
        };
        let e = parse_within(&html, &opts, &past).unwrap_err();
        assert!(e.is_timed_out(), "{e:?}");
        assert_eq!(e.kind(), "page_timeout");
    }
}
