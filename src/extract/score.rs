//! Content scoring: marks chrome subtrees, scores what is left, picks the main-content root
//! and its sibling blocks, then prunes link-dense and boilerplate blocks inside it.

use super::chrome::{self, HeadingKind, Reason};
use super::classify::Concepts;
use super::dom::{Dom, Tag};
use super::metadata::{self, Meta};
use super::side;
use crate::record::PageType;
use rustc_hash::FxHashMap;

/// The outcome of content selection, as per-node decisions over the arena.
pub struct Selection {
    /// The reason a subtree was removed, set on the subtree's root only.
    pub removed: Vec<Option<Reason>>,
    /// Roots of the main content, in document order.
    pub roots: Vec<usize>,
    /// Subtrees recognised as comment sections.
    pub comment_sections: Vec<usize>,
    /// Subtrees recognised as related-article blocks.
    pub related_sections: Vec<usize>,
    /// The heading that carries the page title, if found.
    pub title_node: Option<usize>,
}

impl Selection {
    /// Whether the renderer should descend into node `i`.
    pub fn keep_mask(&self) -> Vec<bool> {
        self.removed.iter().map(|r| r.is_none()).collect()
    }

    /// Removes every content root, for `reason`: the page has no main content.
    pub fn drop_roots(&mut self, reason: Reason) {
        for &r in &self.roots {
            if self.removed[r].is_none() {
                self.removed[r] = Some(reason);
            }
        }
    }

    /// Non-whitespace characters of text the selection keeps: the size of its `text`,
    /// without rendering it.
    pub fn kept_chars(&self, dom: &Dom) -> u64 {
        let mut total = 0u64;
        for &r in &self.roots {
            let mut i = r;
            while i < dom.nodes[r].end as usize {
                if self.removed[i].is_some() {
                    i = dom.nodes[i].end as usize;
                    continue;
                }
                if dom.nodes[i].tag == Tag::Text {
                    total += u64::from(dom.nodes[i].chars);
                }
                i += 1;
            }
        }
        total
    }

    /// A wider reading of the page (`wide`) as an extension of this, narrower one: `wide`'s
    /// decisions outside this reading's roots, this reading's inside them. The two readings
    /// judge blocks by different rules (a service page keeps link-heavy blocks an article
    /// prunes), and which reading a page gets depends on parts of it outside the content
    /// (its menu and footer sway the page-type model); a block inside the content must not
    /// be kept or dropped by that. `None` when `wide` adds nothing outside these roots.
    pub fn widened_by(&self, wide: Selection, dom: &Dom) -> Option<Selection> {
        let mut out = wide;
        let mut adopted = Vec::new();
        for &r in &self.roots {
            let Some(&w) = out.roots.iter().find(|&&w| dom.contains(w, r)) else {
                if out.roots.iter().any(|&w| dom.contains(r, w)) {
                    // The wide root lies within this one: nothing outside it to add.
                    return None;
                }
                continue;
            };
            if w == r {
                return None;
            }
            // Where the wide reading dropped this root (or a block around it), it stays
            // dropped: only whole blocks the wide reading keeps are judged again.
            let mut p = r;
            let mut kept = true;
            loop {
                if out.removed[p].is_some() {
                    kept = false;
                    break;
                }
                if p == w {
                    break;
                }
                p = dom.nodes[p].parent as usize;
            }
            if kept {
                let end = dom.nodes[r].end as usize;
                out.removed[r..end].clone_from_slice(&self.removed[r..end]);
                adopted.push(r);
            }
        }
        let inside = |i: usize| adopted.iter().any(|&r| dom.contains(r, i));
        let merge = |theirs: &mut Vec<usize>, ours: &[usize]| {
            theirs.retain(|&i| !inside(i));
            theirs.extend(ours.iter().copied().filter(|&i| inside(i)));
            theirs.sort_unstable();
        };
        merge(&mut out.comment_sections, &self.comment_sections);
        merge(&mut out.related_sections, &self.related_sections);
        Some(out)
    }
}

struct Ctx<'d, 'a> {
    dom: &'d Dom<'a>,
    removed: Vec<Option<Reason>>,
    protected: Vec<bool>,
    page_type: PageType,
    /// Concept reasons switched off because they would have removed most of the page.
    disabled: Vec<Reason>,
    /// Link-heavy blocks inside the content are judged as on a listing (see [`select_lenient`]).
    lenient: bool,
    /// The headline's node, when the page has one.
    title: Option<usize>,
}

/// How close an ancestor's own score must come to the top candidate's to take its place.
/// Chosen on wcxb: 0.8, 0.65, 0.5, 0.3 give +1.09, +0.96, +1.70, +1.76 summed document F1
/// (scrapinghub unchanged at each); the gain flattens below 0.5.
const ANCESTOR_SHARE: f32 = 0.5;

/// Shortest block whose word-for-word copy right after it is dropped: short labels and prices
/// repeat for real (and `render` drops repeated short lines). On wcxb, 40, 100 and 200 give
/// +1.57, +1.37 and +0.77 summed document F1; scrapinghub is unchanged at each.
const TWIN_CHARS: u32 = 40;
/// Characters from which a block repeated anywhere in the content is a copy, not a refrain.
const COPY_CHARS: u32 = 200;
/// Characters from which a hidden block mostly of URLs is a data store.
const DATA_CHARS: u32 = 500;

/// Runs content selection on a flattened page.
pub fn select(dom: &Dom, meta: &Meta, page_type: PageType) -> Selection {
    select_pruning(dom, meta, page_type, false)
}

/// Like [`select`], with the same roots, but pruning inside them spares link-heavy blocks
/// as it does on listing and service pages: only menus of short links go.
pub fn select_lenient(dom: &Dom, meta: &Meta, page_type: PageType) -> Selection {
    select_pruning(dom, meta, page_type, true)
}

