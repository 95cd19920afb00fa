//! Page-type classification: schema.org types, OpenGraph, the URL and page structure
//! (repeated cards, prices, code blocks, prose concentration, dated items) become one feature
//! vector, and a multinomial logistic regression (weights in `pagetype_model`, fitted by
//! `scripts/train_pagetype.py`) picks the type.

use std::collections::HashMap;

use super::classify::Concepts;
use super::dom::{Dom, Tag};
use super::metadata::Meta;
use crate::record::PageType;

/// Structural evidence gathered in one pass over the page.
#[derive(Debug, Default, Clone)]
pub struct Features {
    /// Paragraphs with at least 150 characters.
    pub long_paras: u32,
    /// Characters in `<p>` elements over all characters of the body.
    pub prose: f32,
    /// Items in runs of at least four same-signature siblings that carry a link.
    pub cards: u32,
    /// Cards that show a price.
    pub priced_cards: u32,
    /// Text nodes that look like a price.
    pub prices: u32,
    /// `<pre>` blocks.
    pub pre: u32,
    /// `<code>` elements.
    pub code: u32,
    /// Elements marked as comments or posts.
    pub posts: u32,
    /// `<article>` elements.
    pub articles: u32,
    /// `<time>` elements.
    pub times: u32,
    /// Headings (h2-h3).
    pub sections: u32,
    /// Form controls.
    pub inputs: u32,
    /// Body characters.
    pub chars: u32,
    /// Share of the long paragraphs that sit under the single most common parent: high in
    /// one-story pages, low where each teaser has its own card.
    pub concentration: f32,
}

fn is_price(t: &str) -> bool {
    let t = t.trim();
    if t.len() > 40 {
        return false;
    }
    let has_cur = t.contains(['$', '€', '£', '¥', '₹'])
        || t.contains("USD")
        || t.contains("EUR")
        || t.contains("GBP");
    has_cur && t.chars().any(|c| c.is_ascii_digit())
}

/// Gathers the structural features.
pub fn features(dom: &Dom) -> Features {
    let mut f = Features::default();
    let body = &dom.nodes[dom.body];
    f.chars = body.chars;
    let mut p_chars = 0u32;
    let mut price_at: Vec<u32> = Vec::new();
    let mut para_parents: HashMap<u32, u32> = HashMap::new();
    for (i, n) in dom.nodes.iter().enumerate() {
        match n.tag {
            Tag::P => {
                p_chars += n.chars;
                if n.chars >= 150 && n.link_chars * 3 < n.chars {
                    f.long_paras += 1;
                    *para_parents.entry(n.parent).or_default() += 1;
                }
            }
            Tag::Pre => f.pre += 1,
            Tag::Code => f.code += 1,
            Tag::Article => f.articles += 1,
            Tag::Time => f.times += 1,
            Tag::H(2) | Tag::H(3) => f.sections += 1,
            Tag::Text if n.chars < 30 && is_price(dom.text_of(i)) => {
                f.prices += 1;
                price_at.push(i as u32);
            }
            _ => {}
        }
        if n.concepts.any(Concepts::COMMENT_STRONG) {
            f.posts += 1;
        }
    }
    f.inputs = body.inputs;
    f.concentration =
        para_parents.values().copied().max().unwrap_or(0) as f32 / f.long_paras.max(1) as f32;
    f.prose = p_chars as f32 / body.chars.max(1) as f32;
    // Chrome (menus, footers, sidebars, related blocks) is full of link runs that are not
    // the page's own cards.
    const CHROME: u32 = Concepts::NAV
        | Concepts::FOOTER
        | Concepts::HEADER
        | Concepts::ASIDE
        | Concepts::SIDEBAR
        | Concepts::BREADCRUMB
        | Concepts::PAGINATION
        | Concepts::HIDDEN
        | Concepts::COMMENT
        | Concepts::SHARE
        | Concepts::TAGS
        | Concepts::DIALOG;
    let mut in_chrome = vec![false; dom.nodes.len()];
    for i in 0..dom.nodes.len() {
        let n = &dom.nodes[i];
        let parent = if n.parent == u32::MAX {
            false
        } else {
            in_chrome[n.parent as usize]
        };
        // The body's classes describe the theme's layout ("has-sidebar", "header-fixed"),
        // not a block of chrome.
        in_chrome[i] =
            parent || (!matches!(n.tag, Tag::Html | Tag::Body) && n.concepts.any(CHROME));
    }
    // Repeated cards: runs of same-signature siblings holding links.
    // Signatures of one parent's children: (tag, first class) -> (total, linked, priced).
    // A short linear list beats hashing: a parent has few distinct child signatures.
    let mut sig_count: Vec<(Signature, RunCounts)> = Vec::new();
    for (i, n) in dom.nodes.iter().enumerate() {
        if n.tag == Tag::Text || n.end as usize - i < 8 || in_chrome[i] {
            continue;
        }
        sig_count.clear();
        let mut kids = 0;
        for c in dom.children(i) {
            let cn = &dom.nodes[c];
            if cn.tag == Tag::Text {
                continue;
            }
            kids += 1;
            if kids > 400 {
                break;
            }
            let class = dom
                .attr(c, "class")
                .and_then(|s| s.split_whitespace().next())
                .unwrap_or("");
            let key = (tag_code(cn.tag), class);
            let slot = match sig_count.iter().position(|(k, _)| *k == key) {
                Some(p) => p,
                None => {
                    sig_count.push((key, (0, 0, 0)));
                    sig_count.len() - 1
                }
            };
            let e = &mut sig_count[slot].1;
            e.0 += 1;
            if cn.links > 0 && cn.chars >= 15 && cn.chars <= 800 {
                e.1 += 1;
                let (s, t) = (c as u32, cn.end);
                if price_at.iter().any(|&p| p >= s && p < t) {
                    e.2 += 1;
                }
            }
        }
        if let Some((_, (total, linked, priced))) = sig_count.iter().max_by_key(|(_, v)| v.1) {
            if *total >= 4 && linked * 4 >= total * 3 {
                f.cards += linked;
                f.priced_cards += priced;
            }
        }
    }
    f
}

