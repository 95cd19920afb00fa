//! The page flattened once into a pre-order arena with per-subtree aggregates.
//!
//! Every later pass (chrome detection, scoring, metadata, rendering) reads these arrays
//! instead of walking the html5ever tree again: a subtree is the index range `[i, end)`,
//! and its text is one contiguous slice of a single buffer.

use ego_tree::NodeRef;
use scraper::node::Node as HtmlNode;
use scraper::Html;

use super::classify::{self, Concepts};

/// Element kinds the extractor cares about; everything else is `Other` or `Inline`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tag {
    /// A text node.
    Text,
    /// The `<html>` element.
    Html,
    /// The `<body>` element.
    Body,
    /// A paragraph, `<p>`.
    P,
    /// The `<div>` element.
    Div,
    /// The `<section>` element.
    Section,
    /// The `<article>` element.
    Article,
    /// The `<main>` element.
    Main,
    /// The `<aside>` element.
    Aside,
    /// The `<header>` element.
    Header,
    /// The `<footer>` element.
    Footer,
    /// The `<nav>` element.
    Nav,
    /// A heading, `<h1>` to `<h6>`, with its level.
    H(u8),
    /// An unordered list, `<ul>` or `<menu>`.
    Ul,
    /// An ordered list, `<ol>`.
    Ol,
    /// A list item, `<li>`.
    Li,
    /// A description list, `<dl>`.
    Dl,
    /// A description term, `<dt>`.
    Dt,
    /// A description, `<dd>`.
    Dd,
    /// The `<table>` element.
    Table,
    /// A table row, `<tr>`.
    Tr,
    /// A table cell, `<td>`.
    Td,
    /// A table header cell, `<th>`.
    Th,
    /// The `<caption>` element.
    Caption,
    /// The `<blockquote>` element.
    Blockquote,
    /// Preformatted text: `<pre>`, `<listing>`, `<xmp>`, `<plaintext>`.
    Pre,
    /// The `<code>` element.
    Code,
    /// The `<figure>` element.
    Figure,
    /// The `<figcaption>` element.
    Figcaption,
    /// The `<form>` element.
    Form,
    /// A link, `<a>`.
    A,
    /// An image, `<img>`.
    Img,
    /// A line break, `<br>`.
    Br,
    /// A thematic break, `<hr>`.
    Hr,
    /// The `<time>` element.
    Time,
    /// The `<address>` element.
    Address,
    /// The `<details>` element.
    Details,
    /// The `<summary>` element.
    Summary,
    /// Other block-level containers (center, hgroup, fieldset, dialog...).
    Block,
    /// Inline markup (span, b, em, ...).
    Inline,
}

impl Tag {
    fn from_name(name: &str) -> Tag {
        match name {
            "html" => Tag::Html,
            "body" => Tag::Body,
            "p" => Tag::P,
            "div" => Tag::Div,
            "section" => Tag::Section,
            "article" => Tag::Article,
            "main" => Tag::Main,
            "aside" => Tag::Aside,
            "header" => Tag::Header,
            "footer" => Tag::Footer,
            "nav" => Tag::Nav,
            "h1" => Tag::H(1),
            "h2" => Tag::H(2),
            "h3" => Tag::H(3),
            "h4" => Tag::H(4),
            "h5" => Tag::H(5),
            "h6" => Tag::H(6),
            "ul" | "menu" => Tag::Ul,
            "ol" => Tag::Ol,
            "li" => Tag::Li,
            "dl" => Tag::Dl,
            "dt" => Tag::Dt,
            "dd" => Tag::Dd,
            "table" => Tag::Table,
            "tr" => Tag::Tr,
            "td" => Tag::Td,
            "th" => Tag::Th,
            "caption" => Tag::Caption,
            "blockquote" => Tag::Blockquote,
            "pre" | "listing" | "xmp" | "plaintext" => Tag::Pre,
            "code" => Tag::Code,
            "figure" => Tag::Figure,
            "figcaption" => Tag::Figcaption,
            "form" => Tag::Form,
            "a" => Tag::A,
            "img" => Tag::Img,
            "br" => Tag::Br,
            "hr" => Tag::Hr,
            "time" => Tag::Time,
            "address" => Tag::Address,
            "details" => Tag::Details,
            "summary" => Tag::Summary,
            "center" | "hgroup" | "fieldset" | "dialog" | "thead" | "tbody" | "tfoot"
            | "legend" | "noindex" | "search" | "colgroup" => Tag::Block,
            _ => Tag::Inline,
        }
    }