fn select_pruning(dom: &Dom, meta: &Meta, page_type: PageType, lenient: bool) -> Selection {
    let n = dom.nodes.len();
    let mut cx = Ctx {
        dom,
        removed: vec![None; n],
        protected: vec![false; n],
        page_type,
        disabled: Vec::new(),
        lenient,
        title: None,
    };
    let title_node = find_title_node(dom, meta);
    cx.title = title_node;
    if let Some(t) = title_node {
        cx.protect_chain(t);
    }
    for (i, node) in dom.nodes.iter().enumerate() {
        // Hidden microdata copies of the article (display:none itemprop=articleBody) are
        // metadata, not the visible story.
        if node.concepts.any(Concepts::CONTENT) && node.chars >= 200 && !cx.hidden_above(i) {
            cx.protect_chain(i);
        }
    }
    cx.mark_chrome();
    // A class-name hint that would remove most of the page's prose is a false friend
    // (page builders call every block a "widget"); switch that hint off and mark again.
    let body_p = dom.nodes[dom.body].p_chars.max(1) as f32;
    let mut by_reason: Vec<(Reason, u32)> = Vec::new();
    for (i, r) in cx.removed.iter().enumerate() {
        if let Some(r) = r {
            match by_reason.iter_mut().find(|(x, _)| x == r) {
                Some(e) => e.1 += dom.nodes[i].p_chars,
                None => by_reason.push((*r, dom.nodes[i].p_chars)),
            }
        }
    }
    let over: Vec<Reason> = by_reason
        .iter()
        .filter(|(r, p)| {
            *p as f32 > 0.8 * body_p
                && !matches!(
                    r,
                    Reason::Related
                        | Reason::Comments
                        | Reason::Navigation
                        | Reason::Footer
                        | Reason::Consent
                        | Reason::Dialog
                        | Reason::Data
                )
        })
        .map(|(r, _)| *r)
        .collect();
    if !over.is_empty() {
        cx.disabled = over;
        cx.removed = vec![None; n];
        cx.mark_chrome();
    }
    // The page's top-level nodes (<html>, and anything a broken page has beside it).
    let mut tops = Vec::new();
    let mut t = 0;
    while t < n {
        tops.push(t);
        t = dom.nodes[t].end as usize;
    }
    cx.mark_repeats(&tops, None);
    let (comment_sections, related_sections) = cx.sections();

    let kept = cx.kept_aggregates();
    let scores = cx.score(&kept);
    let roots = cx.choose_roots(&kept, &scores);
    // Each block is judged on what pruning leaves of it: a list kept for the plain text of
    // an item that pruning then drops (a "© ..." line) is judged again without that item,
    // as it is when the page holds only the kept content (dehusk's own HTML output).
    // A round can only drop ancestors of the last round's drops, so rounds are few; the
    // cap keeps freakishly deep nesting from making this quadratic.
    let mut kept = kept;
    // After the first round only the blocks whose kept text changed are judged again: the
    // ancestors of the last round's drops. Any other block keeps its text, and a root
    // that lost text only makes a block less likely to go ("holds most of the content").
    let mut judge: Option<Vec<usize>> = None;
    let mut drops = Vec::new();
    for _ in 0..PRUNE_ROUNDS {
        drops.clear();
        for &r in &roots {
            cx.prune_inside(r, &kept, judge.as_deref(), &mut drops);
        }
        if drops.is_empty() {
            break;
        }
        kept = cx.kept_aggregates();
        let mut seen = vec![false; dom.nodes.len()];
        let mut next = Vec::new();
        for &d in &drops {
            let mut p = dom.nodes[d].parent;
            while p != u32::MAX && !seen[p as usize] {
                seen[p as usize] = true;
                next.push(p as usize);
                p = dom.nodes[p as usize].parent;
            }
        }
        next.sort_unstable();
        judge = Some(next);
    }
    cx.mark_repeats(&roots, Some(&kept));
    cx.mark_copies(&roots, &kept);
    if let Some(t) = title_node {
        if let Some(&r) = roots.iter().find(|&&r| dom.contains(r, t)) {
            if cx.removed[t].is_none() {
                cx.removed[t] = Some(Reason::Title);
            }
            cx.drop_kickers(r, t);
        }
        // A root inside the headline (a page that is all headline) is the title too.
        for &r in &roots {
            if r != t && dom.contains(t, r) && cx.removed[r].is_none() {
                cx.removed[r] = Some(Reason::Title);
            }
        }
    }
    // Controls go last, once the blocks around them have been judged with their links.
    for &r in &roots {
        let mut i = r;
        while i < dom.nodes[r].end as usize {
            if cx.removed[i].is_some() {
                i = dom.nodes[i].end as usize;
                continue;
            }
            if cx.is_permalink(i) || cx.is_button(i) {
                cx.removed[i] = Some(Reason::Control);
                i = dom.nodes[i].end as usize;
                continue;
            }
            i += 1;
        }
    }
    Selection {
        removed: cx.removed,
        roots,
        comment_sections,
        related_sections,
        title_node,
    }
}

/// Whether a control opens node `i`: a button or an `aria-expanded` element right before it,
/// or in the element right before it (an FAQ answer under its question, the rest of a "read
/// more" text), or an `aria-expanded` element whose `aria-controls` names it.
fn disclosed(dom: &Dom, i: usize) -> bool {
    let Some(node) = dom.html.tree.get(dom.nodes[i].id) else {
        return false;
    };
    let prev = node.prev_siblings().find(|s| match s.value() {
        scraper::Node::Text(t) => !t.trim().is_empty(),
        scraper::Node::Comment(_) => false,
        _ => true,
    });
    let opens =
        |e: &scraper::node::Element| e.name() == "button" || e.attr("aria-expanded").is_some();
    // The control itself, or a heading that holds it (the ARIA accordion pattern).
    if prev.is_some_and(|p| {
        p.value().as_element().is_some_and(opens)
            || p.children()
                .any(|c| c.value().as_element().is_some_and(opens))
    }) {
        return true;
    }
    dom.attr(i, "id")
        .is_some_and(|id| dom.controlled_ids().contains(&id))
}

/// Whether block `i` is mostly a list of terms described in plain words: an API reference's
/// `<dt><a>WebSocket.close()</a></dt><dd>Closes the connection.</dd>`, a glossary. Its
/// links name the terms; a menu has no descriptions.
fn described_terms(dom: &Dom, i: usize) -> bool {
    let n = &dom.nodes[i];
    let mut plain = 0;
    let mut k = i + 1;
    while k < n.end as usize {
        let d = &dom.nodes[k];
        if d.tag == Tag::Dd {
            plain += d.chars.saturating_sub(d.link_chars);
            k = d.end as usize;
        } else {
            k += 1;
        }
    }
    plain * 10 >= n.chars * 3
}

/// The share of a text's bytes in words that are URLs.
fn url_share(t: &str) -> f32 {
    let urls: usize = t
        .split_whitespace()
        .filter(|w| w.contains("://"))
        .map(str::len)
        .sum();
    urls as f32 / t.len().max(1) as f32
}

/// Whether two texts are the same once whitespace runs are squashed.
fn squashed_eq(a: &str, b: &str) -> bool {
    a.split_whitespace().eq(b.split_whitespace())
}

fn find_title_node(dom: &Dom, meta: &Meta) -> Option<usize> {
    let title = meta.title.as_deref()?;
    let title_words = metadata::word_set(title);
    let mut best: Option<(usize, f32)> = None;
    for (i, n) in dom.nodes.iter().enumerate() {
        let is_cand = matches!(n.tag, Tag::H(1..=3))
            || (n.concepts.any(Concepts::TITLE) && n.chars < 300 && n.tag != Tag::Text);
        if !is_cand || n.chars == 0 || n.chars > 400 {
            continue;
        }
        // Word overlap cannot compare a title without words ("😀", "&"); the same text can.
        let same = squashed_eq(dom.text_of(i), title);
        let s = if same {
            1.0
        } else {
            metadata::similarity_of(&metadata::word_set(dom.text_of(i)), &title_words)
        };
        let s = s + if n.tag == Tag::H(1) { 0.1 } else { 0.0 };
        if s >= 0.7 && best.is_none_or(|(_, b)| s > b + 0.05) {
            best = Some((i, s));
        }
    }
    best.map(|(i, _)| i)
}

/// Per-node aggregates that ignore removed subtrees.
pub struct Kept {
    /// Non-whitespace characters left in each subtree.
    pub chars: Vec<u32>,
    /// Of those, characters inside links.
    pub link_chars: Vec<u32>,
    /// Characters of text whose nearest block ancestor is this node.
    pub own_chars: Vec<u32>,
    /// Commas in that text.
    pub own_commas: Vec<u32>,
    /// Link characters in that text.
    pub own_link: Vec<u32>,
}

impl Kept {
    fn ld(&self, i: usize) -> f32 {
        if self.chars[i] == 0 {
            0.0
        } else {
            self.link_chars[i] as f32 / self.chars[i] as f32
        }
    }
}

impl Ctx<'_, '_> {
    fn protect_chain(&mut self, mut i: usize) {
        loop {
            if self.protected[i] {
                break;
            }
            self.protected[i] = true;
            let p = self.dom.nodes[i].parent;
            if p == u32::MAX {
                break;
            }
            i = p as usize;
        }
    }