/// A child's tag code and first class token.
type Signature<'a> = (u8, &'a str);
/// Children with a signature: all, those carrying a link, those showing a price.
type RunCounts = (u32, u32, u32);

fn tag_code(t: Tag) -> u8 {
    match t {
        Tag::Li => 1,
        Tag::Div => 2,
        Tag::Article => 3,
        Tag::Section => 4,
        Tag::Tr => 5,
        Tag::A => 6,
        _ => 0,
    }
}

/// URL-path evidence for a type, with its weight.
fn url_evidence(url: Option<&str>) -> Vec<(PageType, f32)> {
    let mut out = Vec::new();
    let Some(u) = url.and_then(|u| url::Url::parse(u).ok()) else {
        return out;
    };
    let host = u.host_str().unwrap_or("").to_ascii_lowercase();
    let path = u.path().to_ascii_lowercase();
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let has = |s: &str| segs.contains(&s);
    let first = |s: &str| host.starts_with(s);
    if first("forum.")
        || first("forums.")
        || first("community.")
        || first("discuss.")
        || first("discourse.")
        || has("t")
        || has("thread")
        || has("threads")
        || has("topic")
        || has("topics")
        || has("questions")
        || path.contains("viewtopic")
        || has("forum")
        || has("forums")
        || has("discussion")
        || has("comments")
    {
        out.push((PageType::Forum, 3.0));
    }
    if first("docs.")
        || first("developer.")
        || first("developers.")
        || first("wiki.")
        || first("learn.")
        || has("docs")
        || has("doc")
        || has("documentation")
        || has("reference")
        || has("api")
        || has("manual")
        || has("wiki")
        || has("guide")
        || has("guides")
        || has("tutorial")
        || has("book")
        || has("userguide")
        || has("handbook")
    {
        out.push((PageType::Documentation, 2.5));
    }
    if has("product") || has("products") || has("dp") || has("ip") || has("item") || has("p") {
        out.push((PageType::Product, 2.0));
    }
    if has("collections")
        || has("collection")
        || has("category")
        || has("categories")
        || has("c")
        || has("l")
        || has("shop")
        || has("shopping")
        || has("product-category")
        || has("b")
        || has("zgbs")
        || has("w")
    {
        out.push((PageType::Collection, 2.0));
    }
    if has("services")
        || has("service")
        || has("solutions")
        || has("features")
        || has("consulting")
        || has("pricing")
        || has("platform")
    {
        out.push((PageType::Service, 2.0));
    }
    if segs
        .iter()
        .any(|s| s.len() == 4 && s.starts_with("20") && s.chars().all(|c| c.is_ascii_digit()))
        || has("blog") && segs.len() >= 2
        || has("article")
        || has("articles")
        || has("news") && segs.len() >= 2
        || has("post")
        || has("posts")
        || has("story")
        || has("stories")
    {
        out.push((PageType::Article, 2.0));
    }
    let last = segs.last().copied().unwrap_or("");
    if segs.is_empty() {
        // A home page: a news front page, a shop front or a company's landing page.
        out.push((PageType::Listing, 0.5));
        out.push((PageType::Service, 0.5));
    } else if matches!(
        last,
        "news"
            | "blog"
            | "recent"
            | "latest"
            | "archive"
            | "articles"
            | "stories"
            | "hub"
            | "list"
            | "trending"
            | "recipes"
            | "programs"
            | "events"
            | "jobs"
    ) {
        out.push((PageType::Listing, 2.5));
    }
    out
}

