//! Page metadata: title, authors, dates, site name, language, description, image and tags,
//! from JSON-LD, OpenGraph and other `<meta>` tags, and the DOM, with provenance.

use regex::Regex;
use serde_json::Value;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::OnceLock;

use super::classify::Concepts;
use super::dates;
use super::dom::{collapse_ws, Dom, Tag};
use super::side;

/// Everything the metadata pass found, before it is copied into the record.
#[derive(Debug, Default)]
pub struct Meta {
    /// The headline.
    pub title: Option<String>,
    /// The authors, in page order.
    pub authors: Vec<String>,
    /// Publication date, ISO 8601.
    pub date: Option<String>,
    /// Last-modified date, ISO 8601.
    pub modified: Option<String>,
    /// The site's name.
    pub site_name: Option<String>,
    /// BCP 47 language tag.
    pub language: Option<String>,
    /// The page's own summary.
    pub description: Option<String>,
    /// The lead image URL.
    pub image: Option<String>,
    /// Declared keywords and tags.
    pub tags: Vec<String>,
    /// Canonical or given URL.
    pub url: Option<String>,
    /// Where each value came from.
    pub provenance: BTreeMap<String, String>,
    /// Every JSON-LD `@type` on the page, lowercased.
    pub ld_types: Vec<String>,
    /// The main entity's `articleBody`, when present.
    pub article_body: Option<String>,
    /// og:type, lowercased.
    pub og_type: Option<String>,
}

/// JSON-LD types of a business or a service offered (lowercased).
const BUSINESS_TYPES: &[&str] = &[
    "localbusiness",
    "professionalservice",
    "homeandconstructionbusiness",
    "hvacbusiness",
    "legalservice",
    "financialservice",
    "insuranceagency",
    "medicalbusiness",
    "store",
    "service",
    "softwareapplication",
    "webapplication",
    "mobileapplication",
    "course",
    "educationaloccupationalprogram",
];

/// The JSON-LD node that describes the page itself (an Article, a Product...).
struct LdMain<'v> {
    node: &'v Value,
}

const ARTICLE_TYPES: &[&str] = &[
    "article",
    "newsarticle",
    "blogposting",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "reviewnewsarticle",
    "backgroundnewsarticle",
    "techarticle",
    "scholarlyarticle",
    "report",
    "liveblogposting",
    "socialmediaposting",
    "discussionforumposting",
    "posting",
    "medicalwebpage",
    "howto",
    "recipe",
    "review",
    "qapage",
    "product",
    "webpage",
    "itempage",
    "aboutpage",
    "faqpage",
    "collectionpage",
];

/// Whether a JSON-LD type names a story or a post: the first 16 of [`ARTICLE_TYPES`], before
/// the page-describing types (HowTo, Product, WebPage...).
fn is_story_type(t: &str) -> bool {
    ARTICLE_TYPES[..16].contains(&t)
}

fn type_names(v: &Value) -> Vec<String> {
    match v.get("@type") {
        Some(Value::String(s)) => vec![s.to_ascii_lowercase()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str().map(|s| s.to_ascii_lowercase()))
            .collect(),
        _ => vec![],
    }
}