    /// Whether a proper ancestor of `i` is a `tag` element.
    fn inside(&self, i: usize, tag: Tag) -> bool {
        let mut p = self.dom.nodes[i].parent;
        while p != u32::MAX {
            if self.dom.nodes[p as usize].tag == tag {
                return true;
            }
            p = self.dom.nodes[p as usize].parent;
        }
        false
    }

    /// Whether `<header>` `i` opens a `<section>` (its nearest sectioning ancestor), with
    /// little link text and no `<h1>`: the section's heading and lead, not the site's header
    /// or a story's (or a recipe card's) headline.
    fn section_header(&self, i: usize) -> bool {
        let dom = self.dom;
        let n = &dom.nodes[i];
        if n.link_chars * 5 > n.chars
            || (i + 1..n.end as usize).any(|k| dom.nodes[k].tag == Tag::H(1))
        {
            return false;
        }
        let mut p = n.parent;
        while p != u32::MAX {
            match dom.nodes[p as usize].tag {
                Tag::Section => return true,
                Tag::Article | Tag::Aside | Tag::Nav | Tag::Body => return false,
                _ => p = dom.nodes[p as usize].parent,
            }
        }
        false
    }

    fn hidden_above(&self, mut i: usize) -> bool {
        loop {
            if self.dom.nodes[i].concepts.any(Concepts::HIDDEN) {
                return true;
            }
            let p = self.dom.nodes[i].parent;
            if p == u32::MAX {
                return false;
            }
            i = p as usize;
        }
    }

    fn body_chars(&self) -> u32 {
        self.dom.nodes[self.dom.body].chars.max(1)
    }

    /// Marks a block that repeats the block before it word for word (a responsive layout's
    /// copy for another screen, a carousel's cloned slide): a reader sees it once. Before
    /// scoring (`kept` is `None`) over the whole page, between adjacent siblings; after
    /// pruning, inside `roots`, between the blocks pruning kept whole, past the pruned ones
    /// between them, so that the kept content alone (dehusk's own HTML output) reads the same.
    fn mark_repeats(&mut self, roots: &[usize], kept: Option<&Kept>) {
        let dom = self.dom;
        let whole = |cx: &Self, i: usize| {
            cx.removed[i].is_none() && kept.is_none_or(|k| k.chars[i] == dom.nodes[i].chars)
        };
        for &r in roots {
            let mut i = r;
            while i < dom.nodes[r].end as usize {
                let n = &dom.nodes[i];
                if self.removed[i].is_some() {
                    i = n.end as usize;
                    continue;
                }
                if i != r
                    && n.tag != Tag::Text
                    && n.tag != Tag::Pre
                    && n.chars >= TWIN_CHARS
                    && whole(self, i)
                {
                    // The next sibling, past whitespace (and after pruning, removed blocks).
                    let next = |cx: &Self, mut j: usize| {
                        while j < dom.nodes.len()
                            && dom.nodes[j].parent == n.parent
                            && (dom.nodes[j].tag == Tag::Text && dom.nodes[j].chars == 0
                                || kept.is_some() && cx.removed[j].is_some())
                        {
                            j = dom.nodes[j].end as usize;
                        }
                        j
                    };
                    let mut j = next(self, n.end as usize);
                    while j < dom.nodes.len()
                        && dom.nodes[j].parent == n.parent
                        && dom.nodes[j].tag == n.tag
                        && dom.nodes[j].chars == n.chars
                        && whole(self, j)
                        && !self.protected[j]
                        && dom.text_of(j) == dom.text_of(i)
                    {
                        self.removed[j] = Some(Reason::Duplicate);
                        j = next(self, dom.nodes[j].end as usize);
                    }
                }
                i += 1;
            }
        }
    }

    /// Marks a kept block that repeats, word for word, a kept block earlier in the content
    /// but not next to it: a reply's quotation of an earlier post, or a layout's second copy
    /// of a whole section. Short repeats stay: the same caption under each picture, the same
    /// feature line in each plan of a price table.
    fn mark_copies(&mut self, roots: &[usize], kept: &Kept) {
        let dom = self.dom;
        let mut seen: FxHashMap<&str, usize> = FxHashMap::default();
        for &r in roots {
            let mut i = r;
            while i < dom.nodes[r].end as usize {
                let n = &dom.nodes[i];
                if self.removed[i].is_some() || n.tag == Tag::Pre {
                    i = n.end as usize;
                    continue;
                }
                // Blocks pruning cut into are left out: their text is not what is kept.
                if i != r && n.tag != Tag::Text && n.chars >= TWIN_CHARS && kept.chars[i] == n.chars
                {
                    let t = dom.text_of(i).trim();
                    match seen.get(t) {
                        Some(&f)
                            if i >= dom.nodes[f].end as usize
                                && !self.protected[i]
                                && (n.chars >= COPY_CHARS
                                    || n.tag == Tag::Blockquote
                                    || self.inside(i, Tag::Blockquote)) =>
                        {
                            self.removed[i] = Some(Reason::Duplicate);
                            i = n.end as usize;
                            continue;
                        }
                        Some(_) => {}
                        None => {
                            seen.insert(t, i);
                        }
                    }
                }
                i += 1;
            }
        }
    }

