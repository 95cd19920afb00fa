//! Page-type classification from schema.org types, OpenGraph, the URL and page structure.

use super::classify::Concepts;
use super::dom::{Dom, Tag};
use super::metadata::Meta;
use crate::record::PageType;

/// Guesses the page type; strong markup evidence first, then URL and structure.
pub fn classify(dom: &Dom, meta: &Meta, url: Option<&str>) -> PageType {
    let types: Vec<&str> = meta.ld_types.iter().map(|s| s.as_str()).collect();
    let has = |t: &str| types.contains(&t);
    if has("discussionforumposting") || has("qapage") || has("question") {
        return PageType::Forum;
    }
    if has("product") && !has("itemlist") && !has("collectionpage") && !has("offercatalog") {
        return PageType::Product;
    }
    if has("collectionpage")
        || has("offercatalog")
        || meta.og_type.as_deref() == Some("product.group")
    {
        return if product_cards(dom) >= 4 {
            PageType::Collection
        } else {
            PageType::Listing
        };
    }
    if meta
        .og_type
        .as_deref()
        .is_some_and(|t| t.contains("product"))
    {
        return PageType::Product;
    }
    if has("techarticle") || has("apireference") {
        return PageType::Documentation;
    }
    let path = url.and_then(|u| url::Url::parse(u).ok()).map(|u| {
        (
            u.host_str().unwrap_or("").to_ascii_lowercase(),
            u.path().to_ascii_lowercase(),
        )
    });
    if let Some((host, path)) = &path {
        let p = path.as_str();
        if host.starts_with("forum.")
            || host.starts_with("forums.")
            || host.starts_with("community.")
            || host.starts_with("discuss.")
            || p.contains("/thread")
            || p.contains("/topic/")
            || p.contains("/t/")
            || p.contains("/questions/")
            || p.contains("viewtopic")
            || p.contains("/forum")
        {
            return PageType::Forum;
        }
        if host.starts_with("docs.")
            || host.starts_with("developer.")
            || p.contains("/docs/")
            || p.contains("/documentation/")
            || p.contains("/reference/")
            || p.contains("/api/")
            || p.contains("/manual/")
        {
            return PageType::Documentation;
        }
        if p.contains("/product/")
            || p.contains("/products/")
            || p.contains("/dp/")
            || p.contains("/item/")
            || p.contains("/p/")
        {
            return PageType::Product;
        }
        if p.contains("/collections/")
            || p.contains("/category/")
            || p.contains("/categories/")
            || p.contains("/shop/")
        {
            return if product_cards(dom) >= 4 {
                PageType::Collection
            } else {
                PageType::Listing
            };
        }
    }
    let forum_posts = dom
        .nodes
        .iter()
        .filter(|n| n.concepts.any(Concepts::COMMENT_STRONG))
        .count();
    let article_like = has("article")
        || has("newsarticle")
        || has("blogposting")
        || has("reportagenewsarticle")
        || meta.og_type.as_deref() == Some("article");
    if article_like {
        return PageType::Article;
    }
    if forum_posts >= 3 && dom.nodes[dom.body].p_chars < 2000 {
        return PageType::Forum;
    }
    if has("service") || has("professionalservice") || has("localbusiness") {
        return PageType::Service;
    }
    // Structure: many short link-anchored items and little prose reads as a listing.
    let body = &dom.nodes[dom.body];
    let prose = body.p_chars as f32 / body.chars.max(1) as f32;
    let articles = dom.nodes.iter().filter(|n| n.tag == Tag::Article).count();
    if articles >= 5 && prose < 0.5 {
        return PageType::Listing;
    }
    if meta.date.is_some() || prose > 0.4 {
        return PageType::Article;
    }
    PageType::Other
}

/// Counts elements that look like priced product cards.
fn product_cards(dom: &Dom) -> usize {
    let mut n = 0;
    for (i, node) in dom.nodes.iter().enumerate() {
        if node.tag == Tag::Text
            || node.chars == 0
            || node.chars > 300
            || node.imgs == 0
            || node.links == 0
        {
            continue;
        }
        let t = dom.text_of(i);
        if t.contains(['$', '€', '£', '¥']) && dom.nodes[i].tag != Tag::Inline {
            n += 1;
        }
        if n > 50 {
            break;
        }
    }
    n
}