/// Flattens JSON-LD documents into their typed nodes (top level, arrays and `@graph`).
fn ld_nodes(docs: &[Value]) -> Vec<&Value> {
    let mut out = Vec::new();
    let mut stack: Vec<(&Value, u32)> = docs.iter().map(|d| (d, 0)).collect();
    while let Some((v, depth)) = stack.pop() {
        if depth > 3 {
            continue;
        }
        match v {
            Value::Array(a) => stack.extend(a.iter().rev().map(|x| (x, depth + 1))),
            Value::Object(o) => {
                if o.contains_key("@type") {
                    out.push(v);
                }
                if let Some(g) = o.get("@graph") {
                    stack.push((g, depth + 1));
                }
                if let Some(me) = o.get("mainEntity") {
                    if me.is_object() {
                        stack.push((me, depth + 1));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

fn str_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => {
            let s = collapse_ws(&html_unescape(s));
            (!s.is_empty()).then_some(s)
        }
        Value::Array(a) => a.iter().find_map(|x| str_of(Some(x))),
        Value::Object(o) => str_of(o.get("name")).or_else(|| str_of(o.get("@value"))),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn url_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Array(a) => a.iter().find_map(|x| url_of(Some(x))),
        Value::Object(o) => url_of(o.get("url")).or_else(|| url_of(o.get("contentUrl"))),
        _ => None,
    }
}

/// Minimal entity decoding for JSON-LD strings that embed HTML escapes.
pub fn html_unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[..rest.len().min(12)].find(';');
        let Some(end) = end else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let ent = &rest[1..end];
        let rep = match ent {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some(' '),
            "rsquo" => Some('’'),
            "lsquo" => Some('‘'),
            "rdquo" => Some('”'),
            "ldquo" => Some('“'),
            "mdash" => Some('—'),
            "ndash" => Some('–'),
            "hellip" => Some('…'),
            _ => {
                if let Some(num) = ent.strip_prefix('#') {
                    let code = if let Some(h) = num.strip_prefix(['x', 'X']) {
                        u32::from_str_radix(h, 16).ok()
                    } else {
                        num.parse().ok()
                    };
                    code.and_then(char::from_u32)
                } else {
                    None
                }
            }
        };
        match rep {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn person_names(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Array(a) => a.iter().for_each(|x| person_names(x, out)),
        Value::Object(o) => {
            let ty = type_names(v);
            if ty
                .iter()
                .any(|t| t == "organization" || t == "newsmediaorganization")
            {
                return;
            }
            if let Some(n) = str_of(o.get("name")) {
                out.push(n);
            } else if let (Some(g), Some(f)) =
                (str_of(o.get("givenName")), str_of(o.get("familyName")))
            {
                out.push(format!("{g} {f}"));
            }
        }
        Value::String(s) => {
            let s = collapse_ws(s);
            if !s.is_empty() && !s.starts_with("http") {
                out.push(s);
            }
        }
        _ => {}
    }
}

impl Meta {
    fn meta(dom: &Dom, keys: &[&str]) -> Option<(String, String)> {
        for k in keys {
            if let Some((_, v)) = dom
                .metas
                .iter()
                .find(|(name, v)| name == k && !v.is_empty())
            {
                return Some((k.to_string(), v.clone()));
            }
        }
        None
    }

    fn set(&mut self, field: &str, source: &str) {
        self.provenance
            .insert(field.to_string(), source.to_string());
    }
}

/// Reads all metadata from the flattened page; `url` is the page URL when known.
pub fn extract(dom: &Dom, url: Option<&str>) -> Meta {
    let mut m = Meta::default();
    let docs: Vec<Value> = dom
        .json_ld
        .iter()
        .filter_map(|s| parse_json_lenient(s))
        .collect();
    let nodes = ld_nodes(&docs);
    for n in &nodes {
        m.ld_types.extend(type_names(n));
    }
    m.og_type = Meta::meta(dom, &["og:type"]).map(|(_, v)| v.to_ascii_lowercase());

    // The main entity: the first Article-family node, else the first page-describing node.
    let main = nodes
        .iter()
        .find(|n| {
            type_names(n).iter().any(|t| is_story_type(t))
                && (n.get("headline").is_some()
                    || n.get("articleBody").is_some()
                    || n.get("author").is_some())
        })
        .or_else(|| {
            nodes.iter().find(|n| {
                type_names(n)
                    .iter()
                    .any(|t| ARTICLE_TYPES.contains(&t.as_str()))
            })
        })
        .map(|n| LdMain { node: n });

    // Title.
    let og_title = Meta::meta(
        dom,
        &[
            "og:title",
            "twitter:title",
            "dc.title",
            "citation_title",
            "parsely-title",
            "sailthru.title",
        ],
    );
    let ld_title = main
        .as_ref()
        .and_then(|l| str_of(l.node.get("headline")).or_else(|| str_of(l.node.get("name"))));
    let site = Meta::meta(dom, &["og:site_name", "application-name", "twitter:site"])
        .map(|(_, v)| v.trim_start_matches('@').to_string())
        .or_else(|| {
            nodes
                .iter()
                .find(|n| {
                    type_names(n).iter().any(|t| {
                        t == "website" || t == "organization" || t == "newsmediaorganization"
                    })
                })
                .and_then(|n| str_of(n.get("name")))
        })
        .or_else(|| {
            main.as_ref()
                .and_then(|l| l.node.get("publisher"))
                .and_then(|p| str_of(p.get("name")))
        });
    if let Some(s) = &site {
        m.site_name = Some(s.clone());
        m.set("site_name", "meta");
    }
    let headings: Vec<(String, bool)> = dom
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| matches!(n.tag, Tag::H(1..=3)) && n.chars > 0 && n.chars < 300)
        .take(30)
        .map(|(i, n)| {
            (
                repair_mojibake(dom.text_of(i)).into_owned(),
                n.tag == Tag::H(1),
            )
        })
        .collect();
    // Without a declared site name, a heading that is wholly a link to the home page is the
    // site's logo, and its text the site's name.
    let logo_name = site.is_none().then(|| home_link_heading(dom)).flatten();
    let title_tag = dom.title.as_deref().map(|t| {
        strip_site_or_heading(
            &strip_invisible(&repair_mojibake(t)),
            site.as_deref().or(logo_name.as_deref()),
            &headings,
        )
    });
    let og_clean = og_title.as_ref().map(|(k, v)| {
        (
            strip_site(&strip_invisible(&repair_mojibake(v)), site.as_deref()),
            k.as_str(),
        )
    });
    let ld_clean = ld_title.map(|t| strip_site(&t, site.as_deref()));
    // The metadata titles, cleaned of site names, that an h1 is compared with.
    let clean_metas = [
        og_clean.as_ref().map(|(t, _)| t.as_str()),
        title_tag.as_deref(),
    ];
    let h1 = page_heading(dom, &clean_metas);
    let others: Vec<String> = [
        h1.clone(),
        og_clean.as_ref().map(|(t, _)| t.clone()),
        ld_clean.clone(),
        title_tag.clone(),
    ]
    .into_iter()
    .flatten()
    .collect();
    let raw_meta: Vec<&str> = [
        dom.title.as_deref(),
        og_title.as_ref().map(|(_, v)| v.as_str()),
    ]
    .into_iter()
    .flatten()
    .collect();
    let h1_named = h1
        .as_deref()
        .is_some_and(|h| h1_names_page(h, &clean_metas, &raw_meta));
    // A short h1 that a metadata title, as the page declares it, carries on in one run
    // ("Pet Insurance" in "Pet Insurance for Dogs & Cats") is the page's label; the metadata
    // title is its name, when every metadata title starts with the h1 (an og:title "Air
    // Fryer Recipes Archives" beside a `<title>` that words the page otherwise is a CMS's
    // label).
    let h1_extended = h1_named
        && h1.as_deref().is_some_and(|h| {
            let hw = words_lower(h);
            raw_meta.iter().any(|t| extends_h1(h, t, site.as_deref()))
                && clean_metas
                    .iter()
                    .flatten()
                    .all(|t| words_lower(t).starts_with(&hw))
        });
    // A short h1 that leaves words out of the name every metadata title starts with
    // ("Cybersecurity Services" for "Cybersecurity Consulting Services | IBM", "Barbecue
    // Gaz" for "Barbecue à gaz") abbreviates it: the metadata title is the name.
    let h1_abridged = h1_named
        && !raw_meta.is_empty()
        && h1
            .as_deref()
            .is_some_and(|h| raw_meta.iter().all(|t| abridges(h, t)));
    // A business's or a service's landing page: its h1 is a pitch, its metadata title
    // names what it offers.
    let storefront = m
        .ld_types
        .iter()
        .any(|t| BUSINESS_TYPES.contains(&t.as_str()))
        && !m.ld_types.iter().any(|t| is_story_type(t));
    // A story (og:type "article", or a story's JSON-LD node): its h1 is the headline.
    let story =
        m.og_type.as_deref() == Some("article") || m.ld_types.iter().any(|t| is_story_type(t));
    // An h1 that is a bare domain name ("davidbau.com") is the site's logo, and `<title>`
    // may carry it before or after the page's name without a separator.
    let logo = h1.as_deref().filter(|h| is_domain_name(h));
    let title_tag = match (logo, title_tag) {
        (Some(d), Some(t)) => Some(strip_affix(&t, d)),
        (_, t) => t,
    };
    let (title, tsrc) = choose_title(
        og_clean,
        ld_clean,
        h1.clone()
            .filter(|_| !h1_extended && !h1_abridged && logo.is_none()),
        title_tag,
        h1_named,
        storefront,
        story,
    );
    let title = title.map(|t| core_title(&t, &others).unwrap_or(t));
    if let Some(t) = title {
        let host = url
            .and_then(|u| url::Url::parse(u).ok())
            .or_else(|| {
                dom.canonical
                    .as_deref()
                    .and_then(|c| url::Url::parse(c).ok())
            })
            .and_then(|u| u.host_str().map(|h| h.to_ascii_lowercase()));
        let t = strip_padding(&strip_acronym(&strip_section_number(&t, &raw_meta)));
        m.title = Some(strip_short_tail(&strip_link_domain(&strip_brand_tail(
            &t,
            site.as_deref(),
            host.as_deref(),
        ))));
        m.set("title", &tsrc);
    }

    // Authors.
    if let Some(a) = main
        .as_ref()
        .and_then(|l| l.node.get("author").or_else(|| l.node.get("creator")))
    {
        let mut names = Vec::new();
        person_names(a, &mut names);
        let names = clean_authors(names);
        if !names.is_empty() {
            m.authors = names;
            m.set("authors", "json-ld");
        }
    }
    if m.authors.is_empty() {
        if let Some((k, v)) = Meta::meta(
            dom,
            &[
                "author",
                "article:author",
                "dc.creator",
                "parsely-author",
                "citation_author",
                "sailthru.author",
                "byl",
                "dcterms.creator",
            ],
        ) {
            if !v.starts_with("http") && !v.contains("facebook.com") {
                let names = clean_authors(vec![v]);
                if !names.is_empty() {
                    m.authors = names;
                    m.set("authors", &format!("meta:{k}"));
                }
            }
        }
    }
    if m.authors.is_empty() {
        let names = clean_authors(dom_authors(dom));
        if !names.is_empty() {
            m.authors = names;
            m.set("authors", "byline");
        }
    }

    // Dates.
    let ld_pub = main.as_ref().and_then(|l| {
        str_of(l.node.get("datePublished")).or_else(|| str_of(l.node.get("dateCreated")))
    });
    let ld_mod = main
        .as_ref()
        .and_then(|l| str_of(l.node.get("dateModified")));
    // Only a story's node dates the story. A WebPage, Product or CollectionPage node's
    // datePublished is when the CMS page was created: shop, service and landing pages carry one
    // though they show no date. It stands in only when the page prints the node's
    // dateModified (an article whose schema names just the WebPage, "Updated May 3").
    let ld_is_story = main
        .as_ref()
        .is_some_and(|l| type_names(l.node).iter().any(|t| is_story_type(t)));
    let ld_pub = ld_pub.as_deref().and_then(dates::parse_iso);
    let ld_mod_day = ld_mod
        .as_deref()
        .and_then(dates::parse_iso)
        .map(|d| d[..10].to_string());
    if let Some(d) = ld_pub.clone().filter(|_| ld_is_story) {
        m.date = Some(d);
        m.set("date", "json-ld");
    } else if let Some((k, d)) = Meta::meta(
        dom,
        &[
            "article:published_time",
            "og:published_time",
            "datepublished",
            "publishdate",
            "publish-date",
            "pubdate",
            "date",
            "dc.date",
            "dc.date.issued",
            "dcterms.created",
            "dcterms.date",
            "citation_publication_date",
            "citation_date",
            "parsely-pub-date",
            "sailthru.date",
            "article.published",
            "published-date",
            "release_date",
            "created",
        ],
    )
    .and_then(|(k, v)| dates::parse_iso(&v).map(|d| (k, d)))
    {
        m.date = Some(d);
        m.set("date", &format!("meta:{k}"));
    } else if let Some(d) = dom_date(dom) {
        match ld_pub {
            Some(p) if ld_mod_day.as_deref() == Some(&d.0[..10]) => {
                m.date = Some(p);
                m.set("date", "json-ld");
            }
            _ => {
                m.date = Some(d.0);
                m.set("date", d.1);
            }
        }
    } else if let Some(d) = url.and_then(dates::from_url) {
        m.date = Some(d);
        m.set("date", "url");
    }
    if let Some(d) = ld_mod.as_deref().and_then(dates::parse_iso) {
        m.modified = Some(d);
        m.set("modified", "json-ld");
    } else if let Some((k, d)) = Meta::meta(
        dom,
        &[
            "article:modified_time",
            "og:updated_time",
            "datemodified",
            "last-modified",
            "dcterms.modified",
        ],
    )
    .and_then(|(k, v)| dates::parse_iso(&v).map(|d| (k, d)))
    {
        m.modified = Some(d);
        m.set("modified", &format!("meta:{k}"));
    }
    prefer_shown_date(dom, &mut m);
    if let (Some(p), Some(md)) = (&m.date, &m.modified) {
        if md[..10] < p[..10] {
            // A modification before publication is a mislabelled pair.
            m.modified = None;
            m.provenance.remove("modified");
        }
    }

    // Language.
    if let Some(l) = dom.lang.as_deref().and_then(normalize_lang) {
        m.language = Some(l);
        m.set("language", "html-lang");
    } else if let Some(l) = Meta::meta(
        dom,
        &["og:locale", "content-language", "language", "dc.language"],
    )
    .and_then(|(_, v)| normalize_lang(&v))
    {
        m.language = Some(l);
        m.set("language", "meta");
    } else if let Some(l) = main
        .as_ref()
        .and_then(|l| str_of(l.node.get("inLanguage")))
        .and_then(|v| normalize_lang(&v))
    {
        m.language = Some(l);
        m.set("language", "json-ld");
    }

    // Description, image, tags.
    if let Some((k, d)) = Meta::meta(
        dom,
        &[
            "og:description",
            "description",
            "twitter:description",
            "dc.description",
        ],
    ) {
        m.description = Some(d);
        m.set("description", &format!("meta:{k}"));
    } else if let Some(d) = main
        .as_ref()
        .and_then(|l| str_of(l.node.get("description")))
    {
        m.description = Some(d);
        m.set("description", "json-ld");
    }
    if let Some((k, i)) = Meta::meta(
        dom,
        &[
            "og:image",
            "og:image:url",
            "og:image:secure_url",
            "twitter:image",
            "twitter:image:src",
        ],
    ) {
        m.image = Some(i);
        m.set("image", &format!("meta:{k}"));
    } else if let Some(i) = main.as_ref().and_then(|l| url_of(l.node.get("image"))) {
        m.image = Some(i);
        m.set("image", "json-ld");
    }
    let mut tags: Vec<String> = dom
        .metas
        .iter()
        .filter(|(k, _)| k == "article:tag")
        .map(|(_, v)| v.clone())
        .collect();
    if tags.is_empty() {
        if let Some((_, kw)) = Meta::meta(dom, &["keywords", "news_keywords"]) {
            tags = kw
                .split([',', ';'])
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
        } else if let Some(kw) = main.as_ref().and_then(|l| l.node.get("keywords")) {
            match kw {
                Value::String(s) => {
                    tags = s
                        .split(',')
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                        .collect()
                }
                Value::Array(a) => tags = a.iter().filter_map(|x| str_of(Some(x))).collect(),
                _ => {}
            }
        }
    }
    tags.dedup();
    tags.truncate(50);
    m.tags = tags;

    if let Some(ab) = main
        .as_ref()
        .and_then(|l| str_of(l.node.get("articleBody")))
    {
        m.article_body = Some(ab);
    }

    // URL: canonical, then og:url, then the given URL.
    let base = url.and_then(|u| url::Url::parse(u).ok());
    let canon = dom
        .canonical
        .clone()
        .or_else(|| Meta::meta(dom, &["og:url"]).map(|(_, v)| v));
    if let Some(c) = canon {
        let resolved = match &base {
            Some(b) => b.join(&c).ok().map(|u| u.to_string()),
            None => url::Url::parse(&c).ok().map(|u| u.to_string()),
        };
        if let Some(r) = resolved.filter(|r| r.starts_with("http")) {
            m.url = Some(r);
            m.set("url", "canonical");
        }
    }
    if m.url.is_none() {
        if let Some(u) = url {
            m.url = Some(u.to_string());
            m.set("url", "input");
        }
    }
    if let (Some(img), Some(b)) = (&m.image, &base) {
        if let Ok(abs) = b.join(img) {
            m.image = Some(abs.to_string());
        }
    }
    m
}

/// Parses JSON-LD that may carry trailing commas, comments or control characters.
fn parse_json_lenient(s: &str) -> Option<Value> {
    let t = s.trim();
    let t = t.strip_prefix("<!--").unwrap_or(t);
    let t = t.strip_suffix("-->").unwrap_or(t).trim();
    let t = t.strip_prefix("//<![CDATA[").unwrap_or(t);
    let t = t.strip_suffix("//]]>").unwrap_or(t).trim();
    if let Ok(v) = serde_json::from_str(t) {
        return Some(v);
    }
    // Raw newlines and tabs inside strings are the most common breakage.
    let cleaned: String = t
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    serde_json::from_str(&cleaned).ok()
}

fn normalize_lang(s: &str) -> Option<String> {
    let s = s.trim().replace('_', "-");
    let first = s.split([',', ';', ' ']).next()?.trim();
    let mut parts = first.split('-');
    let lang = parts.next()?.to_ascii_lowercase();
    if !(2..=3).contains(&lang.len()) || !lang.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    match parts.next() {
        Some(r) if r.len() == 2 && r.chars().all(|c| c.is_ascii_alphabetic()) => {
            Some(format!("{lang}-{}", r.to_ascii_uppercase()))
        }
        Some(r) if r.len() == 4 && r.chars().all(|c| c.is_ascii_alphabetic()) => {
            let mut script = r.to_ascii_lowercase();
            script[..1].make_ascii_uppercase();
            Some(format!("{lang}-{script}"))
        }
        _ => Some(lang),
    }
}

fn words_lower(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .collect()
}

/// Token Jaccard similarity of two titles.
pub fn similarity(a: &str, b: &str) -> f32 {
    similarity_of(&word_set(a), &word_set(b))
}

/// A text's distinct lowercased words, sorted: computed once for a text compared many times.
pub fn word_set(s: &str) -> Vec<String> {
    let mut w = words_lower(s);
    w.sort_unstable();
    w.dedup();
    w
}

/// [`similarity`] of two [`word_set`]s. Sorted lists rather than hash sets: titles are a few
/// words, compared thousands of times per page.
pub fn similarity_of(wa: &[String], wb: &[String]) -> f32 {
    if wa.is_empty() || wb.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut inter) = (0, 0, 0);
    while i < wa.len() && j < wb.len() {
        match wa[i].cmp(&wb[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                inter += 1;
                i += 1;
                j += 1;
            }
        }
    }
    inter as f32 / (wa.len() + wb.len()) as f32 * 2.0
}

/// Removes a site-name prefix or suffix ("Title | Site", "Site - Title"): the side that names
/// the site, or the side that is not the page's own heading. `headings` are the page's h1 to
/// h3 texts, each with whether it is an h1: a one-word side must be an h1, as a lower heading
/// of one word names a section ("GIT" at the end of the git-commit manual, "Overview").
fn strip_site_or_heading(t: &str, site: Option<&str>, headings: &[(String, bool)]) -> String {
    const SEPS: &[&str] = &[
        " | ", " - ", " – ", " — ", " :: ", " · ", " • ", " » ", " « ", " / ", " ~ ",
    ];
    let t = t.trim();
    for sep in SEPS {
        for (i, _) in t.match_indices(sep) {
            let (head, tail) = (t[..i].trim(), t[i + sep.len()..].trim());
            for (side, other) in [(head, tail), (tail, head)] {
                // A heading that is the site's name is its logo, not the page's heading, unless
                // all the title adds to it is one word ("Shop", "Home"): then the page is the
                // site's front.
                let names_site =
                    site.is_some_and(|s| similarity(side, s) > 0.6) && words_lower(other).len() > 1;
                if !side.is_empty()
                    && !names_site
                    && headings.iter().any(|(h, h1)| {
                        let n = side.split_whitespace().count();
                        similarity(h, side) >= 0.9
                            && h.split_whitespace().count() == n
                            && (*h1 || n > 1)
                    })
                {
                    return side.to_string();
                }
            }
        }
    }
    strip_site(t, site)
}

/// Drops a short trailing brand ("... | Rust Blog", "... — LessWrong") that names the site or
/// its host, even when no site name is declared.
fn strip_brand_tail(t: &str, site: Option<&str>, host: Option<&str>) -> String {
    const SEPS: &[&str] = &[" | ", " – ", " — ", " - ", " :: ", " · ", " • "];
    let squash = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    for sep in SEPS {
        if let Some(i) = t.rfind(sep) {
            let (head, tail) = (t[..i].trim(), t[i + sep.len()..].trim());
            if head.split_whitespace().count() < 2 || tail.split_whitespace().count() > 4 {
                continue;
            }
            let tail_sq = squash(tail);
            let names_site = site.is_some_and(|s| {
                let s = squash(s);
                !s.is_empty() && (s.contains(&tail_sq) || tail_sq.contains(&s))
            });
            let names_host = host.is_some_and(|h| {
                let label = h.trim_start_matches("www.");
                let label = squash(label.split('.').next().unwrap_or(""));
                tail_sq.len() >= 3
                    && (label.contains(&tail_sq) || tail_sq.contains(&label))
                    && !label.is_empty()
            });
            if names_site || names_host {
                return strip_brand_tail(head, site, host);
            }
        }
    }
    t.to_string()
}

/// Drops a book's or a manual's section number ahead of the title ("3.1 Git Branching")
/// when no metadata title carries it: the number places the page in the book, the
/// metadata titles name it without. A plain number ("5 Trends") is part of the title.
fn strip_section_number(t: &str, raw_meta: &[&str]) -> String {
    static SECTION: OnceLock<Regex> = OnceLock::new();
    let re = SECTION.get_or_init(|| Regex::new(r"^(\d+(?:\.\d+)+)\.?\s+").expect("static regex"));
    let Some(c) = re.captures(t) else {
        return t.to_string();
    };
    let rest = &t[c[0].len()..];
    let num = &c[1];
    if !rest.starts_with(char::is_alphabetic) || raw_meta.iter().any(|m| m.contains(num)) {
        return t.to_string();
    }
    rest.to_string()
}

/// Drops an acronym ahead of the name it stands for ("GNW - Gaming News Weekly"): the
/// name says it in full.
fn strip_acronym(t: &str) -> String {
    const SEPS: &[&str] = &[" | ", " - ", " – ", " — ", ": "];
    for sep in SEPS {
        let Some((head, rest)) = t.split_once(sep) else {
            continue;
        };
        let head = head.trim();
        let n = head.chars().count();
        if !(2..=6).contains(&n) || !head.chars().all(|c| c.is_uppercase()) {
            continue;
        }
        let initials: String = rest
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .take(n)
            .filter_map(|w| w.chars().next())
            .flat_map(char::to_uppercase)
            .collect();
        if initials == head && words_lower(rest).len() >= n {
            return rest.trim().to_string();
        }
    }
    t.to_string()
}

/// The separators a title's bar or dash parts are joined with.
const BAR_DASH_SEPS: &[&str] = &[" | ", " – ", " — ", " - "];

/// Drops the part after the first separator when it repeats every word of the part before,
/// several words long: keyword padding for search engines ("Travel Insurance - Flight and
/// Travel Insurance Quotes").
fn strip_padding(t: &str) -> String {
    let Some((i, sep)) = BAR_DASH_SEPS
        .iter()
        .filter_map(|sep| t.find(sep).map(|i| (i, *sep)))
        .min_by_key(|(i, _)| *i)
    else {
        return t.to_string();
    };
    let (head, tail) = (t[..i].trim(), &t[i + sep.len()..]);
    let (hw, tw) = (words_lower(head), words_lower(tail));
    if hw.len() >= 2 && tw.len() > hw.len() && hw.iter().all(|w| tw.contains(w)) {
        return head.to_string();
    }
    t.to_string()
}

/// The text of the first h1 to h3 that is wholly a link to the site's home page (`href="/"`
/// or a bare origin): the logo a site sets in a heading.
fn home_link_heading(dom: &Dom) -> Option<String> {
    let home = |href: &str| {
        let h = href.trim();
        h == "/"
            || url::Url::parse(h)
                .is_ok_and(|u| u.path() == "/" && u.query().is_none() && u.fragment().is_none())
    };
    (0..dom.nodes.len())
        .filter(|&i| matches!(dom.nodes[i].tag, Tag::H(1..=3)) && dom.nodes[i].chars > 0)
        .take(30)
        .find(|&i| {
            let n = &dom.nodes[i];
            (i + 1..n.end as usize).any(|k| {
                dom.nodes[k].tag == Tag::A
                    && dom.nodes[k].chars == n.chars
                    && dom.attr(k, "href").is_some_and(home)
            })
        })
        .map(|i| dom.text_of(i).to_string())
}

/// Whether a text is a bare domain name ("davidbau.com", "news.ycombinator.com").
fn is_domain_name(t: &str) -> bool {
    static DOMAIN: OnceLock<Regex> = OnceLock::new();
    let re =
        DOMAIN.get_or_init(|| Regex::new(r"^(?:[\w-]+\.)+[A-Za-z]{2,}$").expect("static regex"));
    re.is_match(t.trim())
}

/// `t` without `affix` at its start or its end, or all of `t` when that would leave nothing.
fn strip_affix(t: &str, affix: &str) -> String {
    let t = t.trim();
    let lower = t.to_lowercase();
    let a = affix.trim().to_lowercase();
    if lower.len() != t.len() || a.is_empty() {
        return t.to_string();
    }
    let rest = if lower.starts_with(&a) {
        &t[a.len()..]
    } else if lower.ends_with(&a) {
        &t[..t.len() - a.len()]
    } else {
        t
    };
    let rest = rest.trim_matches(|c: char| c.is_whitespace() || "|-–—:·•»«/~".contains(c));
    if words_lower(rest).is_empty() {
        t.to_string()
    } else {
        rest.to_string()
    }
}

/// Drops the linked site that link aggregators print after a story's headline, with the
/// comment or point count that may follow it ("Grads Find Jobs Scarce (latimes.com) 87").
fn strip_link_domain(t: &str) -> String {
    static DOMAIN_TAIL: OnceLock<Regex> = OnceLock::new();
    let re = DOMAIN_TAIL.get_or_init(|| {
        Regex::new(r"\s+\((?:[\w-]+\.)+[a-z]{2,}\)(?:\s+\d+)?\s*$").expect("static regex")
    });
    match re.find(t) {
        Some(m) if t[..m.start()].split_whitespace().count() >= 2 => t[..m.start()].to_string(),
        _ => t.to_string(),
    }
}

/// Drops a short last part after a separator ("Mesh Office Chair | NBF", "Cloudflare CDN |
/// Content Delivery Network", "Calculator - American Funds", "X - Part 1"): a brand, a
/// tagline or a series label that sites append to the name of the page, whether or not they
/// declare a site name to recognise it by. Up to three words, after a head of two or more
/// ("Mirrorless-Cameras" is two); a tail that starts in lower case or ends with "!" reads as
/// the rest of the sentence ("Going vegan – tips and tricks", "Best Mixers – My Favorites!")
/// and stays.
fn strip_short_tail(t: &str) -> String {
    let Some((i, sep)) = BAR_DASH_SEPS
        .iter()
        .filter_map(|sep| t.rfind(sep).map(|i| (i, *sep)))
        .max_by_key(|(i, _)| *i)
    else {
        return t.to_string();
    };
    let (head, tail) = (t[..i].trim(), t[i + sep.len()..].trim());
    let sentence_goes_on =
        tail.chars().next().is_some_and(char::is_lowercase) || tail.ends_with('!');
    if words_lower(head).len() >= 2
        && (1..=3).contains(&tail.split_whitespace().count())
        && !sentence_goes_on
    {
        return head.to_string();
    }
    t.to_string()
}

/// Removes a site-name prefix or suffix ("Title | Site", "Site - Title").
fn strip_site(t: &str, site: Option<&str>) -> String {
    const SEPS: &[&str] = &[
        " | ", " - ", " – ", " — ", " :: ", " · ", " • ", " » ", " « ", " / ", " ~ ",
    ];
    let t = t.trim();
    for sep in SEPS {
        if let Some(i) = t.rfind(sep) {
            let (head, tail) = (&t[..i], &t[i + sep.len()..]);
            let tail_is_site = site.map(|s| similarity(tail, s) > 0.6).unwrap_or(false)
                || (tail.split_whitespace().count() <= 4
                    && head.split_whitespace().count() >= 4
                    && site.is_none()
                    && tail.contains('.'));
            if tail_is_site && !head.trim().is_empty() {
                return strip_site(head, site);
            }
        }
        if let Some(i) = t.find(sep) {
            let (head, tail) = (&t[..i], &t[i + sep.len()..]);
            if site.map(|s| similarity(head, s) > 0.6).unwrap_or(false) && !tail.trim().is_empty() {
                return tail.trim().to_string();
            }
        }
    }
    t.to_string()
}

/// Whether a short h1 is the name the metadata titles pad for search engines ("Electric
/// Guitars" in "Buy Electric Guitars at Thomann", "Science" in "Science News: Health,
/// Space"): every word of it appears in a cleaned metadata title, and not in the site name
/// those titles carry (then the h1 is the logo: "Arch Linux" in "X / Arch Linux Forums").
fn h1_names_page(h1: &str, cleaned: &[Option<&str>], raw: &[&str]) -> bool {
    let hw = word_set(h1);
    if hw.is_empty() || words_lower(h1).len() > H1_NAME_WORDS {
        return false;
    }
    let within = |t: &str| {
        let tw = word_set(t);
        hw.iter().all(|w| tw.binary_search(w).is_ok())
    };
    let in_clean = cleaned.iter().flatten().any(|t| within(t));
    // The raw titles with their cleaned part cut out: what is left names the site.
    let in_site = raw.iter().any(|r| {
        let rest = cleaned
            .iter()
            .flatten()
            .fold(r.to_string(), |acc, c| acc.replacen(c, " ", 1));
        within(&rest)
    });
    in_clean && !in_site
}

/// Whether the metadata title `meta` is the h1 followed by more words, with no separator
/// anywhere in it ("Project Management" and "Project Management Certificate"), and what
/// it adds is not the site's name.
fn extends_h1(h1: &str, meta: &str, site: Option<&str>) -> bool {
    let (h, m) = (word_spans(h1), word_spans(meta));
    if h.is_empty() || m.len() <= h.len() || h.iter().zip(&m).any(|(a, b)| a.2 != b.2) {
        return false;
    }
    let one_run = !(1..m.len()).any(|k| is_title_sep(&meta[m[k - 1].1..m[k].0]));
    let added = &meta[m[h.len()].0..];
    one_run && !site.is_some_and(|s| similarity(added, s) > 0.6)
}

/// Whether the h1 is the name that `meta` starts with (up to its first separator) with
/// words left out from inside it, not only cut short: "Cybersecurity Services" and
/// "Cybersecurity Consulting Services | IBM". Both start with the same word.
fn abridges(h1: &str, meta: &str) -> bool {
    let hw = words_lower(h1);
    let m = word_spans(meta);
    let end = (1..m.len())
        .find(|&k| is_title_sep(&meta[m[k - 1].1..m[k].0]))
        .unwrap_or(m.len());
    let head: Vec<&str> = m[..end].iter().map(|w| w.2.as_str()).collect();
    if hw.len() < 2 || head.len() <= hw.len() || head[0] != hw[0] {
        return false;
    }
    let mut rest = head.iter();
    let in_order = hw.iter().all(|w| rest.any(|x| x == w));
    let only_cut = head[..hw.len()].iter().zip(&hw).all(|(a, b)| a == b);
    in_order && !only_cut
}

/// The longest h1 [`h1_names_page`] takes for the page's name.
const H1_NAME_WORDS: usize = 4;

fn choose_title(
    og: Option<(String, &str)>,
    ld: Option<String>,
    h1: Option<String>,
    tag: Option<String>,
    h1_named: bool,
    storefront: bool,
    story: bool,
) -> (Option<String>, String) {
    // A title two sources agree on wins; the h1 breaks ties because it is what readers see.
    let mut cands: Vec<(String, String)> = Vec::new();
    if let Some(h) = h1 {
        cands.push((h, "h1".into()));
    }
    if let Some((t, k)) = og {
        cands.push((t, format!("meta:{k}")));
    }
    if let Some(t) = ld {
        cands.push((t, "json-ld".into()));
    }
    if let Some(t) = tag {
        cands.push((t, "title".into()));
    }
    cands.retain(|(t, _)| !t.trim().is_empty() && t.chars().count() <= 400);
    // A metadata title cut short with an ellipsis ("Wedding Checklist Wedding Planning…")
    // names the page less well than any whole one.
    let cut = |(t, s): &(String, String)| {
        s != "h1" && (t.trim_end().ends_with('…') || t.trim_end().ends_with("..."))
    };
    if cands.iter().any(|c| !cut(c)) {
        cands.retain(|c| !cut(c));
    }
    if cands.is_empty() {
        return (None, String::new());
    }
    let has_h1 = cands[0].1 == "h1";
    let mut best = 0;
    let mut best_score = -1.0f32;
    for (i, (t, _)) in cands.iter().enumerate() {
        let agree: f32 = cands
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, (o, _))| similarity(t, o))
            .filter(|s| *s >= 0.6)
            .sum();
        // A short h1 the metadata titles pad agrees with all of them.
        let agree = if i == 0 && h1_named && has_h1 {
            agree.max((cands.len() - 1) as f32)
        } else {
            agree
        };
        // Prefer the h1 on agreement; a lone h1 that nobody agrees with may be a logo.
        let bonus = if i == 0 && has_h1 && agree > 0.0 && !storefront {
            0.5
        } else {
            0.0
        };
        let score = agree + bonus - i as f32 * 0.01;
        if score > best_score {
            best_score = score;
            best = i;
        }
    }
    if best_score < 0.5 && has_h1 && cands.len() > 1 {
        // Nobody agrees with the h1: trust the metadata over it, the `<title>` first.
        best = cands.iter().position(|(_, s)| s == "title").unwrap_or(1);
    }
    // A story's metadata title is often reworded for search engines ("Best Apps to Learn a
    // Language in 2025" over the headline "Top 10: Best Language Learning App"): a headline
    // that shares words with it is the same story's title, not a logo or a section label.
    if story && has_h1 && best != 0 && rewords(&cands[0].0, &cands[best].0) {
        best = 0;
    }
    let (t, s) = cands.swap_remove(best);
    (Some(t), s)
}