/// Names of the model's inputs, in order (see [`vector`]).
pub const FEATURE_NAMES: &[&str] = &[
    "ld_article",
    "ld_product",
    "ld_list",
    "ld_forum",
    "ld_tech",
    "ld_service",
    "og_article",
    "og_product",
    "og_website",
    "has_date",
    "has_author",
    "long_paras",
    "concentration",
    "prose",
    "cards",
    "priced_cards",
    "prices",
    "pre",
    "code",
    "posts",
    "articles",
    "times",
    "sections",
    "inputs",
    "chars",
    "url_forum",
    "url_docs",
    "url_product",
    "url_collection",
    "url_service",
    "url_article",
    "url_listing",
    "url_home",
];

/// The page as a numeric vector for the page-type model.
pub fn vector(meta: &Meta, url: Option<&str>, f: &Features) -> Vec<f32> {
    let types: Vec<&str> = meta.ld_types.iter().map(|s| s.as_str()).collect();
    let has = |t: &[&str]| f32::from(u8::from(t.iter().any(|x| types.contains(x))));
    let lg = |x: u32| (x as f32).ln_1p();
    let og = meta.og_type.as_deref().unwrap_or("");
    let mut v = vec![
        has(&[
            "article",
            "newsarticle",
            "blogposting",
            "reportagenewsarticle",
            "analysisnewsarticle",
            "opinionnewsarticle",
            "scholarlyarticle",
            "liveblogposting",
        ]),
        has(&["product"]),
        has(&[
            "collectionpage",
            "offercatalog",
            "itemlist",
            "searchresultspage",
        ]),
        has(&["discussionforumposting", "qapage", "question", "comment"]),
        has(&["techarticle", "apireference", "howto"]),
        has(&[
            "service",
            "professionalservice",
            "softwareapplication",
            "localbusiness",
            "faqpage",
        ]),
        f32::from(u8::from(og == "article")),
        f32::from(u8::from(og.contains("product"))),
        f32::from(u8::from(og == "website")),
        f32::from(u8::from(meta.date.is_some())),
        f32::from(u8::from(!meta.authors.is_empty())),
        lg(f.long_paras),
        f.concentration,
        f.prose,
        lg(f.cards),
        lg(f.priced_cards),
        lg(f.prices),
        lg(f.pre),
        lg(f.code),
        lg(f.posts),
        lg(f.articles),
        lg(f.times),
        lg(f.sections),
        lg(f.inputs),
        lg(f.chars) / 5.0,
    ];
    let ev = url_evidence(url);
    let on = |t: PageType| f32::from(u8::from(ev.iter().any(|(x, w)| *x == t && *w > 1.0)));
    v.extend([
        on(PageType::Forum),
        on(PageType::Documentation),
        on(PageType::Product),
        on(PageType::Collection),
        on(PageType::Service),
        on(PageType::Article),
        on(PageType::Listing),
        f32::from(u8::from(
            ev.iter().any(|(t, w)| *t == PageType::Listing && *w < 1.0),
        )),
    ]);
    v
}

/// Classifies from precomputed features with the trained model (see
/// `scripts/train_pagetype.py`); returns the type and the model's probability for it.
pub fn classify_model(meta: &Meta, url: Option<&str>, f: &Features) -> (PageType, f32) {
    use super::pagetype_model::{BIAS, CLASSES, WEIGHTS};
    if f.chars < 100 {
        return (PageType::Other, 0.5);
    }
    let x = vector(meta, url, f);
    let mut z = BIAS;
    for (xi, row) in x.iter().zip(WEIGHTS.iter()) {
        for (zc, w) in z.iter_mut().zip(row.iter()) {
            *zc += xi * w;
        }
    }
    let max = z.iter().copied().fold(f32::MIN, f32::max);
    let sum: f32 = z.iter().map(|v| (v - max).exp()).sum();
    let (best, zb) = z.iter().enumerate().fold(
        (0, f32::MIN),
        |acc, (i, &v)| if v > acc.1 { (i, v) } else { acc },
    );
    let p_best = (zb - max).exp() / sum;
    (CLASSES[best], p_best)
}