    /// Whether the element starts a new line of text when rendered.
    pub fn is_block(self) -> bool {
        !matches!(
            self,
            Tag::Text | Tag::Inline | Tag::A | Tag::Img | Tag::Code | Tag::Time | Tag::Br
        )
    }

    /// Whether this is a heading element.
    pub fn is_heading(self) -> bool {
        matches!(self, Tag::H(_))
    }
}

/// One node of the flattened page.
#[derive(Debug, Clone)]
pub struct Node {
    /// What kind of node this is.
    pub tag: Tag,
    /// Parent index; `u32::MAX` for the root.
    pub parent: u32,
    /// One past the last node of this subtree.
    pub end: u32,
    /// Depth below the document root.
    pub depth: u32,
    /// Concept bits from the tag and its attributes (see `classify`).
    pub concepts: Concepts,
    /// This subtree's text: `text[text_start..text_end]` of the page buffer.
    pub text_start: u32,
    /// End of this subtree's text in the page buffer.
    pub text_end: u32,
    /// The html5ever node, to read attributes when rendering.
    pub id: ego_tree::NodeId,
    /// Non-whitespace characters in the subtree.
    pub chars: u32,
    /// Non-whitespace characters inside links.
    pub link_chars: u32,
    /// Characters in paragraph-like descendants (p, pre, blockquote, td, dd, li text).
    pub p_chars: u32,
    /// Number of `<p>` elements (and p-like divs) in the subtree.
    pub paras: u32,
    /// Number of links.
    pub links: u32,
    /// Number of list items.
    pub lis: u32,
    /// Number of images.
    pub imgs: u32,
    /// Number of form controls (input, select, textarea, button).
    pub inputs: u32,
    /// Number of headings.
    pub headings: u32,
    /// Commas and other clause separators, a proxy for prose.
    pub commas: u32,
    /// Number of sentence ends (". ", "? ", "! ", "。").
    pub sentences: u32,
    /// Number of words (whitespace-separated runs; CJK characters count as a third of a word).
    pub words: u32,
}

/// A parsed page flattened into arrays.
pub struct Dom<'a> {
    /// The parsed document the arena indexes.
    pub html: &'a Html,
    /// The nodes in pre-order.
    pub nodes: Vec<Node>,
    /// All text of the page, whitespace collapsed, in document order.
    pub text: String,
    /// Index of `<body>` (or the root when there is none).
    pub body: usize,
    /// Text of `<title>`.
    pub title: Option<String>,
    /// `<html lang>`.
    pub lang: Option<String>,
    /// Raw JSON-LD script bodies.
    pub json_ld: Vec<String>,
    /// `(name-or-property, content)` of every `<meta>` with content, lowercased keys.
    pub metas: Vec<(String, String)>,
    /// `<link rel=canonical>` href.
    pub canonical: Option<String>,
    /// `<base href>`.
    pub base: Option<String>,
    /// Ids that an `aria-expanded` control names in `aria-controls`, read on first use.
    controlled: std::cell::OnceCell<Vec<&'a str>>,
}

const NONE: u32 = u32::MAX;

/// Elements whose content is never page text.
pub(crate) fn skipped(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "template"
            | "svg"
            | "math"
            | "iframe"
            | "object"
            | "embed"
            | "canvas"
            | "video"
            | "audio"
            | "select"
            | "option"
            | "optgroup"
            | "datalist"
            | "textarea"
            | "button"
            | "input"
            | "head"
            | "map"
            | "frameset"
            | "frame"
    )
}

/// Whether a `<button>` is the title of what it opens (an accordion's question, a tab's name):
/// it says `aria-expanded`, or holds a heading. Its text is the page's, unlike "Add to cart".
fn heads_disclosure(el: &scraper::node::Element, node: NodeRef<'_, HtmlNode>) -> bool {
    el.attr("aria-expanded").is_some()
        || node.children().any(|c| {
            c.value()
                .as_element()
                .is_some_and(|e| matches!(e.name(), "h1" | "h2" | "h3" | "h4" | "h5" | "h6"))
        })
}