/// Whether an h1 reads as a headline that rewords the metadata title `meta`: a sentence of
/// [`HEADLINE_WORDS`] words that shares at least two words with it, one of them longer than
/// a function word (a blog's name, an author's, "Our Blog" share none and are too short; an
/// aggregator's h1 for another story shares only "for" and "the").
fn rewords(h1: &str, meta: &str) -> bool {
    let n = words_lower(h1).len();
    if !HEADLINE_WORDS.contains(&n) {
        return false;
    }
    let (hw, mw) = (word_set(h1), word_set(meta));
    let shared: Vec<&String> = hw.iter().filter(|w| mw.binary_search(w).is_ok()).collect();
    shared.len() >= 2 && shared.iter().any(|w| w.chars().count() > 3)
}

/// How many words a story's h1 has when it is a headline rather than a logo or a summary.
const HEADLINE_WORDS: std::ops::RangeInclusive<usize> = 4..=25;

/// Words of `s` as (byte start, byte end, lowercased word).
fn word_spans(s: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices().chain(std::iter::once((s.len(), ' '))) {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(b)) => {
                out.push((b, i, s[b..i].to_lowercase()));
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// Whether the text between two words separates title parts ("Thread: X", "X | Site",
/// "X - Subtitle"): a spaced dash or bar, or a colon ending the words before it.
fn is_title_sep(gap: &str) -> bool {
    // Closing punctuation of the last word comes first: "Why? - Site".
    let gap = gap.trim_start_matches(['?', '!', '.', ')', ']', '"', '\'', '’', '”']);
    let g = gap.trim();
    !g.is_empty()
        && (g.starts_with(':')
            || ["|", "-", "–", "—", "·", "•", "»", "«", "/", "~", "::"]
                .iter()
                .any(|sep| g == *sep || g.starts_with(&format!("{sep} ")))
                && gap.starts_with(' '))
}

/// The part of the chosen title that another source repeats word for word, when the rest
/// is a kicker, a forum prefix or a tagline cut off by a separator: "Thread: X" with
/// `<title>` "X - Forum" gives "X". Nothing when no other source agrees on a part.
fn core_title(chosen: &str, others: &[String]) -> Option<String> {
    let a = word_spans(chosen);
    if a.len() < 3 {
        return None;
    }
    let bounded = |s: &str, w: &[(usize, usize, String)], at: usize, len: usize| -> bool {
        let left = at == 0 || is_title_sep(&s[w[at - 1].1..w[at].0]);
        let right = at + len == w.len() || is_title_sep(&s[w[at + len - 1].1..w[at + len].0]);
        left && right
    };
    let mut best: Option<(usize, usize)> = None;
    for o in others {
        let b = word_spans(o);
        if b.is_empty() {
            continue;
        }
        // Longest run of words the two share, by dynamic programming over word pairs.
        let mut prev = vec![0usize; b.len() + 1];
        let (mut len, mut at_a, mut at_b) = (0, 0, 0);
        for (i, wa) in a.iter().enumerate() {
            let mut cur = vec![0usize; b.len() + 1];
            for (j, wb) in b.iter().enumerate() {
                if wa.2 == wb.2 {
                    cur[j + 1] = prev[j] + 1;
                    if cur[j + 1] > len {
                        len = cur[j + 1];
                        at_a = i + 1 - len;
                        at_b = j + 1 - len;
                    }
                }
            }
            prev = cur;
        }
        // The part dropped must be the lesser one: a kicker, a prefix, a tagline.
        let dropped = a.len() - len;
        if len < 2 || dropped == 0 || dropped >= len {
            continue;
        }
        let in_chosen = bounded(chosen, &a, at_a, len);
        let whole_other = len == b.len();
        let cut = in_chosen && (whole_other || bounded(o, &b, at_b, len)) && dropped * 2 <= len;
        // Without a separator, only a leading kicker goes ("Dec 18 2025 Title"): a source
        // repeating just the start of the title is more likely cut short than right.
        let kicker = whole_other && at_a + len == a.len() && len >= 3;
        let ok = cut || kicker;
        // A subtitle after a colon belongs to the title ("Atomic Habits: An Easy Way"): the
        // head before a colon is not a title on its own.
        let colon_tail = at_a + len < a.len()
            && chosen[a[at_a + len - 1].1..a[at_a + len].0]
                .trim()
                .starts_with(':');
        if ok && !colon_tail && best.is_none_or(|(_, l)| len > l) {
            best = Some((at_a, len));
        }
    }
    let (at, len) = best?;
    let (start, end) = (a[at].0, a[at + len - 1].1);
    // Keep closing punctuation that belongs to the last word ("status symbol"?", "(2025)").
    let tail: String = chosen[end..]
        .chars()
        .take_while(|c| matches!(c, '?' | '!' | ')' | ']' | '"' | '\'' | '’' | '”' | '.'))
        .collect();
    let head: String = {
        let before: Vec<char> = chosen[..start].chars().collect();
        let mut k = before.len();
        while k > 0 && matches!(before[k - 1], '(' | '[' | '"' | '“' | '‘' | '\'') {
            k -= 1;
        }
        before[k..].iter().collect()
    };
    Some(format!("{head}{}{tail}", &chosen[start..end]))
}

/// A heading's text without the permalink anchor documentation generators append
/// ("Title¶").
pub fn heading_text<'a>(dom: &'a Dom, i: usize) -> Cow<'a, str> {
    fn trim(t: &str) -> &str {
        t.trim_end_matches(['¶', '§', '#', '🔗', '⚓', ' ']).trim()
    }
    match shown_text(dom, i) {
        Cow::Borrowed(t) => match repair_mojibake(t) {
            Cow::Borrowed(t) => Cow::Borrowed(trim(t)),
            Cow::Owned(t) => Cow::Owned(trim(&t).to_string()),
        },
        Cow::Owned(t) => Cow::Owned(trim(&repair_mojibake(&t)).to_string()),
    }
}