    /// Marks chrome subtrees by concept bits and by section headings.
    fn mark_chrome(&mut self) {
        let dom = self.dom;
        let body_chars = self.body_chars();
        let body_pchars = dom.nodes[dom.body].p_chars.max(1);
        let n = dom.nodes.len();
        let mut i = 0;
        while i < n {
            let node = &dom.nodes[i];
            if node.tag == Tag::Text || matches!(node.tag, Tag::Html | Tag::Body) {
                i += 1;
                continue;
            }
            if self.removed[i].is_some() {
                i = node.end as usize;
                continue;
            }
            let mut reason = None;
            if node.concepts.any(Concepts::NOSCRIPT) {
                // Fallback markup for script-less browsers: only the content when it is
                // most of what the page has (server-rendered forums and apps), and never a
                // bare "enable JavaScript" notice, which is all an app shell serves.
                if node.chars * 2 < body_chars || chrome::script_required(dom.text_of(i)) {
                    self.removed[i] = Some(Reason::Hidden);
                    i = node.end as usize;
                    continue;
                }
                i += 1;
                continue;
            }
            if !self.protected[i] {
                // On an index, "promo", "trending" and "latest" blocks are the listing itself.
                let bits = if matches!(self.page_type, PageType::Listing | PageType::Collection) {
                    node.concepts.0 & !(Concepts::RELATED | Concepts::PROMO)
                } else {
                    node.concepts.0
                };
                reason = chrome::concept_reason(bits);
                if reason == Some(Reason::Comments) && self.page_type == PageType::Forum {
                    // On a forum the posts are the content.
                    reason = None;
                }
                if reason.is_some_and(|r| self.disabled.contains(&r)) {
                    reason = None;
                }
                // A modal opens over the page: however much prose it holds (a store's terms
                // of service in its footer), it is not what the page shows.
                if node.concepts.any(Concepts::DIALOG)
                    && dom
                        .attr(i, "aria-modal")
                        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
                {
                    self.removed[i] = Some(Reason::Dialog);
                    i = node.end as usize;
                    continue;
                }
                // Product tabs, accordions and FAQ answers are hidden until clicked, yet they
                // are the specifications and answers the page is about.
                if reason == Some(Reason::Hidden) && (self.is_tab_panel(i) || disclosed(dom, i)) {
                    // Still chrome if it names itself so (a menu behind a toggle button).
                    reason = chrome::concept_reason(bits & !Concepts::HIDDEN);
                }
                // A hidden store of values for the page's scripts (image URLs, price tiers):
                // however big, it is data, not text a reader is shown.
                if reason == Some(Reason::Hidden)
                    && node.chars >= DATA_CHARS
                    && url_share(dom.text_of(i)) > 0.3
                {
                    self.removed[i] = Some(Reason::Data);
                    i = node.end as usize;
                    continue;
                }
                if let Some(r) = reason {
                    // A weak hint on a node that holds most of the page's prose is a layout
                    // wrapper ("content-with-sidebar"), not the chrome it names.
                    let big = node.chars as f32 > 0.5 * body_chars as f32
                        || node.p_chars as f32 > 0.5 * body_pchars as f32;
                    let weak = matches!(
                        r,
                        Reason::Promo
                            | Reason::Share
                            | Reason::Sidebar
                            | Reason::Tags
                            | Reason::Ad
                            | Reason::Newsletter
                            | Reason::Hidden
                            | Reason::Header
                            | Reason::Bio
                    );
                    // A "banner" of several linkless sentences is the page's own introduction:
                    // promos sell with a line and a button.
                    let prose_banner = r == Reason::Promo
                        && node.link_chars == 0
                        && node.chars > 400
                        && node.sentences >= 3;
                    if (weak && big)
                        || prose_banner
                        || (r == Reason::Form && (node.inputs == 0 || node.chars > 1000))
                    {
                        reason = None;
                    }
                    // Menus are links; a "toc-chapters" block holding most of the prose is not.
                    if !weak
                        && !matches!(r, Reason::Related | Reason::Comments | Reason::Consent)
                        && node.p_chars as f32 > 0.5 * body_pchars as f32
                        && node.link_chars * 2 < node.chars
                    {
                        reason = None;
                    }
                    // A skip link's target ("skip-to-products", "skip-to-content") is the
                    // content it skips to.
                    if r == Reason::Navigation
                        && node.concepts.any(Concepts::SKIP)
                        && !node.concepts.any(Concepts::NAV)
                        && dom.attr(i, "id").is_some_and(|id| id.contains("skip"))
                        && node.chars > 200
                        && node.link_chars * 2 < node.chars
                    {
                        reason = None;
                    }
                    // Navigation is links: a "toc-para" section of plain prose is not a menu.
                    if r == Reason::Navigation
                        && !node.concepts.any(Concepts::SKIP)
                        && matches!(self.page_type, PageType::Article | PageType::Documentation)
                        && node.chars > 200
                        && node.link_chars * 10 < node.chars * 3
                    {
                        reason = None;
                    }
                    // A tag/topic or bio class on a long prose block is a false friend; a tag
                    // strip is links, so one that speaks in sentences with few links is a
                    // label of another kind (mdBook's "blockquote-tag" note, a "tagline").
                    let long_prose = node.p_chars > 600 && node.link_chars * 3 < node.chars;
                    let sentences = r == Reason::Tags
                        && node.sentences >= 1
                        && node.chars >= 40
                        && node.link_chars * 5 < node.chars;
                    if matches!(r, Reason::Tags | Reason::Bio | Reason::Ad) && long_prose
                        || sentences
                    {
                        reason = None;
                    }
                }
                if reason.is_none() && self.page_type == PageType::Product && self.is_reviews(i) {
                    reason = Some(Reason::Comments);
                }
                // An index's teaser cards are <article>s whose <header> holds the title and
                // the summary: the listing itself. A long <header> is a page's own opening,
                // unless it is mostly links: a mega-menu, however much of a script-built page
                // it holds.
                if reason.is_none()
                    && node.tag == Tag::Header
                    && (node.chars < 2000 || node.link_chars * 2 > node.chars)
                    && !(matches!(self.page_type, PageType::Listing | PageType::Collection)
                        && self.inside(i, Tag::Article))
                    && !self.section_header(i)
                {
                    reason = Some(Reason::Header);
                }
                if reason.is_none()
                    && node.concepts.any(Concepts::BYLINE | Concepts::META)
                    && node.chars < 200
                    && node.tag != Tag::Text
                {
                    reason = Some(Reason::Byline);
                }
                // Photo captions and credits describe pictures, not the story. A "caption"
                // that carries a heading is a card's or a banner's text block.
                if reason.is_none()
                    && node.concepts.any(Concepts::CAPTION)
                    && node.chars < 600
                    && node.headings == 0
                    && node.tag != Tag::Text
                {
                    reason = Some(Reason::Caption);
                }
            }
            if let Some(r) = reason {
                // A sidebar or promo box headed "Read also" is a related block: its links
                // belong in `related`.
                let r = if matches!(
                    r,
                    Reason::Sidebar
                        | Reason::Promo
                        | Reason::Footer
                        | Reason::Navigation
                        | Reason::Share
                ) && self.first_heading_kind(i) == Some(HeadingKind::Related)
                {
                    Reason::Related
                } else {
                    r
                };
                self.removed[i] = Some(r);
                // A heading classed "related-title" or "comments-title" opens a flat section.
                // Only a real heading, or a label whose words say so, opens a section: an
                // empty "recommend" placeholder div does not.
                if matches!(r, Reason::Related | Reason::Comments)
                    && self.is_heading_like(i)
                    && (node.tag.is_heading() || chrome::heading_kind(dom.text_of(i)).is_some())
                {
                    let kind = if r == Reason::Related {
                        HeadingKind::Related
                    } else {
                        HeadingKind::Comments
                    };
                    self.mark_heading_section(i, kind);
                }
                i = node.end as usize;
                continue;
            }
            // Section headings: "Related articles", "3 Comments", "Share this".
            if self.is_heading_like(i) {
                if let Some(kind) = chrome::heading_kind(dom.text_of(i)) {
                    if self.mark_heading_section(i, kind) {
                        i = dom.nodes[i].end as usize;
                        continue;
                    }
                }
            }
            i += 1;
        }
    }

    /// Whether node `i` is a heading's permalink anchor (Sphinx's "¶", "#", "§", "🔗"): a
    /// same-page link whose text is a lone symbol, which readers never see as words.
    fn is_permalink(&self, i: usize) -> bool {
        let node = &self.dom.nodes[i];
        if node.tag != Tag::A || node.chars == 0 || node.chars > 2 {
            return false;
        }
        let t = self.dom.text_of(i);
        !t.chars().any(char::is_alphanumeric)
            && self.dom.attr(i, "href").is_some_and(|h| h.starts_with('#'))
    }

    /// Whether node `i` holds a product's customer reviews (a "reviews" block, Bazaarvoice,
    /// Yotpo...): shoppers' comments, not the product's description.
    fn is_reviews(&self, i: usize) -> bool {
        let node = &self.dom.nodes[i];
        // Press quotes ("Editorial reviews", a few critics' lines) are part of the pitch;
        // a shoppers' thread is long.
        if node.tag == Tag::Text || node.chars < 800 || self.protected[i] {
            return false;
        }
        side::names_reviews(self.dom, i)
    }

    /// Whether node `i` is a button-styled control ("Quick shop", "Add to cart", "Read
    /// more"): a few words in an element classed as a button, never a paragraph.
    fn is_button(&self, i: usize) -> bool {
        let node = &self.dom.nodes[i];
        node.concepts.any(Concepts::BUTTON)
            && node.tag != Tag::Text
            && !node.tag.is_heading()
            && node.chars <= 30
            && node.paras == 0
            && node.sentences == 0
    }