impl<'a> Dom<'a> {
    /// Flattens `html`; `max_nodes` caps the arena so hostile pages stay bounded.
    pub fn build(html: &'a Html, max_nodes: usize) -> Dom<'a> {
        let mut dom = Dom {
            html,
            nodes: Vec::with_capacity(1024),
            text: String::with_capacity(16 * 1024),
            body: 0,
            title: None,
            lang: None,
            json_ld: Vec::new(),
            metas: Vec::new(),
            canonical: None,
            base: None,
            controlled: std::cell::OnceCell::new(),
        };
        dom.flatten(html.tree.root(), max_nodes);
        dom.aggregate();
        dom
    }

    fn flatten(&mut self, root: NodeRef<'a, HtmlNode>, max_nodes: usize) {
        // Iterative pre-order walk: deep pages must not overflow the stack.
        // Stack entries: (node, parent index, depth, inside-link).
        let mut stack: Vec<(NodeRef<'a, HtmlNode>, u32, u32, bool)> = vec![(root, NONE, 0, false)];
        // Open ancestors, to close their subtree ranges when the walk leaves them.
        let mut open: Vec<usize> = Vec::new();
        let mut body = None;
        let mut last_space = true;
        let mut names = classify::NameCache::default();
        while let Some((node, parent, depth, in_link)) = stack.pop() {
            // `open` is always the ancestor chain of the last element pushed, so everything
            // above this node's parent has ended.
            while let Some(&top) = open.last() {
                if top as u32 == parent {
                    break;
                }
                self.close(top);
                open.pop();
            }
            if self.nodes.len() >= max_nodes {
                break;
            }
            match node.value() {
                HtmlNode::Text(t) => {
                    if parent == NONE {
                        continue;
                    }
                    let start = self.text.len() as u32;
                    push_collapsed(&mut self.text, t, &mut last_space);
                    let end = self.text.len() as u32;
                    if end == start {
                        continue;
                    }
                    let idx = self.nodes.len();
                    self.nodes
                        .push(Node::new(Tag::Text, parent, depth, node.id(), start));
                    let n = &mut self.nodes[idx];
                    n.text_end = end;
                    n.end = idx as u32 + 1;
                    let s = &self.text[start as usize..end as usize];
                    let (chars, words, commas, sentences) = text_stats(s);
                    n.chars = chars;
                    n.words = words;
                    n.commas = commas;
                    n.sentences = sentences;
                    if in_link {
                        n.link_chars = chars;
                    }
                }
                HtmlNode::Element(el) => {
                    let name = el.name();
                    if name == "head" {
                        self.read_head(node);
                        continue;
                    }
                    if skipped(name) && !(name == "button" && heads_disclosure(el, node)) {
                        if name == "script" {
                            self.read_script(node);
                        } else if matches!(name, "input" | "select" | "textarea" | "button")
                            && parent != NONE
                        {
                            self.bump_inputs(parent as usize);
                        }
                        continue;
                    }
                    if name == "meta" || name == "link" || name == "title" || name == "base" {
                        // Misplaced head elements in the body still count as metadata.
                        self.read_head_element(node);
                        continue;
                    }
                    let tag = Tag::from_name(name);
                    let idx = self.nodes.len();
                    let mut n = Node::new(tag, parent, depth, node.id(), self.text.len() as u32);
                    n.concepts = classify::classify(el, tag, &mut names);
                    if tag == Tag::Img {
                        n.imgs = 1;
                    }
                    if tag == Tag::A {
                        n.links = 1;
                    }
                    if tag == Tag::Html {
                        if let Some(l) = el.attr("lang").or_else(|| el.attr("xml:lang")) {
                            if !l.trim().is_empty() {
                                self.lang = Some(l.trim().to_string());
                            }
                        }
                    }
                    if tag == Tag::Body && body.is_none() {
                        body = Some(idx);
                    }
                    if tag.is_block() && !last_space {
                        // Blocks separate words even without whitespace in the source.
                        self.text.push(' ');
                        last_space = true;
                        n.text_start = self.text.len() as u32;
                    }
                    self.nodes.push(n);
                    open.push(idx);
                    let link = in_link || tag == Tag::A;
                    // Last child first, so the first child is popped first; no allocation.
                    let mut child = node.last_child();
                    while let Some(c) = child {
                        stack.push((c, idx as u32, depth + 1, link));
                        child = c.prev_sibling();
                    }
                }
                HtmlNode::Document | HtmlNode::Fragment => {
                    let mut child = node.last_child();
                    while let Some(c) = child {
                        stack.push((c, parent, depth, in_link));
                        child = c.prev_sibling();
                    }
                }
                _ => {}
            }
        }
        while let Some(top) = open.pop() {
            self.close(top);
        }
        self.body = body.unwrap_or(0);
        if self.nodes.is_empty() {
            let id = self.html.tree.root().id();
            self.nodes.push(Node::new(Tag::Body, NONE, 0, id, 0));
            self.nodes[0].end = 1;
        }
    }

    fn close(&mut self, idx: usize) {
        let end = self.nodes.len() as u32;
        let tend = self.text.len() as u32;
        let n = &mut self.nodes[idx];
        n.end = end;
        n.text_end = tend.max(n.text_start);
    }

    fn bump_inputs(&mut self, idx: usize) {
        if let Some(n) = self.nodes.get_mut(idx) {
            n.inputs += 1;
        }
    }

    fn read_head(&mut self, head: NodeRef<'a, HtmlNode>) {
        for d in head.descendants() {
            self.read_head_element(d);
            if let HtmlNode::Element(el) = d.value() {
                if el.name() == "script" {
                    self.read_script(d);
                }
            }
        }
    }

    fn read_head_element(&mut self, node: NodeRef<'a, HtmlNode>) {
        let HtmlNode::Element(el) = node.value() else {
            return;
        };
        match el.name() {
            "title" if self.title.is_none() => {
                let t: String = node
                    .children()
                    .filter_map(|c| c.value().as_text().map(|t| t.to_string()))
                    .collect();
                let t = collapse_ws(&t);
                if !t.is_empty() {
                    self.title = Some(t);
                }
            }
            "meta" => {
                let key = el
                    .attr("property")
                    .or_else(|| el.attr("name"))
                    .or_else(|| el.attr("itemprop"))
                    .or_else(|| el.attr("http-equiv"));
                if let (Some(k), Some(c)) = (key, el.attr("content")) {
                    let c = collapse_ws(c);
                    if !c.is_empty() {
                        self.metas.push((k.trim().to_ascii_lowercase(), c));
                    }
                }
            }
            "link" => {
                if let (Some(rel), Some(href)) = (el.attr("rel"), el.attr("href")) {
                    if rel
                        .split_ascii_whitespace()
                        .any(|r| r.eq_ignore_ascii_case("canonical"))
                        && self.canonical.is_none()
                        && !href.trim().is_empty()
                    {
                        self.canonical = Some(href.trim().to_string());
                    }
                }
            }
            "base" => {
                if let Some(h) = el.attr("href") {
                    if self.base.is_none() && !h.trim().is_empty() {
                        self.base = Some(h.trim().to_string());
                    }
                }
            }
            _ => {}
        }
    }

    fn read_script(&mut self, node: NodeRef<'a, HtmlNode>) {
        let HtmlNode::Element(el) = node.value() else {
            return;
        };
        let is_ld = el
            .attr("type")
            .map(|t| t.trim().eq_ignore_ascii_case("application/ld+json"))
            .unwrap_or(false);
        if !is_ld || self.json_ld.len() >= 64 {
            return;
        }
        let body: String = node
            .children()
            .filter_map(|c| c.value().as_text().map(|t| t.to_string()))
            .collect();
        if body.len() <= 4 << 20 {
            self.json_ld.push(body);
        }
    }

    /// Sums every node's aggregates into its ancestors, in one reverse pass.
    fn aggregate(&mut self) {
        for i in (1..self.nodes.len()).rev() {
            let n = &self.nodes[i];
            let p = n.parent;
            if p == NONE {
                continue;
            }
            let tag = n.tag;
            let mut add = AggDelta {
                chars: n.chars,
                link_chars: n.link_chars,
                p_chars: n.p_chars,
                paras: n.paras,
                links: n.links,
                lis: n.lis,
                imgs: n.imgs,
                inputs: n.inputs,
                headings: n.headings,
                commas: n.commas,
                sentences: n.sentences,
                words: n.words,
            };
            match tag {
                Tag::P | Tag::Pre | Tag::Blockquote => {
                    add.p_chars = n.chars;
                    add.paras += 1;
                }
                Tag::Li => add.lis += 1,
                Tag::H(_) => add.headings += 1,
                _ => {}
            }
            if tag == Tag::Text {
                let ptag = self.nodes[p as usize].tag;
                if matches!(
                    ptag,
                    Tag::Div | Tag::Td | Tag::Dd | Tag::Li | Tag::Section | Tag::Article
                ) {
                    // Loose text directly in a container reads like a paragraph.
                    add.p_chars = n.chars;
                }
            }
            let pn = &mut self.nodes[p as usize];
            pn.chars += add.chars;
            pn.link_chars += add.link_chars;
            pn.p_chars += add.p_chars;
            pn.paras += add.paras;
            pn.links += add.links;
            pn.lis += add.lis;
            pn.imgs += add.imgs;
            pn.inputs += add.inputs;
            pn.headings += add.headings;
            pn.commas += add.commas;
            pn.sentences += add.sentences;
            pn.words += add.words;
        }
    }

    /// The collapsed text of node `i`'s subtree.
    pub fn text_of(&self, i: usize) -> &str {
        let n = &self.nodes[i];
        self.text[n.text_start as usize..n.text_end as usize].trim()
    }

    /// Link density of node `i`: link characters over all characters.
    pub fn link_density(&self, i: usize) -> f32 {
        let n = &self.nodes[i];
        if n.chars == 0 {
            0.0
        } else {
            n.link_chars as f32 / n.chars as f32
        }
    }

    /// The element for node `i`, when it is one.
    pub fn element(&self, i: usize) -> Option<&'a scraper::node::Element> {
        self.html.tree.get(self.nodes[i].id)?.value().as_element()
    }

    /// Ids that a disclosure control (an `aria-expanded` element) opens via `aria-controls`.
    pub fn controlled_ids(&self) -> &[&'a str] {
        self.controlled.get_or_init(|| {
            self.html
                .tree
                .values()
                .filter_map(|v| v.as_element())
                .filter(|e| e.attr("aria-expanded").is_some())
                .filter_map(|e| e.attr("aria-controls"))
                .flat_map(str::split_ascii_whitespace)
                .collect()
        })
    }

    /// An attribute of node `i`.
    pub fn attr(&self, i: usize, name: &str) -> Option<&'a str> {
        self.element(i)?.attr(name)
    }

