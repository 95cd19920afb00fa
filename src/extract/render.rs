//! Rendering the kept nodes to plain text and to GitHub-flavoured Markdown.

use super::dom::{Dom, Tag};

/// Renders the subtrees at `roots` (in document order) to plain text: blocks separated by a
/// blank line; list items, table rows and headings on their own lines.
pub fn text(dom: &Dom, roots: &[usize], keep: &[bool]) -> String {
    let mut w = TextWriter::default();
    for &r in roots {
        walk(dom, r, keep, &mut w);
        w.para();
    }
    let raw = std::mem::take(&mut w.raw);
    drop_repeated_lines(w.finish(), &raw)
}

/// Drops a short line that repeats the line just before it. Shop cards and responsive layouts
/// print the same name or price two or three times (a visible copy, a screen-reader copy, a
/// mobile copy); a reader sees it once.
fn drop_repeated_lines(s: String, raw: &[(usize, usize)]) -> String {
    let mut lines = s.split('\n');
    let Some(first) = lines.next() else {
        return s;
    };
    let mut out = String::with_capacity(s.len());
    out.push_str(first);
    let mut last = first.trim();
    let mut newlines = 0;
    let mut dropped = false;
    let mut at = first.len();
    for line in lines {
        newlines += 1;
        let start = at + 1;
        at = start + line.len();
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        if raw.iter().any(|&(a, b)| start >= a && start < b) {
            // Preformatted text is the author's own layout, repeats and all.
            for _ in 0..newlines.min(2) {
                out.push('\n');
            }
            out.push_str(line);
            last = t;
            newlines = 0;
            continue;
        }
        // Only short lines (names, prices, labels): a repeated paragraph of prose is a
        // forum quote or a teaser the page does show twice.
        if t == last && t.chars().count() <= 80 {
            dropped = true;
            continue;
        }
        for _ in 0..newlines.min(2) {
            out.push('\n');
        }
        out.push_str(line);
        last = t;
        newlines = 0;
    }
    if dropped {
        out
    } else {
        s
    }
}

#[derive(Default)]
struct TextWriter {
    out: String,
    /// Pending separator: 0 none, 1 space, 2 newline, 3 blank line.
    pending: u8,
    /// A table cell began on this line: " | " goes before its first text, so that empty
    /// cells (or cells whose content was removed) leave no dangling separators.
    cell: bool,
    /// An inline element was removed since the last text: if it sat inside a word, the
    /// two halves must not be glued into a word the page never had.
    gap: bool,
    /// Byte ranges of `out` written verbatim from `<pre>`: code keeps its repeated lines.
    raw: Vec<(usize, usize)>,
}

impl TextWriter {
    fn push(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        let s = if self.out.is_empty() || self.pending >= 2 || self.out.ends_with([' ', '\n']) {
            s.trim_start()
        } else {
            s
        };
        if s.is_empty() {
            return;
        }
        if self.cell && self.pending < 2 && !self.out.is_empty() && !self.out.ends_with('\n') {
            trim_end_spaces(&mut self.out);
            self.out.push_str(" | ");
            self.pending = 0;
        }
        self.cell = false;
        if std::mem::take(&mut self.gap) && glues(&self.out, s) {
            self.out.push(' ');
        }
        if !self.out.is_empty() {
            match self.pending {
                3 => {
                    trim_end_spaces(&mut self.out);
                    self.out.push_str("\n\n");
                }
                2 => {
                    trim_end_spaces(&mut self.out);
                    self.out.push('\n');
                }
                1 if !self.out.ends_with([' ', '\n']) => self.out.push(' '),
                _ => {}
            }
        }
        self.pending = 0;
        self.out.push_str(s);
    }
    fn para(&mut self) {
        self.pending = self.pending.max(3);
    }
    fn line(&mut self) {
        self.pending = self.pending.max(2);
    }
    fn space(&mut self) {
        self.pending = self.pending.max(1);
    }
    fn finish(mut self) -> String {
        trim_end_spaces(&mut self.out);
        self.out
    }
}

/// Whether appending `next` to `out` would join two words (or a word and a sign) into one.
fn glues(out: &str, next: &str) -> bool {
    out.chars().next_back().is_some_and(|c| !c.is_whitespace())
        && next.chars().next().is_some_and(|c| !c.is_whitespace())
}

fn trim_end_spaces(s: &mut String) {
    while s.ends_with(' ') {
        s.pop();
    }
}