/// Node `i`'s text without what it hides from the eye for screen readers ("<span
/// class=visually-hidden>Collection: </span>Sennheiser"), unless that is all of it.
fn shown_text<'a>(dom: &'a Dom, i: usize) -> Cow<'a, str> {
    let n = &dom.nodes[i];
    let (mut out, mut at, mut k) = (String::new(), n.text_start as usize, i + 1);
    while k < n.end as usize {
        let d = &dom.nodes[k];
        if d.concepts.any(Concepts::HIDDEN) && d.text_end > d.text_start {
            out.push_str(&dom.text[at..d.text_start as usize]);
            at = d.text_end as usize;
            k = d.end as usize;
        } else {
            k += 1;
        }
    }
    if at == n.text_start as usize {
        return Cow::Borrowed(dom.text_of(i));
    }
    out.push_str(&dom.text[at..n.text_end as usize]);
    let shown = collapse_ws(&out);
    if shown.trim().is_empty() {
        Cow::Borrowed(dom.text_of(i))
    } else {
        Cow::Owned(shown.trim().to_string())
    }
}

/// Undoes UTF-8 read as Latin-1 or Windows-1252 ("itertools â\u{80}\u{94} Functions",
/// "Itâ€™s"), which a page can carry in its own bytes: when every character is one byte in
/// those encodings and the bytes are valid UTF-8 with a sequence of two or more bytes.
/// Text that is truly Latin-1 ("Café") is almost never valid UTF-8 that way.
fn repair_mojibake(s: &str) -> Cow<'_, str> {
    const CP1252: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    if s.is_ascii() {
        return Cow::Borrowed(s);
    }
    let mut bytes = Vec::with_capacity(s.len());
    for c in s.chars() {
        match c as u32 {
            0..=0x7f | 0xa0..=0xff => bytes.push(c as u8),
            _ => match CP1252.iter().position(|&k| k == c) {
                Some(k) => bytes.push(0x80 + k as u8),
                None if (0x80..0xa0).contains(&(c as u32)) => bytes.push(c as u8),
                None => return Cow::Borrowed(s),
            },
        }
    }
    match String::from_utf8(bytes) {
        Ok(t) if t.chars().count() < s.chars().count() => Cow::Owned(t),
        _ => Cow::Borrowed(s),
    }
}