    /// Iterates the direct children of node `i`.
    pub fn children(&self, i: usize) -> Children<'_, 'a> {
        Children {
            dom: self,
            next: i + 1,
            end: self.nodes[i].end as usize,
        }
    }

    /// True when `a` is `b` or one of its ancestors.
    pub fn contains(&self, a: usize, b: usize) -> bool {
        a <= b && b < self.nodes[a].end as usize
    }
}

/// Iterator over a node's direct children.
pub struct Children<'d, 'a> {
    dom: &'d Dom<'a>,
    next: usize,
    end: usize,
}

impl Iterator for Children<'_, '_> {
    type Item = usize;
    fn next(&mut self) -> Option<usize> {
        if self.next >= self.end {
            return None;
        }
        let i = self.next;
        self.next = self.dom.nodes[i].end as usize;
        Some(i)
    }
}

struct AggDelta {
    chars: u32,
    link_chars: u32,
    p_chars: u32,
    paras: u32,
    links: u32,
    lis: u32,
    imgs: u32,
    inputs: u32,
    headings: u32,
    commas: u32,
    sentences: u32,
    words: u32,
}

impl Node {
    fn new(tag: Tag, parent: u32, depth: u32, id: ego_tree::NodeId, text_start: u32) -> Node {
        Node {
            tag,
            parent,
            end: 0,
            depth,
            concepts: Concepts::default(),
            text_start,
            text_end: text_start,
            id,
            chars: 0,
            link_chars: 0,
            p_chars: 0,
            paras: 0,
            links: 0,
            lis: 0,
            imgs: 0,
            inputs: 0,
            headings: 0,
            commas: 0,
            sentences: 0,
            words: 0,
        }
    }
}