/// Iterative walk so that deep pages cannot overflow the stack.
fn walk(dom: &Dom, root: usize, keep: &[bool], w: &mut TextWriter) {
    // (node, entering?)
    let mut stack: Vec<(usize, bool)> = vec![(root, true)];
    while let Some((i, enter)) = stack.pop() {
        let n = &dom.nodes[i];
        if !enter {
            close_block(n.tag, w);
            continue;
        }
        if !keep[i] {
            // A removed block still separated the words around it.
            // A removed inline holding only spaces (`&nbsp;` in a share widget) was one.
            if n.tag.is_block() || (n.chars == 0 && n.text_end > n.text_start) {
                w.space();
            } else if n.chars > 0 {
                w.gap = true;
            }
            continue;
        }
        match n.tag {
            Tag::Text => {
                let t = &dom.text[n.text_start as usize..n.text_end as usize];
                w.push(t);
                if t.ends_with(' ') {
                    w.space();
                }
                continue;
            }
            Tag::Br => {
                w.line();
                continue;
            }
            Tag::Hr => {
                w.para();
                continue;
            }
            Tag::Img => continue,
            Tag::Pre => {
                // Code and preformatted text keep their line breaks.
                w.para();
                let raw = raw_text(dom, i);
                let raw = raw.trim_matches('\n');
                if !raw.trim().is_empty() {
                    w.push_raw(raw);
                }
                w.para();
                continue;
            }
            _ => {}
        }
        open_block(n.tag, w);
        stack.push((i, false));
        let kids: Vec<usize> = dom.children(i).collect();
        for k in kids.into_iter().rev() {
            stack.push((k, true));
        }
    }
}

fn open_block(tag: Tag, w: &mut TextWriter) {
    match tag {
        Tag::Li | Tag::Tr | Tag::Dt | Tag::Dd => w.line(),
        Tag::Td | Tag::Th => w.push_cell_sep(),
        t if t.is_block() => w.para(),
        _ => {}
    }
}

fn close_block(tag: Tag, w: &mut TextWriter) {
    match tag {
        Tag::Li | Tag::Tr | Tag::Dt | Tag::Dd => w.line(),
        Tag::Table => w.para(),
        Tag::Td | Tag::Th => {}
        t if t.is_block() => w.para(),
        _ => {}
    }
}

impl TextWriter {
    /// Appends preformatted text as its own block, line breaks kept.
    fn push_raw(&mut self, s: &str) {
        if !self.out.is_empty() {
            trim_end_spaces(&mut self.out);
            self.out
                .push_str(if self.pending >= 3 { "\n\n" } else { "\n" });
        }
        let start = self.out.len();
        for (k, line) in s.lines().enumerate() {
            if k > 0 {
                self.out.push('\n');
            }
            self.out.push_str(line.trim_end());
        }
        self.raw.push((start, self.out.len()));
        self.pending = 3;
    }

    fn push_cell_sep(&mut self) {
        self.cell = self.pending < 2 && !self.out.is_empty() && !self.out.ends_with('\n');
    }
}

/// Renders the subtrees at `roots` to Markdown; `base` resolves relative links and images.
pub fn markdown(dom: &Dom, roots: &[usize], keep: &[bool], base: Option<&url::Url>) -> String {
    let mut md = Md {
        dom,
        keep,
        base,
        out: String::new(),
    };
    for &r in roots {
        let block = md.block(r, 0);
        md.emit_block(&block);
    }
    let mut s = md.out;
    while s.ends_with('\n') {
        s.pop();
    }
    s
}

struct Md<'d, 'a> {
    dom: &'d Dom<'a>,
    keep: &'d [bool],
    base: Option<&'d url::Url>,
    out: String,
}

impl Md<'_, '_> {
    fn emit_block(&mut self, b: &str) {
        let b = b.trim_matches('\n');
        if b.trim().is_empty() {
            return;
        }
        if !self.out.is_empty() {
            self.out.push_str("\n\n");
        }
        self.out.push_str(b);
    }

    /// Where link `j` points, resolved, when it is a safe link with text to show.
    fn link_of(&self, j: usize) -> Option<String> {
        let h = self.dom.attr(j, "href")?;
        safe_url(h, self.base, LINK_SCHEMES)
    }

    /// Image `j`'s source, resolved, when it is a safe web address.
    fn image_of(&self, j: usize) -> Option<String> {
        safe_url(image_src(self.dom, j)?, self.base, WEB_SCHEMES)
    }