    /// Whether node `i` is a tab panel, accordion body, expander or other collapsible section.
    fn is_tab_panel(&self, i: usize) -> bool {
        if self
            .dom
            .attr(i, "role")
            .is_some_and(|r| r.eq_ignore_ascii_case("tabpanel"))
        {
            return true;
        }
        let class = self.dom.attr(i, "class").unwrap_or("");
        // Class names are nearly always lower case already: no copy for those.
        let class = if class.bytes().any(|b| b.is_ascii_uppercase()) {
            std::borrow::Cow::Owned(class.to_ascii_lowercase())
        } else {
            std::borrow::Cow::Borrowed(class)
        };
        [
            "tab-pane",
            "tab-panel",
            "tabpanel",
            "tab-content",
            "accordion",
            "collapse",
            "faq",
            "panel",
            "expand",
            "toggle",
        ]
        .iter()
        .any(|t| class.contains(t))
    }

    /// What the first heading inside node `i` (within its first few dozen nodes) announces.
    fn first_heading_kind(&self, i: usize) -> Option<HeadingKind> {
        let dom = self.dom;
        let end = (dom.nodes[i].end as usize).min(i + 40);
        (i + 1..end)
            .find(|&k| dom.nodes[k].tag.is_heading() || dom.nodes[k].tag == Tag::Text)
            .filter(|&k| dom.nodes[k].tag.is_heading() || dom.nodes[k].chars <= 40)
            .and_then(|k| chrome::heading_kind(dom.text_of(k)))
    }

    fn is_heading_like(&self, i: usize) -> bool {
        let n = &self.dom.nodes[i];
        if n.chars == 0 || n.chars > 60 {
            return false;
        }
        match n.tag {
            Tag::H(_) | Tag::Summary | Tag::Caption => true,
            Tag::P | Tag::Div | Tag::Inline | Tag::Dt | Tag::Section => {
                // A short standalone label: its own block, no links.
                n.link_chars == 0
                    && n.headings == 0
                    && n.paras == 0
                    && !self.dom.nodes[i].tag.is_heading()
                    && self.is_standalone(i)
            }
            _ => false,
        }
    }

    /// A node whose parent has other block content, so it reads as a label, not inline text.
    fn is_standalone(&self, i: usize) -> bool {
        let p = self.dom.nodes[i].parent;
        if p == u32::MAX {
            return false;
        }
        let pn = &self.dom.nodes[p as usize];
        pn.chars > self.dom.nodes[i].chars
            && (self.dom.nodes[i].tag.is_block() || pn.tag.is_block())
            && self.dom.nodes[i].text_start == pn.text_start
    }

    /// Marks the section a chrome heading introduces. Returns false when nothing was marked.
    fn mark_heading_section(&mut self, h: usize, kind: HeadingKind) -> bool {
        let dom = self.dom;
        let reason = match kind {
            HeadingKind::Related => Reason::Related,
            HeadingKind::Comments => Reason::Comments,
            HeadingKind::Share => Reason::Share,
            HeadingKind::Newsletter => Reason::Newsletter,
            HeadingKind::Tags => Reason::Tags,
            HeadingKind::Bio => Reason::Bio,
        };
        let cap = match kind {
            HeadingKind::Related | HeadingKind::Comments => u32::MAX,
            _ => 600,
        };
        if let Some(sec) = chrome::heading_section(dom, h, &self.protected, cap) {
            // The section must not be most of the page unless it is a related/comment block.
            self.removed[sec] = Some(reason);
            return true;
        }
        if self.protected[h] {
            return false;
        }
        // Flat layout: the heading and its following siblings up to the next heading of the
        // same or a higher level.
        let level = match dom.nodes[h].tag {
            Tag::H(l) => l,
            _ => 7,
        };
        let mut marks = vec![h];
        let p = dom.nodes[h].parent;
        if p == u32::MAX {
            self.removed[h] = Some(reason);
            return true;
        }
        let mut budget = match kind {
            HeadingKind::Related | HeadingKind::Comments => usize::MAX,
            _ => 2,
        };
        let mut s = dom.nodes[h].end as usize;
        let pend = dom.nodes[p as usize].end as usize;
        while s < pend && budget > 0 {
            let sn = &dom.nodes[s];
            if self.protected[s] {
                break;
            }
            if let Tag::H(l) = sn.tag {
                if l <= level {
                    break;
                }
            }
            if sn.headings > 0 && (level < 7) {
                // A container starting with a same-level heading starts a new section.
                let first_h = (s..sn.end as usize).find(|&k| dom.nodes[k].tag.is_heading());
                if let Some(k) = first_h {
                    if let Tag::H(l) = dom.nodes[k].tag {
                        if l <= level {
                            break;
                        }
                    }
                }
            }
            if sn.chars > 0 || sn.imgs > 0 {
                marks.push(s);
                budget -= 1;
            }
            s = sn.end as usize;
        }
        if kind == HeadingKind::Related && self.is_prose_chapter(&marks) {
            return false;
        }
        for m in marks {
            self.removed[m] = Some(reason);
        }
        true
    }

    /// Whether a "Related"-worded heading amid the story's blocks opens a chapter of the
    /// story ("Recommended providers" in a buying guide): its flat section is long prose with
    /// few links, where related blocks are lists of links to other pages. (A box that opens
    /// with the heading is the related block, long excerpts and all.)
    fn is_prose_chapter(&self, marks: &[usize]) -> bool {
        let (mut chars, mut links, mut sentences) = (0u32, 0u32, 0u32);
        for &m in marks.iter().filter(|&&m| self.removed[m].is_none()) {
            let n = &self.dom.nodes[m];
            chars += n.chars;
            links += n.link_chars;
            sentences += n.sentences;
        }
        chars >= PROSE_SECTION && links * 4 < chars && sentences >= 8
    }

    /// Collects the comment and related sections that were marked.
    fn sections(&self) -> (Vec<usize>, Vec<usize>) {
        let mut c = Vec::new();
        let mut r = Vec::new();
        for (i, x) in self.removed.iter().enumerate() {
            match x {
                Some(Reason::Comments) => c.push(i),
                Some(Reason::Related) => r.push(i),
                _ => {}
            }
        }
        (c, r)
    }

    fn kept_aggregates(&self) -> Kept {
        let dom = self.dom;
        let n = dom.nodes.len();
        let mut k = Kept {
            chars: vec![0; n],
            link_chars: vec![0; n],
            own_chars: vec![0; n],
            own_commas: vec![0; n],
            own_link: vec![0; n],
        };
        // Nearest block ancestor of each node, computed top-down.
        let mut block_of = vec![u32::MAX; n];
        for i in 0..n {
            let p = dom.nodes[i].parent;
            if p != u32::MAX {
                let p = p as usize;
                block_of[i] = if dom.nodes[p].tag.is_block() {
                    p as u32
                } else {
                    block_of[p]
                };
            }
        }
        for i in (0..n).rev() {
            let node = &dom.nodes[i];
            if self.removed[i].is_some() {
                k.chars[i] = 0;
                k.link_chars[i] = 0;
                continue;
            }
            if node.tag == Tag::Text {
                k.chars[i] = node.chars;
                k.link_chars[i] = node.link_chars;
                let b = block_of[i];
                if b != u32::MAX {
                    k.own_chars[b as usize] += node.chars;
                    k.own_commas[b as usize] += node.commas;
                    k.own_link[b as usize] += node.link_chars;
                }
            }
            let p = node.parent;
            if p != u32::MAX {
                let (c, l) = (k.chars[i], k.link_chars[i]);
                k.chars[p as usize] += c;
                k.link_chars[p as usize] += l;
            }
        }
        k
    }