/// The page's `<h1>`: the first, unless a later one is what the metadata titles say and the
/// first is not (a "Follow the author" or "Menu" heading ahead of the product's or the
/// article's name).
fn page_heading(dom: &Dom, metas: &[Option<&str>]) -> Option<String> {
    let h1s: Vec<String> = (0..dom.nodes.len())
        .filter(|&i| dom.nodes[i].tag == Tag::H(1))
        .map(|i| heading_text(dom, i))
        .filter(|t| !t.is_empty() && t.chars().count() < 300)
        .map(|t| strip_invisible(&t))
        .take(10)
        .collect();
    let agreement = |h: &str| {
        metas
            .iter()
            .flatten()
            .map(|m| similarity(h, m))
            .fold(0.0f32, f32::max)
    };
    let first = h1s.first()?;
    if agreement(first) >= H1_AGREES {
        return Some(first.clone());
    }
    let best = h1s[1..]
        .iter()
        .map(|h| (agreement(h), h))
        .filter(|(a, _)| *a >= H1_AGREES)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    Some(best.map_or(first, |(_, h)| h).clone())
}

/// How similar to a metadata title a later h1 must be to stand for the page instead of the
/// first.
const H1_AGREES: f32 = 0.6;

/// Drops soft hyphens and invisible format marks, which split words ("Assis\u{ad}tance")
/// for every comparison between titles.
fn strip_invisible(t: &str) -> String {
    t.chars()
        .filter(|c| {
            !matches!(c, '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{feff}')
        })
        .collect()
}

fn clean_authors(names: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in names {
        for part in split_authors(&n) {
            let p = clean_author(&part);
            if let Some(p) = p {
                if !out.iter().any(|o| o.eq_ignore_ascii_case(&p)) {
                    out.push(p);
                }
            }
        }
    }
    out.truncate(10);
    out
}

fn split_authors(s: &str) -> Vec<String> {
    let s = s
        .replace(" and ", ", ")
        .replace(" & ", ", ")
        .replace(" und ", ", ")
        .replace(" y ", ", ")
        .replace(" et ", ", ");
    s.split([',', ';', '|', '/'])
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect()
}

/// Byline labels that precede a name ("By", "Von", "Автор:"...), lowercased.
const BYLINE_PREFIXES: &[&str] = &[
    "written by",
    "posted by",
    "published by",
    "reported by",
    "words by",
    "story by",
    "by",
    "von",
    "par",
    "por",
    "di",
    "door",
    "av",
    "af",
    "от",
    "автор",
    "author",
    "authors",
    "autor",
    "autorin",
    "auteur",
    "autore",
    "texte",
    "text",
];