    /// Renders node `i` as Markdown block text (blocks joined by blank lines).
    /// Recursion depth is bounded by `depth`; deeper content is flattened to inline text.
    fn block(&self, i: usize, depth: usize) -> String {
        let dom = self.dom;
        if !self.keep[i] {
            return String::new();
        }
        let n = &dom.nodes[i];
        if depth > 60 {
            return self.inline_all(i);
        }
        match n.tag {
            Tag::H(l) => {
                let t = self.inline_all(i);
                if t.is_empty() {
                    String::new()
                } else {
                    format!("{} {}", "#".repeat(l as usize), t)
                }
            }
            Tag::P | Tag::Summary | Tag::Figcaption | Tag::Caption | Tag::Dt | Tag::Address => {
                self.inline_all(i)
            }
            Tag::Pre => {
                let code = raw_text(self.dom, i);
                let lang = self.code_lang(i);
                let fence = if code.contains("```") { "~~~" } else { "```" };
                format!("{fence}{lang}\n{}\n{fence}", code.trim_end_matches('\n'))
            }
            Tag::Blockquote => {
                let inner = self.blocks_of(i, depth);
                inner
                    .lines()
                    .map(|l| {
                        if l.is_empty() {
                            ">".to_string()
                        } else {
                            format!("> {l}")
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            }
            Tag::Ul | Tag::Ol => self.list(i, depth),
            Tag::Table => self.table(i),
            Tag::Hr => "---".to_string(),
            Tag::Img | Tag::A | Tag::Inline | Tag::Code | Tag::Time | Tag::Text | Tag::Br => {
                self.inline_all(i)
            }
            _ => self.blocks_of(i, depth),
        }
    }

    /// Children of a container: runs of inline content become paragraphs.
    fn blocks_of(&self, i: usize, depth: usize) -> String {
        let dom = self.dom;
        let mut parts: Vec<String> = Vec::new();
        let mut inline = String::new();
        // A removed child between two inline runs still separates their words.
        let mut gap = false;
        for c in dom.children(i) {
            let n = &dom.nodes[c];
            if !self.keep[c] {
                gap |= n.text_end > n.text_start || n.tag.is_block();
                continue;
            }
            if n.tag.is_block() && n.tag != Tag::Br {
                let s = inline.trim().to_string();
                if !s.is_empty() {
                    parts.push(s);
                }
                inline.clear();
                gap = false;
                let b = self.block(c, depth + 1);
                if !b.trim().is_empty() {
                    parts.push(b);
                }
            } else {
                self.inline_gap(c, &mut inline, &mut gap);
            }
        }
        let s = inline.trim().to_string();
        if !s.is_empty() {
            parts.push(s);
        }
        parts.join("\n\n")
    }

    fn list(&self, i: usize, depth: usize) -> String {
        let dom = self.dom;
        let ordered = dom.nodes[i].tag == Tag::Ol;
        let mut lines = Vec::new();
        let mut k = 1;
        for c in dom.children(i) {
            if !self.keep[c] || dom.nodes[c].chars == 0 && dom.nodes[c].imgs == 0 {
                continue;
            }
            let marker = if ordered {
                format!("{k}. ")
            } else {
                "- ".to_string()
            };
            k += 1;
            let body = if dom.nodes[c].tag == Tag::Li {
                self.blocks_of(c, depth + 1)
            } else {
                self.block(c, depth + 1)
            };
            let pad = " ".repeat(marker.len());
            let mut first = true;
            let mut item = String::new();
            for line in body.lines() {
                if line.trim().is_empty() {
                    continue;
                }
                if first {
                    item.push_str(&marker);
                    item.push_str(line);
                    first = false;
                } else {
                    item.push('\n');
                    item.push_str(&pad);
                    item.push_str(line);
                }
            }
            if !item.is_empty() {
                lines.push(item);
            }
        }
        lines.join("\n")
    }

    fn table(&self, i: usize) -> String {
        let dom = self.dom;
        let mut rows: Vec<Vec<String>> = Vec::new();
        let mut header_rows = 0;
        // Cells spanning several rows: (rows still to fill, text), per column. Their text is
        // repeated in the rows below, which keeps every row readable on its own.
        let mut carry: Vec<Option<(usize, String)>> = Vec::new();
        let end = dom.nodes[i].end as usize;
        let mut j = i + 1;
        while j < end {
            let n = &dom.nodes[j];
            if !self.keep[j] {
                j = n.end as usize;
                continue;
            }
            if n.tag == Tag::Table {
                // Nested tables are flattened into their cell's text.
                j = n.end as usize;
                continue;
            }
            if n.tag == Tag::Tr {
                let mut row: Vec<String> = Vec::new();
                let mut all_th = true;
                let fill = |row: &mut Vec<String>, carry: &mut Vec<Option<(usize, String)>>| {
                    while let Some(Some((left, text))) = carry.get_mut(row.len()) {
                        row.push(text.clone());
                        *left -= 1;
                        if *left == 0 {
                            carry[row.len() - 1] = None;
                        }
                    }
                };
                for c in dom.children(j) {
                    let t = dom.nodes[c].tag;
                    if t == Tag::Td || t == Tag::Th {
                        if t == Tag::Td {
                            all_th = false;
                        }
                        fill(&mut row, &mut carry);
                        let mut cell = String::new();
                        self.inline(c, &mut cell);
                        let cell = cell.replace('|', "\\|").replace('\n', "<br>");
                        let cell = cell.trim().to_string();
                        let span = |name: &str| -> usize {
                            dom.attr(c, name)
                                .and_then(|s| s.trim().parse().ok())
                                .unwrap_or(1)
                                .clamp(1, 50)
                        };
                        let (cols, down) = (span("colspan"), span("rowspan"));
                        for k in 0..cols {
                            let col = row.len();
                            let text = if k == 0 { cell.clone() } else { String::new() };
                            if down > 1 {
                                if carry.len() <= col {
                                    carry.resize(col + 1, None);
                                }
                                carry[col] = Some((down - 1, text.clone()));
                            }
                            row.push(text);
                        }
                    }
                }
                fill(&mut row, &mut carry);
                if !row.is_empty() {
                    if all_th && rows.len() == header_rows {
                        header_rows += 1;
                    }
                    rows.push(row);
                }
            }
            j += 1;
        }
        if rows.is_empty() {
            return String::new();
        }
        let width = rows.iter().map(|r| r.len()).max().unwrap_or(1);
        let mut out = String::new();
        let fmt_row = |r: &Vec<String>| {
            let mut s = String::from("|");
            for k in 0..width {
                s.push(' ');
                s.push_str(r.get(k).map(|x| x.as_str()).unwrap_or(""));
                s.push_str(" |");
            }
            s
        };
        let (head, body) = if header_rows > 0 {
            (rows[0].clone(), &rows[1..])
        } else {
            (vec![String::new(); width], &rows[..])
        };
        out.push_str(&fmt_row(&head));
        out.push('\n');
        out.push('|');
        for _ in 0..width {
            out.push_str(" --- |");
        }
        for r in body {
            out.push('\n');
            out.push_str(&fmt_row(r));
        }
        out
    }

    fn code_lang(&self, i: usize) -> String {
        let dom = self.dom;
        let end = dom.nodes[i].end as usize;
        for j in i..end.min(i + 3) {
            if let Some(class) = dom.attr(j, "class") {
                for tok in class.split_whitespace() {
                    if let Some(l) = tok
                        .strip_prefix("language-")
                        .or_else(|| tok.strip_prefix("lang-"))
                    {
                        return l.to_string();
                    }
                }
            }
            if let Some(l) = CODE_LANGUAGE_ATTRIBUTES.iter().find_map(|a| dom.attr(j, a)) {
                return l.trim().to_string();
            }
        }
        String::new()
    }

    fn inline_all(&self, i: usize) -> String {
        let mut s = String::new();
        self.inline(i, &mut s);
        s.trim().to_string()
    }

    /// Appends node `i` as inline Markdown.
    fn inline(&self, i: usize, out: &mut String) {
        self.inline_gap(i, out, &mut false);
    }

    /// [`Self::inline`] with the pending word gap carried in and out: the element removed
    /// before or after node `i` may sit between two of its container's inline runs.
    fn inline_gap(&self, i: usize, out: &mut String, gap: &mut bool) {
        let dom = self.dom;
        let mut stack: Vec<(usize, bool)> = vec![(i, true)];
        while let Some((j, enter)) = stack.pop() {
            let n = &dom.nodes[j];
            if !enter {
                match n.tag {
                    Tag::A if n.chars > 0 => {
                        if let Some(h) = self.link_of(j) {
                            // Trailing space moves out of the link, but stays: it may be the
                            // only separation from the next word.
                            let spaced = out.ends_with(' ');
                            trim_end_spaces(out);
                            out.push_str("](");
                            out.push_str(&md_url(&h));
                            out.push(')');
                            if spaced {
                                out.push(' ');
                            }
                        }
                    }
                    Tag::Code => out.push('`'),
                    Tag::Inline => {
                        if let Some(m) = emphasis(dom, j) {
                            trim_end_spaces(out);
                            out.push_str(m);
                        }
                    }
                    t if t.is_block() => out.push(' '),
                    _ => {}
                }
                continue;
            }
            if !self.keep[j] {
                // A removed element still separated the words around it.
                *gap |= n.text_end > n.text_start || n.tag.is_block();
                continue;
            }
            match n.tag {
                Tag::Text => {
                    let t = &dom.text[n.text_start as usize..n.text_end as usize];
                    // (Not right after opening markup: `[`, `**`, `` ` ``.)
                    if std::mem::take(gap) && glues(out, t) && !out.ends_with(['[', '(', '*', '`'])
                    {
                        out.push(' ');
                    }
                    let t = if out.is_empty() || out.ends_with([' ', '\n', '(', '[']) {
                        t.trim_start()
                    } else {
                        t
                    };
                    out.push_str(&escape_md(t));
                    continue;
                }
                Tag::Br => {
                    out.push('\n');
                    continue;
                }
                Tag::Img => {
                    if let Some(src) = self.image_of(j) {
                        let alt = dom.attr(j, "alt").unwrap_or("").trim();
                        out.push_str(&format!("![{}]({})", escape_md(alt), md_url(&src)));
                    }
                    continue;
                }
                Tag::A if n.chars > 0 && self.link_of(j).is_some() => {
                    out.push('[');
                }
                Tag::Code => out.push('`'),
                Tag::Inline => {
                    if let Some(m) = emphasis(dom, j) {
                        if n.chars > 0 {
                            out.push_str(m);
                        }
                    }
                }
                // A block inside inline content still starts a new word.
                t if t.is_block() && !out.is_empty() && !out.ends_with([' ', '\n']) => {
                    out.push(' ')
                }
                _ => {}
            }
            stack.push((j, false));
            let kids: Vec<usize> = dom.children(j).collect();
            for k in kids.into_iter().rev() {
                stack.push((k, true));
            }
        }
    }
}

/// The raw text of a `<pre>`, with its original line breaks; scripts, styles and the other
/// elements whose content is never page text are left out, as everywhere else.
fn raw_text(dom: &Dom, i: usize) -> String {
    // A block inside (a list or a line `<div>` in a `<pre>`) starts a line, as a browser
    // shows it and as the other renderings separate it.
    let end = dom.nodes[i].end as usize;
    let blocks: std::collections::HashSet<_> = (i + 1..end)
        .filter(|&j| dom.nodes[j].tag.is_block())
        .map(|j| dom.nodes[j].id)
        .collect();
    let mut s = String::new();
    if let Some(node) = dom.html.tree.get(dom.nodes[i].id) {
        for edge in node.traverse() {
            let d = match edge {
                ego_tree::iter::Edge::Open(d) => d,
                ego_tree::iter::Edge::Close(d) => {
                    if blocks.contains(&d.id()) {
                        break_line(&mut s);
                    }
                    continue;
                }
            };
            if blocks.contains(&d.id()) {
                break_line(&mut s);
            }
            if let Some(t) = d.value().as_text() {
                let hidden = d.ancestors().take_while(|a| a.id() != node.id()).any(|a| {
                    a.value()
                        .as_element()
                        .is_some_and(|e| super::dom::skipped(e.name()))
                });
                if !hidden {
                    s.push_str(t);
                }
            } else if let Some(e) = d.value().as_element() {
                if e.name() == "br" {
                    s.push('\n');
                }
            }
        }
    }
    s
}

/// Starts a new line unless the current one holds nothing but its indentation.
fn break_line(s: &mut String) {
    let line = &s[s.rfind('\n').map_or(0, |k| k + 1)..];
    if !line.trim().is_empty() {
        s.push('\n');
    }
}

/// Attributes that carry a lazy-loaded image's real source.
pub(crate) const LAZY_IMAGE_ATTRIBUTES: [&str; 2] = ["data-src", "data-lazy-src"];

/// Attributes that name a code block's language.
pub(crate) const CODE_LANGUAGE_ATTRIBUTES: [&str; 2] = ["data-lang", "data-language"];

/// An image's source, preferring lazy-loading attributes over the placeholder `src`;
/// inline `data:` images are left out.
fn image_src<'a>(dom: &Dom<'a>, j: usize) -> Option<&'a str> {
    LAZY_IMAGE_ATTRIBUTES
        .iter()
        .find_map(|a| dom.attr(j, a))
        .or_else(|| dom.attr(j, "src"))
        .filter(|s| !s.starts_with("data:"))
}

/// Schemes a rendered link may have: no `javascript:`, `data:`, `vbscript:` or `file:`.
const LINK_SCHEMES: &[&str] = &["http", "https", "mailto", "tel", "ftp"];
/// Schemes a related link or an image may have.
pub const WEB_SCHEMES: &[&str] = &["http", "https"];

/// Resolves a link or image address against `base` and returns it when its scheme is one of
/// `schemes`; without a base, a relative address is kept as written. The scheme is judged
/// on the parsed URL, as a browser would: the URL parser drops leading control characters
/// and every tab and newline, so `" java\tscript:"` is a `javascript:` URL.
pub fn safe_url(raw: &str, base: Option<&url::Url>, schemes: &[&str]) -> Option<String> {
    let h = raw.trim_matches(|c: char| c <= ' ');
    if h.is_empty() || h.starts_with('#') {
        return None;
    }
    let parsed = match base {
        Some(b) => b.join(h),
        None => url::Url::parse(h),
    };
    match parsed {
        Ok(u) => schemes.contains(&u.scheme()).then(|| u.to_string()),
        // Relative, nothing to resolve against: no scheme, so it cannot be a script.
        Err(url::ParseError::RelativeUrlWithoutBase) => Some(h.to_string()),
        Err(_) => None,
    }
}

/// The base URL for a page's relative links: its `<base href>` resolved against the page
/// URL (the first `<base>` in the document, as browsers do), else the page URL. Only http
/// and https bases count, so a `javascript:` or `data:` base is ignored.
pub fn base_url(page: Option<&str>, base_href: Option<&str>) -> Option<url::Url> {
    let page = page
        .and_then(|u| url::Url::parse(u).ok())
        .filter(|u| WEB_SCHEMES.contains(&u.scheme()));
    let base = base_href.and_then(|b| match &page {
        Some(p) => p.join(b).ok(),
        None => url::Url::parse(b).ok(),
    });
    base.filter(|b| WEB_SCHEMES.contains(&b.scheme())).or(page)
}

/// A URL made safe for a Markdown link target: spaces, parentheses and angle brackets
/// percent-encoded, so an address kept as written cannot end the link early and smuggle in
/// a second one.
fn md_url(u: &str) -> String {
    let mut out = String::with_capacity(u.len());
    for c in u.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            c if c.is_control() => out.push_str(&format!("%{:02X}", c as u32 & 0xff)),
            c => out.push(c),
        }
    }
    out
}