    fn class_weight(&self, i: usize) -> f32 {
        let c = self.dom.nodes[i].concepts;
        let mut w = 0.0;
        if c.any(Concepts::CONTENT) {
            w += 25.0;
        }
        if c.any(Concepts::CONTENT_WEAK) {
            w += 15.0;
        }
        if c.any(
            Concepts::COMMENT
                | Concepts::RELATED
                | Concepts::SHARE
                | Concepts::SIDEBAR
                | Concepts::AD
                | Concepts::FOOTER
                | Concepts::PROMO
                | Concepts::WIDGET
                | Concepts::META
                | Concepts::NAV,
        ) {
            w -= 25.0;
        }
        w
    }

    /// Readability-style scores: each paragraph block adds to its ancestors.
    fn score(&self, k: &Kept) -> Vec<f32> {
        let dom = self.dom;
        let n = dom.nodes.len();
        let mut score = vec![0.0f32; n];
        let mut init = vec![false; n];
        let mut i = 0;
        while i < n {
            if self.removed[i].is_some() {
                i = dom.nodes[i].end as usize;
                continue;
            }
            let node = &dom.nodes[i];
            let own = k.own_chars[i];
            let scorable = node.tag.is_block()
                && !matches!(
                    node.tag,
                    Tag::H(_)
                        | Tag::Li
                        | Tag::Dt
                        | Tag::Figcaption
                        | Tag::Caption
                        | Tag::Body
                        | Tag::Html
                        | Tag::Tr
                        | Tag::Summary
                );
            if scorable && own >= 25 {
                let ld = k.own_link[i] as f32 / own as f32;
                if ld < 0.5 {
                    let s = 1.0 + k.own_commas[i] as f32 + (own as f32 / 100.0).floor().min(3.0);
                    let s = s * (1.0 - ld);
                    // Loose text in a container is that container's own paragraph, so the
                    // container itself is the first candidate; a real paragraph's is its parent.
                    let mut anc = if matches!(
                        node.tag,
                        Tag::P | Tag::Pre | Tag::Blockquote | Tag::Dd | Tag::Figcaption
                    ) {
                        node.parent
                    } else {
                        i as u32
                    };
                    let mut level = 0;
                    while anc != u32::MAX && level < 5 {
                        let a = anc as usize;
                        if !init[a] {
                            init[a] = true;
                            score[a] += self.initial(a);
                        }
                        let div = match level {
                            0 => 1.0,
                            1 => 2.0,
                            l => l as f32 * 3.0,
                        };
                        score[a] += s / div;
                        anc = dom.nodes[a].parent;
                        level += 1;
                    }
                }
            }
            i += 1;
        }
        for (j, s) in score.iter_mut().enumerate() {
            if init[j] {
                *s *= 1.0 - k.ld(j);
            }
        }
        score
    }

    fn initial(&self, i: usize) -> f32 {
        let t = self.dom.nodes[i].tag;
        let base = match t {
            Tag::Div | Tag::Article => 5.0,
            Tag::Main | Tag::Section => 3.0,
            Tag::Pre | Tag::Td | Tag::Blockquote => 3.0,
            Tag::Address
            | Tag::Ol
            | Tag::Ul
            | Tag::Dl
            | Tag::Dd
            | Tag::Dt
            | Tag::Li
            | Tag::Form => -3.0,
            Tag::H(_) | Tag::Th => -5.0,
            _ => 0.0,
        };
        base + self.class_weight(i)
    }

    /// For pages whose content is most of the page (services, products, listings): the
    /// smallest container that still holds most of the text left after chrome removal.
    fn wide_root(&self, k: &Kept) -> usize {
        let dom = self.dom;
        let total = k.chars[dom.body] as f32;
        let mut cur = dom.body;
        loop {
            let best = dom
                .children(cur)
                .filter(|&c| self.removed[c].is_none())
                .max_by_key(|&c| k.chars[c]);
            // Into a link or a run of text only when it is all there is: it is part of its
            // block's text, and a root there would drop the rest of the block (the "&gt;"
            // after a link), which a re-read of the kept text then judges anew.
            // The content starts at its headline: not into a child that leaves the headline
            // and the little beside it (the intro under a docs page's h1) behind.
            let leaves_title = |c: usize| {
                self.title
                    .is_some_and(|t| dom.contains(cur, t) && !dom.contains(c, t))
                    && ((k.chars[cur] - k.chars[c]) as f32) <= TITLE_SIDE * k.chars[cur] as f32
            };
            match best {
                Some(c)
                    if k.chars[c] as f32 >= WIDE_SHARE * total
                        && (dom.nodes[c].tag.is_block() || k.chars[c] == k.chars[cur])
                        && !leaves_title(c) =>
                {
                    cur = c
                }
                _ => return cur,
            }
        }
    }

    fn choose_roots(&self, k: &Kept, scores: &[f32]) -> Vec<usize> {
        let dom = self.dom;
        let body = dom.body;
        if wide_type(self.page_type) {
            return vec![self.wide_root(k)];
        }
        let mut best: Option<usize> = None;
        for (i, &s) in scores.iter().enumerate() {
            if s > 0.0 && dom.nodes[i].tag != Tag::Html && best.is_none_or(|b| s > scores[b]) {
                best = Some(i);
            }
        }
        let Some(mut top) = best else {
            return vec![body];
        };
        // Promote a common ancestor when several near-top candidates share it.
        let top_score = scores[top];
        let mut others: Vec<usize> = (0..scores.len())
            .filter(|&i| {
                i != top
                    && scores[i] >= 0.75 * top_score
                    && !dom.contains(i, top)
                    && !dom.contains(top, i)
            })
            .collect();
        others.truncate(8);
        if others.len() >= 2 {
            let mut anc = dom.nodes[top].parent;
            while anc != u32::MAX && anc as usize != body {
                let a = anc as usize;
                let shared = others.iter().filter(|&&o| dom.contains(a, o)).count();
                if shared >= 2 {
                    top = a;
                    break;
                }
                anc = dom.nodes[a].parent;
            }
        }
        if let Some(a) = self.kin_blocks_ancestor(top, k, scores) {
            top = a;
        }
        // An ancestor that scores at least half as well while holding three times the
        // text is the story, and the top one of its sections (a long guide's boxed parts).
        let (ts, tc) = (scores[top], k.chars[top]);
        let mut a = dom.nodes[top].parent;
        while a != u32::MAX && a as usize != body {
            let ai = a as usize;
            if scores[ai] >= ANCESTOR_SHARE * ts && k.chars[ai] >= 3 * tc {
                top = ai;
            }
            a = dom.nodes[ai].parent;
        }
        // Walk up while the parent scores comparably (the content is split across children).
        let mut last = scores[top];
        let threshold = last / 3.0;
        let mut p = dom.nodes[top].parent;
        while p != u32::MAX && p as usize != body && dom.nodes[p as usize].tag != Tag::Html {
            let ps = scores[p as usize];
            if ps < threshold {
                break;
            }
            if ps > last {
                top = p as usize;
            }
            last = ps;
            p = dom.nodes[p as usize].parent;
        }
        // A quotation is part of a story, never the story itself.
        while dom.nodes[top].tag == Tag::Blockquote {
            let p = dom.nodes[top].parent;
            if p == u32::MAX || p as usize == body || dom.nodes[p as usize].tag == Tag::Html {
                break;
            }
            top = p as usize;
        }
        // Climb through wrappers that hold nothing else.
        loop {
            let p = dom.nodes[top].parent;
            if p == u32::MAX || p as usize == body || dom.nodes[p as usize].tag == Tag::Html {
                break;
            }
            if k.chars[p as usize] > k.chars[top] {
                break;
            }
            top = p as usize;
        }
        // Siblings that look like part of the same content (lead-ins, text split by ads).
        let p = dom.nodes[top].parent;
        if p == u32::MAX {
            return vec![top];
        }
        let top_score = scores[top];
        let sib_threshold = (top_score * 0.2).max(10.0);
        let top_class = dom.attr(top, "class").unwrap_or("");
        let mut roots = Vec::new();
        // After a comments or related section, prose siblings are readers' text, not ours.
        let mut terminated = false;
        for s in dom.children(p as usize) {
            if s == top {
                roots.push(s);
                continue;
            }
            if self.holds_section_end(s) {
                terminated = true;
            }
            if self.removed[s].is_some() || k.chars[s] == 0 {
                continue;
            }
            // Sibling <article>s are other stories (teasers, infinite scroll), not ours.
            if dom.nodes[top].tag == Tag::Article && dom.nodes[s].tag == Tag::Article {
                continue;
            }
            let mut bonus = 0.0;
            if !top_class.is_empty() && dom.attr(s, "class") == Some(top_class) {
                bonus = top_score * 0.2;
            }
            let mut append = scores[s] + bonus >= sib_threshold;
            if !append && dom.nodes[s].tag == Tag::P {
                let len = k.chars[s];
                let ld = k.ld(s);
                let text = dom.text_of(s);
                let long_prose = len > 80 && ld < 0.25;
                let short_sentence = len < 80
                    && len > 0
                    && ld == 0.0
                    && text.trim_end().ends_with(['.', '!', '?', '。']);
                append = long_prose || short_sentence;
            }
            // Page builders split one story over sibling blocks of their own: a sibling
            // block of sentences with few links continues the text.
            if !append && !terminated && matches!(dom.nodes[s].tag, Tag::Div | Tag::Section) {
                let sn = &dom.nodes[s];
                append = k.chars[s] >= SIBLING_PROSE
                    && k.ld(s) < 0.25
                    && sn.sentences >= 2
                    && sn.paras + sn.headings > 0;
            }
            if append {
                roots.push(s);
            }
        }
        roots
    }

