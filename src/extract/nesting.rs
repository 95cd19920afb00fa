//! The nesting pre-check: how deep the parser's tree would get, read from the raw markup
//! without building it, so that pages html5ever would take seconds over are refused first.

use std::sync::OnceLock;

use rustc_hash::FxHashMap;

/// A tag name, lowercased and cut to 16 bytes, packed into one integer: the scan compares
/// and hashes names without allocating.
type Name = u128;

const fn pack(s: &[u8]) -> Name {
    let mut v: Name = 0;
    let mut i = 0;
    while i < s.len() && i < 16 {
        v |= (s[i].to_ascii_lowercase() as Name) << (8 * i);
        i += 1;
    }
    v
}

/// [`pack`] for names read from a page: the same value, without a shift per byte.
fn pack_name(s: &[u8]) -> Name {
    let mut buf = [0u8; 16];
    for (d, c) in buf.iter_mut().zip(s) {
        *d = c.to_ascii_lowercase();
    }
    Name::from_le_bytes(buf)
}

const fn packs<const N: usize>(names: [&[u8]; N]) -> [Name; N] {
    let mut out = [0; N];
    let mut i = 0;
    while i < N {
        out[i] = pack(names[i]);
        i += 1;
    }
    out
}

/// Elements that never hold others open: void elements, elements the parser closes by
/// itself, and the document's own frame.
const NOT_NESTING: [Name; 41] = packs([
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
]);
/// Raw-text and RCDATA elements: their bodies hold no tags.
const RAW: [Name; 6] = packs([
    b"script",
    b"style",
    b"textarea",
    b"xmp",
    b"title",
    b"plaintext",
]);
/// Start tags that end SVG or MathML content: the parser closes the foreign elements first
/// (the list in the HTML standard's "in foreign content" rules; `<font>` too when it has a
/// color, face or size).
pub(super) const BREAKOUT_TAGS: [&[u8]; 44] = [
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
const BREAKOUT: [Name; 44] = packs(BREAKOUT_TAGS);
const SVG: Name = pack(b"svg");

/// Bits of [`kind`]: which of the lists above and below hold a name.
const K_NOT_NESTING: u8 = 1;
const K_RAW: u8 = 2;
const K_BREAKOUT: u8 = 4;
const K_SPECIAL: u8 = 8;
const K_BOUNDARY: u8 = 16;
const K_INTEGRATION: u8 = 32;

/// The lists a name is on, in one hash lookup instead of a scan of each list per tag.
fn kind(name: Name) -> u8 {
    static KINDS: OnceLock<FxHashMap<Name, u8>> = OnceLock::new();
    let kinds = KINDS.get_or_init(|| {
        let mut m: FxHashMap<Name, u8> = FxHashMap::default();
        let lists: [(&[Name], u8); 6] = [
            (&NOT_NESTING, K_NOT_NESTING),
            (&RAW, K_RAW),
            (&BREAKOUT, K_BREAKOUT),
            (&OpenElements::SPECIAL, K_SPECIAL),
            (&OpenElements::BOUNDARY, K_BOUNDARY),
            (&OpenElements::INTEGRATION, K_INTEGRATION),
        ];
        for (list, bit) in lists {
            for &n in list {
                *m.entry(n).or_default() |= bit;
            }
        }
        m
    });
    kinds.get(&name).copied().unwrap_or(0)
}
const MATH: Name = pack(b"math");

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
#[cfg(test)]
pub(super) fn nesting_estimate(html: &str, limit: usize) -> usize {
    let mut d = Depth::new(limit);
    d.scan(html.as_bytes());
    d.max()
}

/// The nesting estimate built up tag by tag: [`crate::extract::prescan`] feeds it the tags
/// of the part of the page it follows, and [`Depth::scan`] reads the rest from the markup.
pub(super) struct Depth {
    open: OpenElements,
    /// The [`kind`] of each name met so far, and its number in [`OpenElements`]: one hash
    /// lookup per tag.
    names: FxHashMap<Name, (u8, usize)>,
    /// The last name looked up in each slot of a small hash, with its kind and number: a
    /// page uses a few dozen names over and over, and this spares most of the hashing.
    recent: [(Name, u8, usize); 64],
    max: usize,
    limit: usize,
}

impl Depth {
    /// An estimate that stops growing its model once past `limit`.
    pub(super) fn new(limit: usize) -> Depth {
        Depth {
            open: OpenElements::default(),
            names: FxHashMap::default(),
            // No tag has the empty name, so no lookup matches a vacant slot.
            recent: [(0, 0, 0); 64],
            max: 0,
            limit,
        }
    }

    /// The deepest nesting seen so far.
    pub(super) fn max(&self) -> usize {
        self.max
    }

    /// Whether the nesting went past the limit: the page is refused, so nothing after
    /// needs reading.
    pub(super) fn over(&self) -> bool {
        self.max > self.limit
    }

    /// A start tag named `name` whose body the caller skips itself when it is raw text;
    /// `self_closed` when the tag ends in `/>` as the parser gets it.
    pub(super) fn start_tag(&mut self, name: &[u8], self_closed: bool) {
        if self.over() {
            return;
        }
        self.start(pack_name(name), || self_closed);
    }

    /// An end tag named `name`.
    pub(super) fn end_tag(&mut self, name: &[u8]) {
        if self.over() {
            return;
        }
        self.end(pack_name(name));
    }

    /// The [`kind`] of a name and its number.
    fn lookup(&mut self, name: Name) -> (u8, usize) {
        let slot = ((name as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58) as usize;
        let (n, k, id) = self.recent[slot];
        if n == name {
            return (k, id);
        }
        let next = self.names.len();
        let (k, id) = *self.names.entry(name).or_insert_with(|| (kind(name), next));
        self.recent[slot] = (name, k, id);
        (k, id)
    }

    /// A start tag; `self_closed` is asked only of SVG and MathML tags.
    fn start(&mut self, name: Name, self_closed: impl FnOnce() -> bool) {
        let (k, id) = self.lookup(name);
        let foreign = self.enter(k);
        // Raw-text bodies are skipped by the caller; the element holds no tags.
        if !foreign && k & K_RAW != 0 {
            return;
        }
        // Only SVG and MathML honour `/>` (`<svg/>` too); `<div/>` opens a div like `<div>`.
        if k & K_NOT_NESTING != 0 || ((foreign || name == SVG || name == MATH) && self_closed()) {
            return;
        }
        self.open.push(id, name, k, foreign);
        self.max = self.max.max(self.open.len());
    }

    fn end(&mut self, name: Name) {
        let (k, id) = self.lookup(name);
        if k & K_NOT_NESTING == 0 {
            self.open.close(id, k);
        }
    }

    /// Leaves foreign content at an HTML breakout tag; tells whether the tag is inside
    /// SVG or MathML content.
    fn enter(&mut self, k: u8) -> bool {
        if self.open.foreign() && k & K_BREAKOUT != 0 {
            self.open.leave_foreign();
        }
        self.open.foreign()
    }

    /// Reads the tags of `b` as the parser would nest them, with no other model of the
    /// page than the open elements, until the end or past the limit.
    pub(super) fn scan(&mut self, b: &[u8]) {
        let mut i = 0;
        while let Some(off) = memchr::memchr(b'<', &b[i..]) {
            if self.over() {
                return;
            }
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
            let name = pack_name(&b[start..end]);
            if close {
                self.end(name);
                continue;
            }
            // Found only when needed: most tags are neither raw text nor foreign.
            let tag_end = || {
                memchr::memchr(b'>', &b[end..])
                    .map(|e| end + e)
                    .unwrap_or(b.len())
            };
            if self.lookup(name).0 & K_RAW != 0 && !self.open.foreign() {
                // Jump over the raw-text body to its end tag; no raw-text element breaks
                // out of foreign content, so the start below changes nothing.
                let len = end - start;
                let tag_end = tag_end();
                let rest = &b[tag_end.min(b.len())..];
                let closing = memchr::memmem::find_iter(rest, b"</").find(|&k| {
                    rest.len() >= k + 2 + len && pack_name(&rest[k + 2..k + 2 + len]) == name
                });
                i = match closing {
                    Some(k) => tag_end + k + 2 + len,
                    None => b.len(),
                };
                continue;
            }
            self.start(name, || {
                let tag_end = tag_end();
                tag_end > 0 && tag_end <= b.len() && b[..tag_end].ends_with(b"/")
            });
        }
    }
}

/// The open elements as [`Depth`] models them, with what the parser needs to decide
/// whether an end tag closes anything. Every query is O(1) and every element is pushed and
/// popped once, so the estimate stays linear in the input.
#[derive(Default)]
struct OpenElements {
    /// Each open element, innermost last.
    stack: Vec<Open>,
    /// Stack position of the innermost open element of each name number, [`NONE`] when
    /// there is none.
    last: Vec<usize>,
    /// Stack positions of open "special" elements: an end tag of an ordinary element
    /// (`</span>`) is ignored when one of these was opened after it.
    special: Vec<usize>,
    /// Stack positions of open scope boundaries: an end tag of a special element (`</div>`)
    /// is ignored when one of these was opened after it.
    boundary: Vec<usize>,
}

/// An open element of [`OpenElements`].
struct Open {
    /// Its name's number.
    id: usize,
    /// Whether its content is SVG or MathML.
    foreign: bool,
    /// Stack position of the next open element of the same name further out, or [`NONE`].
    outer: usize,
}

/// No stack position.
const NONE: usize = usize::MAX;

impl OpenElements {
    const SPECIAL: [Name; 53] = packs([
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
    ]);
    const BOUNDARY: [Name; 5] = packs([b"applet", b"marquee", b"object", b"table", b"template"]);
    /// Foreign elements whose content is HTML again.
    const INTEGRATION: [Name; 9] = packs([
        b"foreignobject",
        b"desc",
        b"title",
        b"mi",
        b"mo",
        b"mn",
        b"ms",
        b"mtext",
        b"annotation-xml",
    ]);

    fn len(&self) -> usize {
        self.stack.len()
    }

    /// Whether the current element's content is SVG or MathML.
    fn foreign(&self) -> bool {
        self.stack.last().is_some_and(|e| e.foreign)
    }

    /// Opens `name`, numbered `id`, of [`kind`] `k`; `in_foreign` tells whether it starts
    /// inside SVG or MathML content.
    fn push(&mut self, id: usize, name: Name, k: u8, in_foreign: bool) {
        let integration = k & K_INTEGRATION != 0;
        let foreign = if in_foreign {
            !integration
        } else {
            name == SVG || name == MATH
        };
        let at = self.stack.len();
        // Inside SVG or MathML, names like `title` are not HTML's special elements.
        if !in_foreign || integration {
            if k & K_SPECIAL != 0 {
                self.special.push(at);
            }
            if k & K_BOUNDARY != 0 {
                self.boundary.push(at);
            }
        }
        if id >= self.last.len() {
            self.last.resize(id + 1, NONE);
        }
        let outer = std::mem::replace(&mut self.last[id], at);
        self.stack.push(Open { id, foreign, outer });
    }

    fn pop(&mut self) {
        let Some(e) = self.stack.pop() else {
            return;
        };
        let at = self.stack.len();
        self.last[e.id] = e.outer;
        if self.special.last() == Some(&at) {
            self.special.pop();
        }
        if self.boundary.last() == Some(&at) {
            self.boundary.pop();
        }
    }

    /// An end tag of the name numbered `id`, of [`kind`] `k`: closes the innermost open
    /// element of that name and everything opened after it, unless the parser would ignore
    /// the tag (nothing of that name open, or a special element or scope boundary in the way).
    fn close(&mut self, id: usize, k: u8) {
        let at = self.last.get(id).copied().unwrap_or(NONE);
        if at == NONE {
            return;
        }
        let blockers = if k & K_SPECIAL != 0 {
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