fn emphasis(dom: &Dom, i: usize) -> Option<&'static str> {
    if dom.nodes[i].chars == 0 {
        return None;
    }
    match dom.element(i)?.name() {
        "strong" | "b" => Some("**"),
        "em" | "i" => Some("*"),
        _ => None,
    }
}

fn escape_md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '*' | '_' | '`' | '[' | ']' | '<' | '>') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Renders the subtrees at `roots` as minimal semantic HTML (p, h2-h6, lists, pre/code,
/// blockquote, tables, links and images; no attributes but href, src, alt, colspan and a
/// code language class), with links and images resolved against `base`.
pub fn html(dom: &Dom, roots: &[usize], keep: &[bool], base: Option<&url::Url>) -> String {
    let md = Md {
        dom,
        keep,
        base,
        out: String::new(),
    };
    let h = HtmlWriter { md: &md };
    let mut out = String::new();
    for &r in roots {
        h.block(r, 0, &mut out);
    }
    while out.ends_with('\n') {
        out.pop();
    }
    out
}

/// Walks the same tree and keep mask as the Markdown renderer, reusing its link resolution.
struct HtmlWriter<'m, 'd, 'a> {
    md: &'m Md<'d, 'a>,
}

impl HtmlWriter<'_, '_, '_> {
    fn block(&self, i: usize, depth: usize, out: &mut String) {
        let dom = self.md.dom;
        if !self.md.keep[i] {
            return;
        }
        let n = &dom.nodes[i];
        if depth > 60 {
            self.para("p", i, out);
            return;
        }
        match n.tag {
            Tag::H(l) => self.para(&format!("h{}", l.clamp(1, 6)), i, out),
            Tag::P | Tag::Summary | Tag::Figcaption | Tag::Caption | Tag::Dt | Tag::Address => {
                self.para("p", i, out)
            }
            Tag::Pre => {
                let code = raw_text(dom, i);
                let lang = self.md.code_lang(i);
                if code.trim().is_empty() {
                    return;
                }
                out.push_str("<pre><code");
                if !lang.is_empty() {
                    out.push_str(" class=\"language-");
                    out.push_str(&escape_html(&lang));
                    out.push('"');
                }
                out.push('>');
                out.push_str(&escape_html(code.trim_end_matches('\n')));
                out.push_str("</code></pre>\n");
            }
            Tag::Blockquote => {
                let mut inner = String::new();
                self.blocks_of(i, depth, &mut inner);
                if !inner.trim().is_empty() {
                    out.push_str("<blockquote>\n");
                    out.push_str(&inner);
                    out.push_str("</blockquote>\n");
                }
            }
            Tag::Ul | Tag::Ol => self.list(i, depth, out),
            Tag::Table | Tag::Tr => self.table(i, depth, out),
            // A content root inside a table (its body or a row group) stays a table.
            Tag::Block
                if dom
                    .element(i)
                    .is_some_and(|e| matches!(e.name(), "tbody" | "thead" | "tfoot")) =>
            {
                self.table(i, depth, out)
            }
            Tag::Img | Tag::A | Tag::Inline | Tag::Code | Tag::Time | Tag::Text | Tag::Br => {
                self.para("p", i, out)
            }
            _ => self.blocks_of(i, depth, out),
        }
    }

    /// Node `i`'s inline content wrapped in one `tag` element, nothing when it is empty.
    fn para(&self, tag: &str, i: usize, out: &mut String) {
        let mut s = String::new();
        self.inline(i, &mut s);
        let s = s.trim();
        if !s.is_empty() {
            out.push_str(&format!("<{tag}>{s}</{tag}>\n"));
        }
    }

    /// Children of a container: block children in turn, runs of inline content as paragraphs.
    fn blocks_of(&self, i: usize, depth: usize, out: &mut String) {
        let dom = self.md.dom;
        let mut inline = String::new();
        let flush = |inline: &mut String, out: &mut String| {
            let s = inline.trim();
            if !s.is_empty() {
                out.push_str(&format!("<p>{s}</p>\n"));
            }
            inline.clear();
        };
        // A removed child between two inline runs still separates their words.
        let mut gap = false;
        for c in dom.children(i) {
            let n = &dom.nodes[c];
            if !self.md.keep[c] {
                gap |= n.text_end > n.text_start || n.tag.is_block();
                continue;
            }
            if n.tag.is_block() && n.tag != Tag::Br {
                flush(&mut inline, out);
                gap = false;
                self.block(c, depth + 1, out);
            } else {
                self.inline_gap(c, &mut inline, &mut gap);
            }
        }
        flush(&mut inline, out);
    }

    fn list(&self, i: usize, depth: usize, out: &mut String) {
        let dom = self.md.dom;
        let tag = if dom.nodes[i].tag == Tag::Ol {
            "ol"
        } else {
            "ul"
        };
        let mut items = String::new();
        for c in dom.children(i) {
            if !self.md.keep[c] || dom.nodes[c].chars == 0 && dom.nodes[c].imgs == 0 {
                continue;
            }
            let mut body = String::new();
            if dom.nodes[c].tag == Tag::Li {
                // A simple item stays inline; one holding blocks (nested lists) keeps them.
                let has_blocks = dom.children(c).any(|k| {
                    self.md.keep[k] && dom.nodes[k].tag.is_block() && dom.nodes[k].tag != Tag::Br
                });
                if has_blocks {
                    self.blocks_of(c, depth + 1, &mut body);
                } else {
                    self.inline(c, &mut body);
                }
            } else {
                self.block(c, depth + 1, &mut body);
            }
            let body = body.trim();
            if !body.is_empty() {
                items.push_str(&format!("<li>{body}</li>\n"));
            }
        }
        if !items.is_empty() {
            out.push_str(&format!("<{tag}>\n{items}</{tag}>\n"));
        }
    }

    fn table(&self, i: usize, depth: usize, out: &mut String) {
        let dom = self.md.dom;
        let mut rows = String::new();
        let end = dom.nodes[i].end as usize;
        // A row on its own is a one-row table.
        let mut j = if dom.nodes[i].tag == Tag::Tr {
            i
        } else {
            i + 1
        };
        while j < end {
            let n = &dom.nodes[j];
            if j != i && (!self.md.keep[j] || n.tag == Tag::Table) {
                // Nested tables are left out, as in the Markdown rendering.
                j = n.end as usize;
                continue;
            }
            if n.tag == Tag::Tr {
                let mut row = String::new();
                for c in dom.children(j) {
                    let t = dom.nodes[c].tag;
                    if t != Tag::Td && t != Tag::Th {
                        continue;
                    }
                    let cell_tag = if t == Tag::Th { "th" } else { "td" };
                    let mut cell = String::new();
                    if self.md.keep[c] {
                        // As in list items: a cell holding blocks (a list, code, a table)
                        // keeps them, so that the cell reads back as it was judged.
                        let has_blocks = dom.children(c).any(|k| {
                            self.md.keep[k]
                                && dom.nodes[k].tag.is_block()
                                && dom.nodes[k].tag != Tag::Br
                        });
                        if has_blocks {
                            self.blocks_of(c, depth + 1, &mut cell);
                        } else {
                            self.inline(c, &mut cell);
                        }
                    }
                    let span: usize = dom
                        .attr(c, "colspan")
                        .and_then(|s| s.trim().parse().ok())
                        .unwrap_or(1)
                        .clamp(1, 50);
                    if span > 1 {
                        row.push_str(&format!("<{cell_tag} colspan=\"{span}\">"));
                    } else {
                        row.push_str(&format!("<{cell_tag}>"));
                    }
                    row.push_str(cell.trim());
                    row.push_str(&format!("</{cell_tag}>"));
                }
                if !row.is_empty() {
                    rows.push_str(&format!("<tr>{row}</tr>\n"));
                }
            }
            j += 1;
        }
        if !rows.is_empty() {
            out.push_str(&format!("<table>\n{rows}</table>\n"));
        }
    }

    /// Appends node `i` as inline HTML (text, links, images, code, emphasis, line breaks).
    fn inline(&self, i: usize, out: &mut String) {
        self.inline_gap(i, out, &mut false);
    }

    /// [`Self::inline`] with the pending word gap carried in and out, as in the Markdown
    /// writer.
    fn inline_gap(&self, i: usize, out: &mut String, gap: &mut bool) {
        let dom = self.md.dom;
        let mut stack: Vec<(usize, bool)> = vec![(i, true)];
        while let Some((j, enter)) = stack.pop() {
            let n = &dom.nodes[j];
            if !enter {
                match n.tag {
                    Tag::A => {
                        // Trailing space moves out of the link, but stays: it may be the only
                        // separation from the next word.
                        let spaced = out.ends_with(' ');
                        trim_end_spaces(out);
                        out.push_str("</a>");
                        if spaced {
                            out.push(' ');
                        }
                    }
                    Tag::Code => out.push_str("</code>"),
                    Tag::Inline => match emphasis(dom, j) {
                        Some("**") => out.push_str("</strong>"),
                        Some(_) => out.push_str("</em>"),
                        None => {}
                    },
                    t if t.is_block() => out.push(' '),
                    _ => {}
                }
                continue;
            }
            if !self.md.keep[j] {
                // A removed element still separated the words around it.
                *gap |= n.text_end > n.text_start || n.tag.is_block();
                continue;
            }
            match n.tag {
                Tag::Text => {
                    let t = &dom.text[n.text_start as usize..n.text_end as usize];
                    // Tags do not separate words: judge by the text before them.
                    if std::mem::take(gap) && glues(text_end(out), t) {
                        out.push(' ');
                    }
                    // Leading space after an opening tag goes only when the text before the
                    // tag already ends a word: `dhws<a>&nbsp;iozr` is two words.
                    let t = if out.is_empty()
                        || out.ends_with([' ', '\n'])
                        || ends_with_open_tag(out)
                            && text_end(out)
                                .chars()
                                .next_back()
                                .is_none_or(char::is_whitespace)
                    {
                        t.trim_start()
                    } else {
                        t
                    };
                    out.push_str(&escape_html(t));
                    continue;
                }
                Tag::Br => {
                    out.push_str("<br>");
                    continue;
                }
                Tag::Img => {
                    if let Some(src) = self.md.image_of(j) {
                        let alt = dom.attr(j, "alt").unwrap_or("").trim();
                        out.push_str(&format!(
                            "<img src=\"{}\" alt=\"{}\">",
                            escape_html(&src),
                            escape_html(alt)
                        ));
                    }
                    continue;
                }
                // A link whose target is not written (same-page, empty, `javascript:`) stays
                // a link without one: it was link text when the page was judged, and a
                // re-read must judge it so too.
                Tag::A => match self.md.link_of(j) {
                    Some(h) => out.push_str(&format!("<a href=\"{}\">", escape_html(&h))),
                    None => out.push_str("<a>"),
                },
                Tag::Code => out.push_str("<code>"),
                Tag::Inline => match emphasis(dom, j) {
                    Some("**") => out.push_str("<strong>"),
                    Some(_) => out.push_str("<em>"),
                    None => {}
                },
                // A block inside inline content still starts a new word.
                t if t.is_block() && !out.is_empty() && !out.ends_with([' ', '\n']) => {
                    out.push(' ')
                }
                _ => {}
            }
            stack.push((j, false));
            let kids: Vec<usize> = dom.children(j).collect();
            for k in kids.into_iter().rev() {
                stack.push((k, true));
            }
        }
    }
}