    /// The common ancestor of the top candidate and the other prose blocks that share its
    /// first class name: a page builder gives each part of one story the same rich-text
    /// block, each nested in a section of its own, so the parts never meet as siblings.
    fn kin_blocks_ancestor(&self, top: usize, k: &Kept, scores: &[f32]) -> Option<usize> {
        let dom = self.dom;
        let first = |i: usize| {
            dom.attr(i, "class")
                .and_then(|c| c.split_whitespace().next())
        };
        let name = first(top)?;
        let floor = scores[top] * 0.2;
        let kin: Vec<usize> = (0..scores.len())
            .filter(|&j| {
                j != top
                    && scores[j] >= floor
                    && k.chars[j] >= 200
                    && !dom.contains(j, top)
                    && !dom.contains(top, j)
                    && first(j) == Some(name)
            })
            .collect();
        // Siblings join as sibling roots below, without the wrapper's other children.
        let parent = dom.nodes[top].parent;
        if kin.len() < 2 || kin.iter().all(|&j| dom.nodes[j].parent == parent) {
            return None;
        }
        let mut a = dom.nodes[top].parent;
        while a != u32::MAX && a as usize != dom.body {
            let ai = a as usize;
            if kin.iter().all(|&j| dom.contains(ai, j)) {
                // When the top block is all its branch holds and the kin's branches are
                // classed alike, the branches are the sibling roots chosen below, without
                // the other children of this ancestor.
                let branch = |j: usize| dom.children(ai).find(|&c| dom.contains(c, j));
                let own = branch(top);
                let class = own.and_then(|c| dom.attr(c, "class"));
                if own.is_some_and(|c| k.chars[c] == k.chars[top])
                    && kin
                        .iter()
                        .all(|&j| branch(j).and_then(|c| dom.attr(c, "class")) == class)
                {
                    return None;
                }
                return (k.ld(ai) < 0.25).then_some(ai);
            }
            a = dom.nodes[ai].parent;
        }
        None
    }

    /// Whether subtree `s` is, or holds, a removed comments or related section.
    fn holds_section_end(&self, s: usize) -> bool {
        let end = self.dom.nodes[s].end as usize;
        self.removed[s..end]
            .iter()
            .any(|r| matches!(r, Some(Reason::Comments | Reason::Related)))
    }

    /// Conditional cleaning inside a chosen root: link-dense lists and divs, form-heavy and
    /// image-heavy blocks, boilerplate phrases. Judges every node, or only the nodes of
    /// `only` (in document order, and holding the ancestors of each of its nodes), and adds
    /// what it drops to `drops`.
    fn prune_inside(
        &mut self,
        root: usize,
        k: &Kept,
        only: Option<&[usize]>,
        drops: &mut Vec<usize>,
    ) {
        let dom = self.dom;
        let end = dom.nodes[root].end as usize;
        let Some(only) = only else {
            let mut i = root + 1;
            while i < end {
                i = self.prune_node(i, root, k, drops).unwrap_or(i + 1);
            }
            return;
        };
        // Nodes before this are inside a subtree that is gone.
        let mut skip_to = root + 1;
        let from = only.partition_point(|&i| i <= root);
        for &i in &only[from..] {
            if i >= end {
                break;
            }
            if i >= skip_to {
                if let Some(next) = self.prune_node(i, root, k, drops) {
                    skip_to = next;
                }
            }
        }
    }

    /// Judges node `i` inside `root`: where the walk goes on when the node is, or is now,
    /// removed (past its subtree), `None` to go on into it.
    fn prune_node(
        &mut self,
        i: usize,
        root: usize,
        k: &Kept,
        drops: &mut Vec<usize>,
    ) -> Option<usize> {
        let node = &self.dom.nodes[i];
        if self.removed[i].is_some() {
            return Some(node.end as usize);
        }
        if node.tag == Tag::Text || self.protected[i] {
            return None;
        }
        let r = self.conditional(i, k, k.chars[root])?;
        self.removed[i] = Some(r);
        drops.push(i);
        Some(node.end as usize)
    }

    /// Removes the short labels (section kickers, breadcrumbs) between a root's start and
    /// its headline; a long text before the headline is left alone.
    fn drop_kickers(&mut self, root: usize, title: usize) {
        let dom = self.dom;
        let mut blocks = Vec::new();
        let mut total = 0;
        let mut i = root + 1;
        while i < title {
            let n = &dom.nodes[i];
            if self.removed[i].is_some() || n.chars == 0 {
                i = n.end as usize;
                continue;
            }
            if dom.contains(i, title) {
                i += 1;
                continue;
            }
            total += n.chars;
            blocks.push(i);
            i = n.end as usize;
        }
        if total > 0 && total < 150 && blocks.iter().all(|&b| dom.nodes[b].chars < 80) {
            for b in blocks {
                self.removed[b] = Some(Reason::Kicker);
            }
        }
    }

    /// Characters inside `<time>` elements among node `i`'s first descendants; 0 when none.
    fn time_chars(&self, i: usize) -> u32 {
        let end = (self.dom.nodes[i].end as usize).min(i + 64);
        let mut k = i + 1;
        let mut total = 0;
        let mut found = false;
        while k < end {
            let n = &self.dom.nodes[k];
            if n.tag == Tag::Time {
                total += n.chars;
                found = true;
                k = n.end as usize;
                continue;
            }
            k += 1;
        }
        if found {
            total.max(1)
        } else {
            0
        }
    }