/// Strips a leading byline label and the colon or dash after it.
fn strip_byline_prefix(s: &str) -> &str {
    let t = s.trim_start();
    let lower = t.to_lowercase();
    for p in BYLINE_PREFIXES {
        if let Some(rest) = lower.strip_prefix(p) {
            let after = rest.chars().next();
            if matches!(after, Some(' ' | ':' | '\u{a0}')) {
                // Lowercasing can change byte lengths; map back by characters.
                let skip = p.chars().count();
                let cut = t
                    .char_indices()
                    .nth(skip)
                    .map(|(b, _)| b)
                    .unwrap_or(t.len());
                return t[cut..]
                    .trim_start_matches([':', ' ', '-', '\u{a0}'])
                    .trim_start();
            }
        }
    }
    t
}

fn clean_author(s: &str) -> Option<String> {
    let t = collapse_ws(s);
    let t = strip_byline_prefix(&t).to_string();
    let t = t
        .trim_matches(|c: char| !c.is_alphanumeric() && c != '.' && c != ')')
        .to_string();
    let lower = t.to_lowercase();
    if BYLINE_PREFIXES.contains(&lower.as_str()) {
        return None;
    }
    if t.is_empty()
        || t.chars().count() > 60
        || t.contains('@')
        || t.starts_with("http")
        || t.chars().any(|c| c.is_ascii_digit())
    {
        return None;
    }
    if [
        "admin",
        "staff",
        "editor",
        "redaktion",
        "anonymous",
        "guest",
        "unknown",
        "null",
    ]
    .contains(&lower.as_str())
    {
        return None;
    }
    if t.split_whitespace().count() > 6 {
        return None;
    }
    Some(t)
}

/// Author names from byline markup: rel=author, itemprop=author, author/byline classes.
fn dom_authors(dom: &Dom) -> Vec<String> {
    for (i, n) in dom.nodes.iter().enumerate() {
        if n.tag == Tag::Text
            || !n.concepts.any(Concepts::BYLINE)
            || n.concepts.any(Concepts::COMMENT | Concepts::BIO)
        {
            continue;
        }
        if n.chars == 0 || n.chars > 120 {
            continue;
        }
        // Inside a comment thread, the byline is a commenter's.
        if in_ancestor(dom, i, OFF_STORY) {
            continue;
        }
        let t = dom.text_of(i);
        let name = strip_byline_noise(t);
        if !name.is_empty() {
            return vec![name];
        }
    }
    // Unmarked bylines: a short "By Jane Doe" line after the first <h1>.
    static BY: OnceLock<Regex> = OnceLock::new();
    let re = BY.get_or_init(|| {
        Regex::new(r"^(?:By|BY|by|Von|Par|Por|Door|Di|Av|Af|Автор:?|От)\s+(\p{Lu}[\p{L}'.\-]+(?:\s+\p{Lu}[\p{L}'.\-]+){0,3})$")
            .expect("static regex")
    });
    static LABEL: OnceLock<Regex> = OnceLock::new();
    let label = LABEL.get_or_init(|| {
        Regex::new(r"^(?i:by|written by|posted by|author|autor|автор|von|par|por)\s*:?$")
            .expect("static regex")
    });
    let start = dom
        .nodes
        .iter()
        .position(|n| n.tag == Tag::H(1))
        .unwrap_or(0);
    let mut label_seen = false;
    for (i, n) in dom.nodes.iter().enumerate().skip(start) {
        if n.tag != Tag::Text || n.chars > 60 {
            continue;
        }
        let t = dom.text_of(i);
        // "By" in one element, the name (often a link) in the next.
        if label_seen {
            label_seen = false;
            let name = t.trim();
            let words = name.split_whitespace().count();
            if (1..=4).contains(&words)
                && name.chars().next().is_some_and(char::is_uppercase)
                && !name.chars().any(|c| c.is_ascii_digit())
                && !in_ancestor(dom, i, OFF_STORY | Concepts::NAV)
            {
                return vec![name.to_string()];
            }
        }
        if label.is_match(t.trim()) {
            label_seen = true;
            continue;
        }
        if let Some(c) = re.captures(t) {
            if !in_ancestor(dom, i, OFF_STORY | Concepts::NAV) {
                return vec![c[1].to_string()];
            }
        }
    }
    Vec::new()
}

/// Whether a date candidate sits in a comment, related block, footer or aside (or in a block
/// with one of the `more` concepts). Unlike [`in_ancestor`] it ignores `<body>` and `<html>`:
/// their class lists name site-wide features ("sticky-footer", "has-sidebar"), not a part of
/// the page.
fn off_story(dom: &Dom, i: usize, more: u32) -> bool {
    let mut p = dom.nodes[i].parent;
    let mut steps = 0;
    while p != u32::MAX && steps < 40 {
        let n = &dom.nodes[p as usize];
        if !matches!(n.tag, Tag::Body | Tag::Html) && n.concepts.any(OFF_STORY | more) {
            return true;
        }
        p = n.parent;
        steps += 1;
    }
    false
}

fn in_ancestor(dom: &Dom, i: usize, bits: u32) -> bool {
    let mut p = dom.nodes[i].parent;
    let mut steps = 0;
    while p != u32::MAX && steps < 40 {
        if dom.nodes[p as usize].concepts.any(bits) {
            return true;
        }
        p = dom.nodes[p as usize].parent;
        steps += 1;
    }
    false
}

fn strip_byline_noise(t: &str) -> String {
    let s = strip_byline_prefix(t.trim());
    // Cut at a date or separator that follows the name.
    let cut = s
        .find(['|', '•', '·', '\n'])
        .or_else(|| s.find(" on "))
        .or_else(|| s.find(" in "))
        .or_else(|| s.find(" - "))
        .unwrap_or(s.len());
    let name = s[..cut].trim();
    if name.chars().any(|c| c.is_ascii_digit()) || name.split_whitespace().count() > 5 {
        return String::new();
    }
    name.to_string()
}

/// Blocks whose bylines and dates belong to other texts: comments, related stories, the
/// footer and asides.
const OFF_STORY: u32 = Concepts::COMMENT | Concepts::RELATED | Concepts::FOOTER | Concepts::ASIDE;

/// A publication date from `<time>` elements or date-classed elements near the top.
fn dom_date(dom: &Dom) -> Option<(String, &'static str)> {
    for (i, n) in dom.nodes.iter().enumerate() {
        if n.tag != Tag::Time {
            continue;
        }
        if off_story(dom, i, 0) || in_review(dom, i) {
            continue;
        }
        if let Some(d) = dom.attr(i, "datetime").and_then(dates::parse_iso) {
            return Some((d, "time"));
        }
        if let Some(d) = dates::parse_text(dom.text_of(i)) {
            return Some((d, "time"));
        }
    }
    for (i, n) in dom.nodes.iter().enumerate() {
        if n.tag == Tag::Text || n.chars == 0 || n.chars > 80 {
            continue;
        }
        if !n.concepts.any(Concepts::BYLINE | Concepts::META) && !has_date_class(dom, i) {
            continue;
        }
        if off_story(dom, i, 0) || in_review(dom, i) {
            continue;
        }
        // parse_iso also reads a bare ISO timestamp printed as is ("2022-11-23T08:10+02:00").
        if let Some(d) = dates::parse_iso(dom.text_of(i)) {
            return Some((d, "byline"));
        }
    }
    // A written date in the few short lines right under the first <h1> ("Updated May 3, 2024"),
    // or in the few right above it, where many templates put the date over the headline
    // ("Dec 12, 2025" / "Last updated: Dec 12, 2025" / a kicker line).
    let h1 = dom.nodes.iter().position(|n| n.tag == Tag::H(1))?;
    let near =
        |lines: &mut dyn Iterator<Item = usize>, count: usize, ok: &dyn Fn(usize) -> bool| {
            lines
                .filter(|&i| dom.nodes[i].tag == Tag::Text)
                .take(count)
                .filter(|&i| dom.nodes[i].chars <= 60 && ok(i))
                .find_map(|i| dates::parse_text(dom.text_of(i)))
        };
    near(
        &mut (dom.nodes[h1].end as usize..dom.nodes.len()),
        12,
        &|i| !in_review(dom, i),
    )
    .or_else(|| {
        near(&mut (0..h1).rev(), 4, &|i| {
            !off_story(dom, i, Concepts::NAV)
        })
    })
    .map(|d| (d, "text-near-title"))
}

/// Every calendar day (YYYY-MM-DD) the page writes in its own short lines or `<time>`
/// elements, outside comments, related blocks, footers and asides.
fn shown_days(dom: &Dom) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, n) in dom.nodes.iter().enumerate() {
        let day = match n.tag {
            Tag::Text if n.chars > 0 && n.chars <= 100 => dates::parse_text(dom.text_of(i)),
            Tag::Time => dom.attr(i, "datetime").and_then(dates::parse_iso),
            _ => None,
        };
        if let Some(d) = day {
            if !off_story(dom, i, 0) && !out.iter().any(|o| o[..] == d[..10]) {
                out.push(d[..10].to_string());
            }
        }
    }
    out
}

/// Replaces a machine-readable publication date the page never shows by the one it does.
///
/// JSON-LD and `<meta>` dates are often a CMS record's creation, a date template filled in
/// wrong, or a UTC instant that falls on another day than the one printed: readers (and
/// anyone citing the page) go by the date in the byline. Only when the declared day appears
/// nowhere on the page, so a page that prints its declared date keeps it whatever else it
/// prints. A shown date that is the declared modification date stays out: "Updated May 3"
/// does not say when the page was published (on wcxb annotators took the one or the other
/// about equally often).
fn prefer_shown_date(dom: &Dom, m: &mut Meta) {
    let Some(declared) = m.date.as_deref() else {
        return;
    };
    let from_markup = m
        .provenance
        .get("date")
        .is_some_and(|p| p == "json-ld" || p.starts_with("meta:"));
    if !from_markup {
        return;
    }
    let shown = shown_days(dom);
    if shown.is_empty() || shown.iter().any(|d| d[..] == declared[..10]) {
        return;
    }
    let Some((d, src)) = dom_date(dom) else {
        return;
    };
    let modified = m.modified.as_deref().is_some_and(|md| md[..10] == d[..10]);
    if d[..10] != declared[..10] && !modified {
        m.date = Some(d);
        m.set("date", src);
    }
}