/// `out` without its trailing tags, to see the text they follow.
fn text_end(out: &str) -> &str {
    let mut s = out;
    while s.ends_with('>') {
        match s.rfind('<') {
            Some(k) => s = &s[..k],
            None => break,
        }
    }
    s
}

/// Whether `out` ends with an opening tag (`<p>`, `<a href=..>`), after which leading
/// whitespace is dropped; after a closing tag or an image it is kept ("</code> struct").
fn ends_with_open_tag(out: &str) -> bool {
    out.ends_with('>')
        && out
            .rfind('<')
            .is_some_and(|k| !out[k..].starts_with("</") && !out[k..].starts_with("<img"))
}

/// Escapes text for HTML element content and double-quoted attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn repeated_short_lines_go_but_code_keeps_its_own() {
        let html = r#"<html><body><article><h1>T</h1>
            <p>Some paragraph text that is long enough to be the article body, with commas, and more.</p>
            <div><span>Dark Roast Coffee</span></div><div><span>Dark Roast Coffee</span></div>
            <pre><code>if x {
    y();
}
}
}</code></pre>
            <p>Another paragraph of the story, long enough to count as prose, with a comma.</p>
            </article></body></html>"#;
        let text = crate::Extractor::new().extract(html, None).text;
        assert_eq!(text.matches("Dark Roast Coffee").count(), 1, "{text}");
        assert!(text.contains("    y();\n}\n}\n}"), "{text}");
    }

    #[test]
    fn table_spans_are_flattened_and_pipes_escaped() {
        let html = r#"<html><body><article><h1>T</h1>
            <p>Some paragraph text that is long enough to be the article body, with commas, and more.</p>
            <table><tr><th>Name</th><th>Group</th><th>Score</th></tr>
            <tr><td>Ann</td><td rowspan="2">A | B</td><td>1</td></tr>
            <tr><td>Bob</td><td>2</td></tr>
            <tr><td colspan="2">Total</td><td>3</td></tr></table></article></body></html>"#;
        let rec = crate::Extractor::builder()
            .markdown(true)
            .build()
            .extract(html, None);
        let md = rec.markdown.expect("markdown");
        assert!(md.contains("| Name | Group | Score |"), "{md}");
        assert!(md.contains("| Ann | A \\| B | 1 |"), "{md}");
        assert!(md.contains("| Bob | A \\| B | 2 |"), "{md}");
        assert!(md.contains("| Total |  | 3 |"), "{md}");
    }
}