    fn conditional(&self, i: usize, k: &Kept, root_chars: u32) -> Option<Reason> {
        let dom = self.dom;
        let node = &dom.nodes[i];
        let chars = k.chars[i];
        let ld = k.ld(i);
        // On pages whose content is cards and sections, a link-heavy block is often an item.
        let listing = self.lenient
            || matches!(
                self.page_type,
                PageType::Listing | PageType::Collection | PageType::Service
            );
        match node.tag {
            Tag::P
            | Tag::Div
            | Tag::Section
            | Tag::Ul
            | Tag::Ol
            | Tag::Table
            | Tag::Li
            | Tag::Dl
            | Tag::Inline
            | Tag::Figure
            | Tag::Form
            | Tag::Aside
            | Tag::Header
            | Tag::Footer
            | Tag::Block
            | Tag::H(_)
            | Tag::Dd => {}
            _ => return None,
        }
        if chars == 0 {
            return None;
        }
        // Short boilerplate lines.
        if chars < 120 && node.tag != Tag::Inline && chrome::boiler_phrase(dom.text_of(i)) {
            return Some(Reason::Boilerplate);
        }
        if node.tag == Tag::Inline || node.tag.is_heading() {
            return None;
        }
        // Pruning trims junk inside the content; a block holding most of it is the content.
        if chars * 2 > root_chars {
            return None;
        }
        if node.commas >= 10 && ld < 0.5 {
            return None;
        }
        // A short line that carries a <time>: a dateline or byline ("Par X, publié le ...").
        if matches!(node.tag, Tag::P | Tag::Div)
            && chars < 120
            && ld < 0.5
            && self.page_type != PageType::Forum
            && self.time_chars(i) > 0
            && chars.saturating_sub(self.time_chars(i)) < 60
        {
            return Some(Reason::Byline);
        }
        let weight = self.class_weight(i);
        let is_list = matches!(node.tag, Tag::Ul | Tag::Ol);
        // A single dominant link, as in "Read more: <a>Other story</a>".
        if node.tag == Tag::P && ld > 0.8 && chars < 200 && !listing {
            return Some(Reason::LinkDense);
        }
        if matches!(node.tag, Tag::Table) && is_data_table(dom, i) {
            return None;
        }
        let paras = node.paras;
        let imgs = node.imgs;
        if node.tag == Tag::Div
            || node.tag == Tag::Section
            || is_list
            || node.tag == Tag::Table
            || node.tag == Tag::Form
        {
            // Product cards carry quick-add buttons; on a shop's grid they are not forms.
            let shop_grid = matches!(self.page_type, PageType::Collection | PageType::Listing);
            // Blocks that speak in sentences around their fields are content with a form in
            // it: a landing page's hero round its sign-up field, a post above its reply box.
            let pitch = node.sentences >= 1 && chars >= 300 && ld < 0.2;
            if !shop_grid
                && !pitch
                && node.inputs > 0
                && node.inputs as f32 > (paras as f32 / 3.0).max(1.0)
                && chars < 1000
                && !text_with_controls(dom, i, chars)
            {
                return Some(Reason::Form);
            }
            // On listings the items are links; only menus of short links go. (An event row of
            // short links, date, title, city, is still 10-20% plain text: 0.8 dropped it.)
            let avg_link = node.link_chars as f32 / node.links.max(1) as f32;
            if listing {
                if ld > 0.9 && avg_link < 15.0 && chars < 2000 {
                    return Some(Reason::LinkDense);
                }
                return None;
            }
            let ld_limit = if weight >= 25.0 {
                0.5
            } else if is_list {
                0.35
            } else {
                0.25
            };
            if ld > ld_limit && chars < 2000 && !described_terms(dom, i) {
                return Some(Reason::LinkDense);
            }
            if imgs > 1
                && (paras as f32) / (imgs as f32) < 0.5
                && chars < 200
                && node.tag != Tag::Figure
            {
                return Some(Reason::Boilerplate);
            }
            if chars < 25 && ld > 0.0 && (imgs == 0 || imgs > 2) {
                return Some(Reason::LinkDense);
            }
        }
        if node.tag == Tag::Li && ld > 0.9 && chars < 100 && !listing {
            // Leave single-link list items to the list test; only obvious nav items go.
            return None;
        }
        None
    }
}

/// Characters of sentences with few links that make a "Related" heading's section part of
/// the story (see [`Ctx::is_prose_chapter`]).
const PROSE_SECTION: u32 = 1000;

/// Most rounds of pruning inside the content roots (see [`select`]).
const PRUNE_ROUNDS: usize = 16;

/// Most of a wide root's kept text that may lie beside the child holding the rest, for the
/// root to stay at the headline's level. On wcxb 0.10, 0.15, 0.20 and 0.25 give +0.32, +0.85,
/// +0.76 and +0.76 summed document F1; scrapinghub's articles do not take wide roots.
const TITLE_SIDE: f32 = 0.15;

/// Characters a prose sibling block needs to join the content.
const SIBLING_PROSE: u32 = 100;

/// Share of the remaining text a wide root must keep.
const WIDE_SHARE: f32 = 0.8;

/// Page types whose main content spans most of the page rather than one prose column.
fn wide_type(t: PageType) -> bool {
    matches!(
        t,
        PageType::Service
            | PageType::Product
            | PageType::Collection
            | PageType::Listing
            | PageType::Forum
            | PageType::Documentation
    )
}

/// Characters of text per control above which a block without text boxes is text with
/// controls, not a form. Chosen on wcxb: 0, 30, 50, 80 give +1.55, +1.34, +1.31, +1.17
/// summed document F1; below 50 the worst page loses 0.12-0.15 (buy boxes, filter panels).
const TEXT_PER_CONTROL: u32 = 50;

/// Whether node `i` is text that carries buttons or check boxes (a forum post's "Reply" and
/// "Like", a checklist) rather than a form to fill in: it has no field to type or pick in,
/// and several lines of text per control.
fn text_with_controls(dom: &Dom, i: usize, chars: u32) -> bool {
    chars >= TEXT_PER_CONTROL * dom.nodes[i].inputs && entry_fields(dom, i) == 0
}

/// Controls a reader types or picks into (text boxes, text areas, drop-downs) under node `i`.
fn entry_fields(dom: &Dom, i: usize) -> usize {
    let Some(root) = dom.html.tree.get(dom.nodes[i].id) else {
        return 0;
    };
    root.descendants()
        .filter_map(|d| d.value().as_element())
        .filter(|e| match e.name() {
            "textarea" | "select" => true,
            "input" => !matches!(
                e.attr("type").map(str::to_ascii_lowercase).as_deref(),
                Some("checkbox" | "radio" | "button" | "submit" | "reset" | "image" | "hidden")
            ),
            _ => false,
        })
        .count()
}

/// Readability's data-table test: tables that hold data rather than layout.
fn is_data_table(dom: &Dom, i: usize) -> bool {
    if dom.attr(i, "role") == Some("presentation") {
        return false;
    }
    let end = dom.nodes[i].end as usize;
    let mut rows = 0;
    let mut cols_max = 0;
    let mut nested = false;
    let mut has_th = false;
    let mut j = i + 1;
    while j < end {
        match dom.nodes[j].tag {
            Tag::Table => {
                nested = true;
                j = dom.nodes[j].end as usize;
                continue;
            }
            Tag::Tr => {
                rows += 1;
                let c = dom
                    .children(j)
                    .filter(|&c| matches!(dom.nodes[c].tag, Tag::Td | Tag::Th))
                    .count();
                cols_max = cols_max.max(c);
            }
            Tag::Th | Tag::Caption => has_th = true,
            _ => {}
        }
        j += 1;
    }
    if nested {
        return false;
    }
    if has_th {
        return true;
    }
    if rows <= 1 || cols_max <= 1 {
        return false;
    }
    rows >= 10 || cols_max > 4 || rows * cols_max > 10
}