/// Appends `s` with whitespace runs collapsed to one space, continuing the previous run.
fn push_collapsed(out: &mut String, s: &str, last_space: &mut bool) {
    for c in s.chars() {
        if c.is_whitespace() || c == '\u{a0}' || c == '\u{200b}' {
            if !*last_space {
                out.push(' ');
                *last_space = true;
            }
        } else if c != '\0' && c != '\u{feff}' {
            out.push(c);
            *last_space = false;
        }
    }
}

/// Collapses whitespace in a short string and trims it.
pub fn collapse_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut last = true;
    push_collapsed(&mut out, s, &mut last);
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30ff | 0x3400..=0x4dbf | 0x4e00..=0x9fff | 0xac00..=0xd7af | 0xf900..=0xfaff)
}

/// (chars, words, commas, sentence ends) of collapsed text.
pub(crate) fn text_stats(s: &str) -> (u32, u32, u32, u32) {
    let mut chars = 0u32;
    let mut words = 0u32;
    let mut cjk = 0u32;
    let mut commas = 0u32;
    let mut sentences = 0u32;
    let mut in_word = false;
    let mut prev = ' ';
    for c in s.chars() {
        if c == ' ' {
            if matches!(prev, '.' | '?' | '!') {
                sentences += 1;
            }
            in_word = false;
        } else {
            chars += 1;
            if is_cjk(c) {
                cjk += 1;
                in_word = false;
            } else if c.is_alphanumeric() {
                if !in_word {
                    words += 1;
                    in_word = true;
                }
            } else {
                in_word = false;
            }
            match c {
                ',' | '،' | '、' | '，' | ';' => commas += 1,
                '。' | '！' | '？' => sentences += 1,
                _ => {}
            }
        }
        prev = c;
    }
    if matches!(prev, '.' | '?' | '!') {
        sentences += 1;
    }
    (chars, words + cjk.div_ceil(2), commas, sentences)
}
