//! The side fields: reader comments and related links, taken from the sections that chrome
//! detection moved out of the article text.

use std::collections::HashMap;

use super::classify::Concepts;
use super::dates;
use super::dom::{collapse_ws, Dom, Tag};
use super::render;
use crate::record::{Comment, Link};

/// Extracts comments from the comment sections.
pub fn comments(dom: &Dom, sections: &[usize]) -> Vec<Comment> {
    let mut out = Vec::new();
    for &s in sections {
        comments_in(dom, s, &mut out);
        if out.len() >= 1000 {
            break;
        }
    }
    out
}

/// Whether node `i`'s class or id names customer reviews ("reviews", Yotpo, Bazaarvoice's
/// `bv-`), and not editorial press quotes.
pub fn names_reviews(dom: &Dom, i: usize) -> bool {
    let names = |a: &str| {
        dom.attr(i, a).is_some_and(|v| {
            let v = v.to_ascii_lowercase();
            !v.contains("editorial")
                && (v.contains("review")
                    || v.contains("yotpo")
                    || v.starts_with("bv-")
                    || v.contains(" bv-"))
        })
    };
    names("class") || names("id")
}

fn signature(dom: &Dom, i: usize) -> (Tag, String) {
    let class = dom
        .attr(i, "class")
        .and_then(|c| c.split_whitespace().next())
        .unwrap_or("")
        .to_ascii_lowercase();
    (dom.nodes[i].tag, class)
}

fn comments_in(dom: &Dom, sec: usize, out: &mut Vec<Comment>) {
    let end = dom.nodes[sec].end as usize;
    // Candidate items: list items, articles, and comment-classed blocks with text.
    let mut counts: HashMap<(Tag, String), usize> = HashMap::new();
    let mut cands = Vec::new();
    for i in sec + 1..end {
        let n = &dom.nodes[i];
        // A product's customer reviews come as review-classed blocks. Only the class: the
        // review body inside an item often carries a review id of its own
        // ([`names_reviews`] finds the section, not its items).
        let item_like = matches!(n.tag, Tag::Li | Tag::Article)
            || (matches!(n.tag, Tag::Div | Tag::Section)
                && (n.concepts.any(Concepts::COMMENT)
                    || (n.chars >= 100
                        && dom
                            .attr(i, "class")
                            .is_some_and(|c| c.to_ascii_lowercase().contains("review")))));
        if item_like && n.chars >= 10 && n.inputs == 0 {
            let sig = signature(dom, i);
            *counts.entry(sig).or_default() += 1;
            cands.push(i);
        }
    }
    // The most frequent item signature wins; among equals, the one met first in document
    // order, which is the outermost (li.comment before the div.comment-body inside it).
    let first_at = |sig: &(Tag, String)| {
        cands
            .iter()
            .position(|&i| signature(dom, i) == *sig)
            .unwrap_or(usize::MAX)
    };
    let Some((best_sig, best_n)) = counts
        .into_iter()
        .max_by_key(|(sig, c)| (*c, dom_sig_weight(sig), std::cmp::Reverse(first_at(sig))))
    else {
        return;
    };
    if best_n < 1 {
        return;
    }
    let items: Vec<usize> = cands
        .into_iter()
        .filter(|&i| signature(dom, i) == best_sig)
        .collect();
    // One mask for all items: each item switches off what it must and switches it back after
    // rendering, so long threads cost time linear in their size.
    let mut keep = vec![true; dom.nodes.len()];
    let mut touched: Vec<usize> = Vec::new();
    for (idx, &it) in items.iter().enumerate() {
        // The item's own text leaves out nested replies (later items inside it) and its chrome.
        let iend = dom.nodes[it].end as usize;
        let nested: Vec<usize> = items[idx + 1..]
            .iter()
            .copied()
            .take_while(|&j| j < iend)
            .collect();
        for &j in &nested {
            keep[j] = false;
            touched.push(j);
        }
        let mut author = None;
        let mut date = None;
        let mut j = it + 1;
        while j < iend {
            if !keep[j] {
                // A nested reply, or chrome already taken out: skip its whole subtree.
                j = dom.nodes[j].end as usize;
                continue;
            }
            let n = &dom.nodes[j];
            if author.is_none()
                && n.tag != Tag::Text
                && (n.concepts.any(Concepts::BYLINE) || is_name_markup(dom, j))
                && n.chars > 0
                && n.chars < 80
            {
                let t = collapse_ws(dom.text_of(j));
                let t = t
                    .trim_end_matches(" says:")
                    .trim_end_matches(" says")
                    .trim_end_matches(':')
                    .to_string();
                if !t.is_empty() {
                    author = Some(t);
                    keep[j] = false;
                    touched.push(j);
                }
            }
            if date.is_none() && n.tag == Tag::Time {
                date = dom
                    .attr(j, "datetime")
                    .and_then(dates::parse_iso)
                    .or_else(|| dates::parse_text(dom.text_of(j)));
                keep[j] = false;
                touched.push(j);
            }
            if n.tag != Tag::Text
                && (n.concepts.any(Concepts::META) || is_reply_link(dom, j))
                && n.chars < 120
            {
                if date.is_none() {
                    date = dates::parse_text(dom.text_of(j));
                }
                keep[j] = false;
                touched.push(j);
            }
            j += 1;
        }
        let text = render::text(dom, &[it], &keep);
        for t in touched.drain(..) {
            keep[t] = true;
        }
        let text = text.trim().to_string();
        if text.chars().count() < 2 {
            continue;
        }
        out.push(Comment { author, date, text });
    }
}