/// Whether the element or one of its closest ancestors names a customer or critic review
/// ("review-date", "review-card__date"): its date is the review's, not the page's. Only the
/// closest three, because a review article may name its whole body "review".
fn in_review(dom: &Dom, i: usize) -> bool {
    let mut at = i as u32;
    for _ in 0..4 {
        if at == u32::MAX {
            return false;
        }
        if side::names_reviews(dom, at as usize) {
            return true;
        }
        at = dom.nodes[at as usize].parent;
    }
    false
}

fn has_date_class(dom: &Dom, i: usize) -> bool {
    let Some(el) = dom.element(i) else {
        return false;
    };
    let c = format!(
        "{} {}",
        el.attr("class").unwrap_or(""),
        el.attr("id").unwrap_or("")
    )
    .to_ascii_lowercase();
    c.contains("date") || c.contains("time") || c.contains("publish") || c.contains("posted")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The metadata of a made-up page, read as the extractor reads it.
    fn meta_of(html: &str) -> Meta {
        let doc = super::super::parse(html);
        let dom = Dom::build(&doc, 100_000);
        extract(&dom, None)
    }

    fn page(head: &str, body: &str) -> String {
        format!("<html><head>{head}</head><body><article>{body}</article></body></html>")
    }

    #[test]
    fn shown_date_beats_a_declared_one_the_page_never_prints() {
        let head = r#"<meta property="article:published_time" content="2021-03-04T02:10:00Z">"#;
        let byline = r#"<h1>A headline for the story</h1><p class="byline">By Ann Lee</p>
            <p class="post-date">March 3, 2021</p><p>Body text of the story goes here.</p>"#;
        let m = meta_of(&page(head, byline));
        assert_eq!(m.date.as_deref(), Some("2021-03-03"));
        assert_eq!(m.provenance.get("date").map(String::as_str), Some("byline"));

        // The declared day is printed somewhere: it stays.
        let both = format!("{byline}<p>First published 4 March 2021.</p>");
        let m = meta_of(&page(head, &both));
        assert_eq!(m.date.as_deref(), Some("2021-03-04T02:10:00Z"));
    }

    #[test]
    fn aggregator_domain_after_a_headline_goes() {
        assert_eq!(
            strip_link_domain("Kettle Makers Find New Markets (example.co.uk) 87"),
            "Kettle Makers Find New Markets"
        );
        assert_eq!(
            strip_link_domain("Kettle Makers Find New Markets (example.com)"),
            "Kettle Makers Find New Markets"
        );
        assert_eq!(
            strip_link_domain("Kettle Makers (Part 2)"),
            "Kettle Makers (Part 2)"
        );
    }

    #[test]
    fn short_tail_after_a_separator_goes() {
        assert_eq!(
            strip_short_tail("Mesh Office Chair | NBF"),
            "Mesh Office Chair"
        );
        assert_eq!(
            strip_short_tail("Rebuilding a Kettle Pipeline - Part 1"),
            "Rebuilding a Kettle Pipeline"
        );
        // Only the last part, and only a short one.
        assert_eq!(
            strip_short_tail("Kettles - A Guide | Long Name Of The Shop"),
            "Kettles - A Guide | Long Name Of The Shop"
        );
        // A one-word head is not a title without its tail.
        assert_eq!(strip_short_tail("Kettles | Acme"), "Kettles | Acme");
        // The sentence goes on.
        assert_eq!(
            strip_short_tail("Going vegan slowly – tips and tricks"),
            "Going vegan slowly – tips and tricks"
        );
        assert_eq!(
            strip_short_tail("Best Stand Mixers – My Favorites!"),
            "Best Stand Mixers – My Favorites!"
        );
        assert_eq!(strip_short_tail("Spider-Man Returns"), "Spider-Man Returns");
    }

    #[test]
    fn date_right_above_the_headline() {
        let body = r#"<div class="hero"><p>Last updated:</p><p>Dec 12, 2025</p>
            <h1>A headline for the story</h1></div><p>Body text of the story goes here.</p>"#;
        let m = meta_of(&page("", body));
        assert_eq!(m.date.as_deref(), Some("2025-12-12"));
        assert_eq!(
            m.provenance.get("date").map(String::as_str),
            Some("text-near-title")
        );
    }

    #[test]
    fn printed_iso_timestamp_in_a_date_element() {
        let body = r#"<h1>A headline for the story</h1><p>Body text of the story.</p>
            <div class="author"><span class="publication-time">2022-11-23T08:10+02:00</span></div>"#;
        let m = meta_of(&page("", body));
        assert_eq!(m.date.as_deref(), Some("2022-11-23T08:10:00+02:00"));
    }

    #[test]
    fn body_classes_do_not_hide_the_date() {
        // A <body> class naming a site-wide footer says nothing about the byline inside it.
        let html = r#"<html><head></head><body class="sticky-footer has-sidebar">
            <article><h1>A headline for the story</h1>
            <div class="meta"><time datetime="2024-04-02T10:20:00+00:00">April 2, 2024</time></div>
            <p>Body text of the story goes here.</p></article></body></html>"#;
        assert_eq!(
            meta_of(html).date.as_deref(),
            Some("2024-04-02T10:20:00+00:00")
        );
    }

    #[test]
    fn a_web_page_node_does_not_date_the_page() {
        let ld = |extra: &str| {
            format!(
                r#"<script type="application/ld+json">{{"@type": "WebPage", "name": "Kettle
                repair services", "datePublished": "2019-05-01T10:00:00Z"{extra}}}</script>"#
            )
        };
        let body = "<h1>Kettle repair services</h1><p>We repair kettles of all kinds.</p>";
        assert_eq!(meta_of(&page(&ld(""), body)).date, None);

        // The page prints the node's modification date: its publication date stands.
        let modified = r#", "dateModified": "2024-02-03T10:00:00Z""#;
        let body = r#"<h1>Kettle repair services</h1><p class="post-date">Updated February 3,
            2024</p><p>We repair kettles of all kinds.</p>"#;
        let m = meta_of(&page(&ld(modified), body));
        assert_eq!(m.date.as_deref(), Some("2019-05-01T10:00:00Z"));
    }

    #[test]
    fn review_dates_are_not_the_page_date() {
        let body = r#"<h1>Acme Kettle 2000</h1><p>A kettle that boils water.</p>
            <div class="reviews"><div class="review-card"><h4>Great kettle</h4>
            <div class="review-card__date">November 17th, 2021</div></div></div>"#;
        assert_eq!(meta_of(&page("", body)).date, None);
    }

    #[test]
    fn shown_modification_date_does_not_replace_publication() {
        let head = r#"<meta property="article:published_time" content="2020-01-10T09:00:00Z">
            <meta property="article:modified_time" content="2024-05-02T09:00:00Z">"#;
        let body = r#"<h1>A headline for the story</h1>
            <p class="post-date">Updated May 2, 2024</p><p>Body text of the story.</p>"#;
        let m = meta_of(&page(head, body));
        assert_eq!(m.date.as_deref(), Some("2020-01-10T09:00:00Z"));
    }

    #[test]
    fn core_title_drops_what_no_other_source_repeats() {
        let others = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        // A forum's prefix, cut by a colon.
        assert_eq!(
            core_title(
                "Thread: What do you look for in a web host?",
                &others(&["What do you look for in a web host? - Host Talk"])
            )
            .as_deref(),
            Some("What do you look for in a web host?")
        );
        // A kicker with no separator, when another source is exactly the rest.
        assert_eq!(
            core_title(
                "Dec 18 2025 Preparing a transition in Debusine",
                &others(&["Preparing a transition in Debusine"])
            )
            .as_deref(),
            Some("Preparing a transition in Debusine")
        );
        // A subtitle after a colon stays; so does a title another source only starts.
        assert_eq!(
            core_title(
                "Atomic Habits: An Easy Way to Build Good Habits",
                &others(&["Atomic Habits"])
            ),
            None
        );
        assert_eq!(
            core_title(
                "What is SEO (Search Engine Optimization)?",
                &others(&["What is SEO"])
            ),
            None
        );
    }

    #[test]
    fn short_h1_the_metadata_pads_is_the_name() {
        let clean = [Some("Buy Electric Guitars at Thomann")];
        assert!(h1_names_page("Electric Guitars", &clean, &[]));
        // The h1 repeats the site-name part of the raw title: the logo.
        let clean = [Some("What happened with Arch Linux ISO in 2024")];
        let raw = ["What happened with Arch Linux ISO in 2024 / Arch Discussion / Arch Linux"];
        assert!(!h1_names_page("Arch Linux", &clean, &raw));
    }

    #[test]
    fn title_choice() {
        let s = |t: &str| Some(t.to_string());
        // Nothing agrees with the h1: the <title> before og:title.
        let og = Some(("Build software better, together".to_string(), "og:title"));
        let (t, src) = choose_title(
            og,
            None,
            s("Search code, repositories"),
            s("Trending repositories on GitHub today"),
            false,
            false,
            false,
        );
        assert_eq!(t.as_deref(), Some("Trending repositories on GitHub today"));
        assert_eq!(src, "title");
        // A metadata title cut short with an ellipsis drops out.
        let og = Some((
            "Wedding Checklist Wedding Planning…".to_string(),
            "og:title",
        ));
        let (t, _) = choose_title(
            og,
            None,
            s("Wedding Checklist :: Printable"),
            None,
            false,
            false,
            false,
        );
        assert_eq!(t.as_deref(), Some("Wedding Checklist :: Printable"));
    }

    #[test]
    fn a_story_headline_that_rewords_the_metadata_title_wins() {
        let s = |t: &str| Some(t.to_string());
        let og = || {
            Some((
                "Top 11 Gaming Console Companies & Manufacturers".to_string(),
                "og:title",
            ))
        };
        let tag = || s("Top 11 Gaming Console Companies & Manufacturers");
        let h1 = "Top 11 Gaming Console Companies Driving Innovation Globally";
        let (t, src) = choose_title(og(), None, s(h1), tag(), false, true, true);
        assert_eq!((t.as_deref(), src.as_str()), (Some(h1), "h1"));
        // Not on a shop's or a service's page, whose h1 is a pitch.
        let (t, _) = choose_title(og(), None, s(h1), tag(), false, true, false);
        assert_ne!(t.as_deref(), Some(h1));
        // A blog's name shares no words and is too short to be a headline.
        assert!(!rewords("Playful Tones", "Reflections on a UI Pipeline"));
        assert!(!rewords(
            "Our thoughts on design",
            "Reflections on a UI Pipeline"
        ));
        assert!(rewords(
            "What is a Mobile Application?",
            "What is a Mobile App? [Definition + Types]"
        ));
        // Function words are no agreement.
        assert!(!rewords(
            "'Why Don't You Go Fight For The Reindeer?'",
            "The Early Reviews For Google's Stadia Gaming Platform Are Here"
        ));
    }

    #[test]
    fn mojibake_is_read_back_as_utf8() {
        assert_eq!(
            repair_mojibake("itertools \u{e2}\u{80}\u{94} Functions"),
            "itertools — Functions"
        );
        assert_eq!(
            repair_mojibake("It\u{e2}\u{20ac}\u{2122}s here"),
            "It’s here"
        );
        // Real Latin-1 and real UTF-8 stay as they are.
        assert_eq!(repair_mojibake("Café au lait"), "Café au lait");
        assert_eq!(repair_mojibake("Nörd Zero — 日本"), "Nörd Zero — 日本");
        let m = meta_of(&page(
            "<title>itertools \u{e2}\u{80}\u{94} Functions creating iterators</title>",
            "<h1>itertools \u{e2}\u{80}\u{94} Functions creating iterators\u{c2}\u{b6}</h1><p>x</p>",
        ));
        assert_eq!(
            m.title.as_deref(),
            Some("itertools — Functions creating iterators")
        );
    }

    #[test]
    fn a_short_h1_the_declared_title_carries_on_is_a_label() {
        assert!(extends_h1(
            "Pet Insurance",
            "Pet Insurance for Dogs & Cats",
            None
        ));
        // A separator ends the name: what follows is a tagline or the site.
        assert!(!extends_h1(
            "Marathon Training",
            "Marathon Training | For All Levels",
            None
        ));
        // The site's name after the h1 is not more of the page's name.
        assert!(!extends_h1(
            "Resume Writing",
            "Resume Writing by Employment Boost",
            Some("Employment Boost")
        ));
        assert!(!extends_h1("Pet Insurance", "Pet Insurance", None));
        let m = meta_of(&page(
            "<title>Pet Insurance for Dogs &amp; Cats | Progressive</title>\
             <meta property=\"og:title\" content=\"Pet Insurance for Dogs &amp; Cats\">",
            "<h1>Pet Insurance</h1><p>Cover for your pets.</p>",
        ));
        assert_eq!(m.title.as_deref(), Some("Pet Insurance for Dogs & Cats"));
        // Only when every metadata title starts with the h1.
        let m = meta_of(&page(
            "<title>Best Air Fryer Recipes to Make Tonight - Pinch</title>\
             <meta property=\"og:title\" content=\"Air Fryer Recipes Archives\">",
            "<h1>Air Fryer Recipes</h1><p>Crispy things.</p>",
        ));
        assert_eq!(m.title.as_deref(), Some("Air Fryer Recipes"));
    }

    #[test]
    fn a_domain_name_h1_is_the_logo() {
        assert!(is_domain_name("davidbau.com"));
        assert!(!is_domain_name("Vibe Coding"));
        assert!(!is_domain_name("Version 2.0"));
        assert_eq!(
            strip_affix("davidbau.com Vibe Coding", "davidbau.com"),
            "Vibe Coding"
        );
        assert_eq!(
            strip_affix("Vibe Coding | davidbau.com", "davidbau.com"),
            "Vibe Coding"
        );
        assert_eq!(strip_affix("davidbau.com", "davidbau.com"), "davidbau.com");
        let m = meta_of(&page(
            "<title>davidbau.com Vibe Coding</title>",
            "<h1>davidbau.com</h1><h2>December 16, 2025</h2><p>Some text.</p>",
        ));
        assert_eq!(m.title.as_deref(), Some("Vibe Coding"));
    }

    #[test]
    fn a_section_number_the_metadata_omits_goes() {
        let tag = ["Git - Branches in a Nutshell"];
        assert_eq!(
            strip_section_number("3.1 Git Branching - Branches in a Nutshell", &tag),
            "Git Branching - Branches in a Nutshell"
        );
        // Kept when the metadata title has it, and a plain count is the title's own.
        assert_eq!(
            strip_section_number("2.5 Million Jobs", &["2.5 Million Jobs | News"]),
            "2.5 Million Jobs"
        );
        assert_eq!(
            strip_section_number("5 Trends from 2025", &tag),
            "5 Trends from 2025"
        );
        assert_eq!(
            strip_section_number("5. Data Structures", &tag),
            "5. Data Structures"
        );
    }

    #[test]
    fn an_acronym_before_its_name_goes() {
        assert_eq!(
            strip_acronym("GNW - Gaming News Weekly"),
            "Gaming News Weekly"
        );
        assert_eq!(
            strip_acronym("NASA: New Moon Plans"),
            "NASA: New Moon Plans"
        );
        assert_eq!(strip_acronym("IBM - Cloud"), "IBM - Cloud");
    }

    #[test]
    fn a_one_word_side_must_be_the_h1() {
        let heads = |h: &str, h1: bool| vec![(h.to_string(), h1)];
        let t = "Git - git-commit Documentation";
        // "GIT" is the manual's last section, an h2.
        assert_eq!(strip_site_or_heading(t, None, &heads("GIT", false)), t);
        assert_eq!(strip_site_or_heading(t, None, &heads("Git", true)), "Git");
        assert_eq!(
            strip_site_or_heading("Sun Facts - Space Wiki", None, &heads("Sun Facts", false)),
            "Sun Facts"
        );
    }

    #[test]
    fn screen_reader_text_in_the_h1_is_not_its_title() {
        let m = meta_of(&page(
            "<meta property=\"og:title\" content=\"Shop Sennheiser at Headphones.com\">",
            "<h1><span class=\"visually-hidden\">Collection: </span>Sennheiser</h1><p>Headphones.</p>",
        ));
        assert_eq!(m.title.as_deref(), Some("Sennheiser"));
        // An h1 all of whose text is for screen readers keeps it.
        let doc = super::super::parse(&page(
            "",
            "<h1><span class=\"sr-only\">Ars Technica homepage</span></h1><p>x</p>",
        ));
        let dom = Dom::build(&doc, 100_000);
        let h = (0..dom.nodes.len())
            .find(|&i| dom.nodes[i].tag == Tag::H(1))
            .unwrap();
        assert_eq!(heading_text(&dom, h), "Ars Technica homepage");
    }

    #[test]
    fn an_h1_that_abridges_the_metadata_name_gives_way() {
        assert!(abridges(
            "Cybersecurity Services",
            "Cybersecurity Consulting Services | IBM"
        ));
        assert!(abridges("Barbecue Gaz", "Barbecue à gaz - Esprit Barbecue"));
        // Cut short is not abridged: "Bike Locks & Security" qualifies "Bike Locks".
        assert!(!abridges(
            "Bike Locks",
            "Bike Locks & Security | Master Lock"
        ));
        assert!(!abridges("Science", "Science News: Health, Space"));
        // Words after the first separator are not the name.
        assert!(!abridges("Pet Care", "Pet Insurance | Care for Dogs"));
        let m = meta_of(&page(
            "<title>Cybersecurity Consulting Services | IBM</title>\
             <meta property=\"og:title\" content=\"Cybersecurity Consulting Services | IBM\">",
            "<h1>Cybersecurity Services</h1><p>We protect you.</p>",
        ));
        assert_eq!(
            m.title.as_deref(),
            Some("Cybersecurity Consulting Services")
        );
    }

    #[test]
    fn a_tail_that_repeats_the_head_is_padding() {
        assert_eq!(
            strip_padding("Travel Insurance - Flight and Travel Insurance Quotes"),
            "Travel Insurance"
        );
        // One word is a label the tail explains, and a tail with new words stays.
        assert_eq!(
            strip_padding("json — JSON encoder and decoder"),
            "json — JSON encoder and decoder"
        );
        assert_eq!(
            strip_padding("Pet Insurance - Cover for Dogs"),
            "Pet Insurance - Cover for Dogs"
        );
    }

    #[test]
    fn a_heading_linking_home_names_the_site() {
        let m = meta_of(&page(
            "<title>Electrical - Overview | Occupational Safety and Health Administration</title>",
            "<h2><a href=\"/\">Occupational Safety and Health Administration</a></h2>\
             <h3>Electrical</h3><p>Hazards of electricity.</p>",
        ));
        assert_eq!(m.title.as_deref(), Some("Electrical - Overview"));
        // A heading linking elsewhere is no logo.
        let m = meta_of(&page(
            "<title>Electrical - Overview | Workplace Hazards Explained</title>",
            "<h2><a href=\"/hazards\">Workplace Hazards Explained</a></h2><p>x</p>",
        ));
        assert_ne!(m.title.as_deref(), Some("Electrical - Overview"));
    }

    #[test]
    fn strips_site_suffix() {
        assert_eq!(
            strip_site("Big news today | The Daily", Some("The Daily")),
            "Big news today"
        );
        assert_eq!(
            strip_site("The Daily - Big news today", Some("The Daily")),
            "Big news today"
        );
    }

    #[test]
    fn lang_tags() {
        assert_eq!(normalize_lang("en_us").as_deref(), Some("en-US"));
        assert_eq!(normalize_lang("zh-hant").as_deref(), Some("zh-Hant"));
        assert_eq!(normalize_lang("x"), None);
    }

    #[test]
    fn authors_are_cleaned() {
        assert_eq!(
            clean_authors(vec!["By Jane Doe and John Roe".into()]),
            vec!["Jane Doe", "John Roe"]
        );
    }
}