fn dom_sig_weight(sig: &(Tag, String)) -> u8 {
    u8::from(sig.1.contains("comment"))
}

fn is_name_markup(dom: &Dom, j: usize) -> bool {
    let Some(el) = dom.element(j) else {
        return false;
    };
    if el.name() == "cite" {
        return true;
    }
    let c = el.attr("class").unwrap_or("").to_ascii_lowercase();
    c.split_whitespace().any(|t| {
        t == "fn"
            || t == "name"
            || t == "username"
            || t == "user"
            || t.ends_with("-name")
            || t.ends_with("author")
    })
}

fn is_reply_link(dom: &Dom, j: usize) -> bool {
    let t = dom.text_of(j).to_lowercase();
    dom.nodes[j].chars < 30
        && (t == "reply"
            || t.starts_with("reply")
            || t == "antworten"
            || t == "répondre"
            || t == "responder"
            || t == "rispondi"
            || t == "ответить")
}

/// Collects related links from the related sections, resolved against `base`.
pub fn related(dom: &Dom, sections: &[usize], base: Option<&url::Url>) -> Vec<Link> {
    let mut out: Vec<Link> = Vec::new();
    for &s in sections {
        let end = dom.nodes[s].end as usize;
        for i in s..end {
            if dom.nodes[i].tag != Tag::A {
                continue;
            }
            let Some(href) = dom.attr(i, "href") else {
                continue;
            };
            // Only web pages: never javascript:, data:, vbscript:, mailto: or tel: links,
            // however they are disguised (see `render::safe_url`).
            let Some(url) = render::safe_url(href, base, render::WEB_SCHEMES) else {
                continue;
            };
            let title = {
                let t = collapse_ws(dom.text_of(i));
                if t.is_empty() {
                    dom.attr(i, "title")
                        .or_else(|| dom.attr(i, "aria-label"))
                        .map(collapse_ws)
                        .unwrap_or_default()
                } else {
                    t
                }
            };
            if title.chars().count() < 8 {
                continue;
            }
            if let Some(prev) = out.iter_mut().find(|l| l.url == url) {
                if prev.title.len() < title.len() && title.len() < 200 {
                    prev.title = title;
                }
                continue;
            }
            out.push(Link { title, url });
            if out.len() >= 200 {
                return out;
            }
        }
    }
    out
}
