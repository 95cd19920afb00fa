//! Attribute classification: each element's tag, role, class, id and ARIA hints mapped once
//! to a bit set of concepts (navigation, share bar, related block, comments, content...).

use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use super::dom::Tag;
use scraper::node::Element;

/// A set of concept bits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Concepts(pub u32);

macro_rules! concepts {
    ($($name:ident = $bit:expr;)*) => {
        impl Concepts {
            $(
                #[doc = concat!("Concept bit for ", stringify!($name), " hints.")]
                pub const $name: u32 = 1 << $bit;
            )*
        }
    };
}

concepts! {
    NAV = 0;
    FOOTER = 1;
    HEADER = 2;
    ASIDE = 3;
    SHARE = 4;
    RELATED = 5;
    COMMENT = 6;
    AD = 7;
    CONSENT = 8;
    NEWSLETTER = 9;
    PROMO = 10;
    BYLINE = 11;
    TAGS = 12;
    BREADCRUMB = 13;
    HIDDEN = 14;
    CONTENT = 15;
    CONTENT_WEAK = 16;
    DIALOG = 17;
    PAGINATION = 18;
    WIDGET = 19;
    BIO = 20;
    CAPTION = 21;
    META = 22;
    TEASER = 23;
    TITLE = 24;
    LOGIN = 25;
    SKIP = 26;
    SIDEBAR = 27;
    TOC = 28;
    COMMENT_STRONG = 29;
    NOSCRIPT = 30;
    BUTTON = 31;
}

impl Concepts {
    /// Whether any of `bits` is set.
    pub fn any(self, bits: u32) -> bool {
        self.0 & bits != 0
    }
}

/// Boilerplate concepts that remove a subtree from the article text.
pub const BOILERPLATE: u32 = Concepts::NAV
    | Concepts::FOOTER
    | Concepts::ASIDE
    | Concepts::SHARE
    | Concepts::RELATED
    | Concepts::COMMENT
    | Concepts::AD
    | Concepts::CONSENT
    | Concepts::NEWSLETTER
    | Concepts::PROMO
    | Concepts::TAGS
    | Concepts::BREADCRUMB
    | Concepts::HIDDEN
    | Concepts::DIALOG
    | Concepts::PAGINATION
    | Concepts::WIDGET
    | Concepts::BIO
    | Concepts::LOGIN
    | Concepts::SKIP
    | Concepts::SIDEBAR
    | Concepts::TOC;

/// Attributes whose values name what an element is, read as class-like names.
pub(crate) const NAME_ATTRIBUTES: &[&str] = &[
    "class",
    "id",
    "data-component",
    "data-module",
    "data-testid",
    "aria-label",
    "data-block",
    "data-type",
];

/// Concepts of each distinct class, id or label value seen on a page: pages repeat the same
/// few values on thousands of elements, so each is matched once.
#[derive(Default)]
pub struct NameCache<'a>(FxHashMap<&'a str, u32>);

impl<'a> NameCache<'a> {
    fn concepts(&mut self, v: &'a str) -> u32 {
        *self.0.entry(v).or_insert_with(|| name_concepts(v))
    }
}

/// Classifies one element.
pub fn classify<'a>(el: &'a Element, tag: Tag, names: &mut NameCache<'a>) -> Concepts {
    let mut bits = match tag {
        Tag::Nav => Concepts::NAV,
        Tag::Footer => Concepts::FOOTER,
        Tag::Header => Concepts::HEADER,
        Tag::Aside => Concepts::ASIDE,
        Tag::Figcaption | Tag::Caption => Concepts::CAPTION,
        Tag::Form => Concepts::LOGIN,
        _ => 0,
    };
    if el.name() == "noscript" {
        bits |= Concepts::NOSCRIPT;
    }
    if let Some(name) = Some(el.name()) {
        if name == "dialog" && el.attr("open").is_none() {
            bits |= Concepts::HIDDEN;
        }
    }
    let mut role_hidden = false;
    for (k, v) in el.attrs() {
        match k {
            "hidden" => role_hidden = true,
            // `aria-hidden` hides from screen readers, not from the eye. On links, paragraphs
            // and inline text it marks what sighted readers see twice or as a picture (a
            // teaser's summary link, "4.5 out of 5 stars"); on a container it usually goes
            // with a closed drawer, menu or carousel copy.
            "aria-hidden"
                if v.trim().eq_ignore_ascii_case("true")
                    && !matches!(tag, Tag::A | Tag::P | Tag::Inline) =>
            {
                role_hidden = true
            }
            "style" => {
                let s = v.to_ascii_lowercase();
                let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
                if s.contains("display:none") || s.contains("visibility:hidden") {
                    role_hidden = true;
                }
            }
            "role" => bits |= role_concepts(v),
            "itemprop" => {
                let v = v.to_ascii_lowercase();
                if v.contains("articlebody") || v == "text" || v.contains("reviewbody") {
                    bits |= Concepts::CONTENT;
                } else if v == "author" || v == "creator" {
                    bits |= Concepts::BYLINE;
                } else if v == "headline" || v == "name" && tag.is_heading() {
                    bits |= Concepts::TITLE;
                } else if v == "comment" {
                    bits |= Concepts::COMMENT;
                }
            }
            "itemtype" => {
                let v = v.to_ascii_lowercase();
                if v.ends_with("/comment") || v.ends_with("/usercomments") {
                    bits |= Concepts::COMMENT | Concepts::COMMENT_STRONG;
                } else if v.ends_with("/wpsidebar") {
                    bits |= Concepts::SIDEBAR;
                } else if v.ends_with("/wpfooter") {
                    bits |= Concepts::FOOTER;
                } else if v.ends_with("/wpheader") {
                    bits |= Concepts::HEADER;
                } else if v.ends_with("/sitenavigationelement") {
                    bits |= Concepts::NAV;
                }
            }
            k if NAME_ATTRIBUTES.contains(&k) => {
                bits |= names.concepts(v);
            }
            _ => {}
        }
    }
    if role_hidden {
        bits |= Concepts::HIDDEN;
    }
    // A custom element's name says what it is, as a class does: <site-footer>,
    // <cookie-banner>, <devsite-content-footer>.
    if el.name().contains('-') {
        bits |= names.concepts(el.name());
    }
    Concepts(bits)
}

fn role_concepts(v: &str) -> u32 {
    let v = v.trim().to_ascii_lowercase();
    match v.as_str() {
        "navigation" | "menu" | "menubar" => Concepts::NAV,
        "contentinfo" => Concepts::FOOTER,
        "banner" => Concepts::HEADER,
        "complementary" => Concepts::ASIDE,
        "dialog" | "alertdialog" => Concepts::DIALOG,
        "search" => Concepts::LOGIN,
        "main" | "article" => Concepts::CONTENT_WEAK,
        // Shown only while the pointer rests on its trigger.
        "tooltip" => Concepts::HIDDEN,
        _ => 0,
    }
}

/// Words that flag a concept when they appear anywhere inside a class or id.
const SUBSTRINGS: &[(&str, u32)] = &[
    ("related", Concepts::RELATED),
    ("relacionad", Concepts::RELATED),
    ("correlat", Concepts::RELATED),
    ("recommend", Concepts::RELATED),
    ("more-from", Concepts::RELATED),
    ("morefrom", Concepts::RELATED),
    ("more-stories", Concepts::RELATED),
    ("morestories", Concepts::RELATED),
    ("read-next", Concepts::RELATED),
    ("readnext", Concepts::RELATED),
    ("read-more", Concepts::RELATED),
    ("readmore", Concepts::RELATED),
    ("up-next", Concepts::RELATED),
    ("also-like", Concepts::RELATED),
    ("you-may-like", Concepts::RELATED),
    ("youmaylike", Concepts::RELATED),
    ("popular", Concepts::RELATED),
    ("trending", Concepts::RELATED),
    ("most-read", Concepts::RELATED),
    ("mostread", Concepts::RELATED),
    ("outbrain", Concepts::AD | Concepts::RELATED),
    ("taboola", Concepts::AD | Concepts::RELATED),
    ("zergnet", Concepts::AD | Concepts::RELATED),
    ("revcontent", Concepts::AD),
    ("mgid", Concepts::AD),
    ("recirc", Concepts::RELATED),
    ("yarpp", Concepts::RELATED),
    ("comment", Concepts::COMMENT),
    ("disqus", Concepts::COMMENT | Concepts::COMMENT_STRONG),
    ("discussion", Concepts::COMMENT),
    ("respond", Concepts::COMMENT),
    ("replies", Concepts::COMMENT),
    ("wpdiscuz", Concepts::COMMENT | Concepts::COMMENT_STRONG),
    ("share", Concepts::SHARE),
    ("sharing", Concepts::SHARE),
    ("social", Concepts::SHARE),
    ("sociable", Concepts::SHARE),
    ("addtoany", Concepts::SHARE),
    ("addthis", Concepts::SHARE),
    ("follow-us", Concepts::SHARE),
    ("cookie", Concepts::CONSENT),
    ("consent", Concepts::CONSENT),
    ("gdpr", Concepts::CONSENT),
    ("newsletter", Concepts::NEWSLETTER),
    ("subscribe", Concepts::NEWSLETTER),
    ("subscription-form", Concepts::NEWSLETTER),
    ("subscription-box", Concepts::NEWSLETTER),
    ("signup", Concepts::NEWSLETTER),
    ("sign-up", Concepts::NEWSLETTER),
    ("mailchimp", Concepts::NEWSLETTER),
    ("mc4wp", Concepts::NEWSLETTER),
    ("paywall", Concepts::PROMO),
    ("promo", Concepts::PROMO),
    ("sponsor", Concepts::AD),
    ("advert", Concepts::AD),
    ("adslot", Concepts::AD),
    ("ad-slot", Concepts::AD),
    ("adunit", Concepts::AD),
    ("ad-unit", Concepts::AD),
    ("ad-container", Concepts::AD),
    ("ad-wrapper", Concepts::AD),
    ("breadcrumb", Concepts::BREADCRUMB),
    ("navigation", Concepts::NAV),
    ("navbar", Concepts::NAV),
    ("sidebar", Concepts::SIDEBAR),
    ("footer", Concepts::FOOTER),
    ("masthead", Concepts::HEADER),
    ("byline", Concepts::BYLINE),
    ("author", Concepts::BYLINE),
    ("dateline", Concepts::BYLINE),
    ("pagination", Concepts::PAGINATION),
    ("pager", Concepts::PAGINATION),
    ("modal", Concepts::DIALOG),
    ("popup", Concepts::DIALOG),
    ("overlay", Concepts::DIALOG),
    ("caption", Concepts::CAPTION),
    // Photo credits ("image-and-copyright-container", "photo-credit").
    ("copyright", Concepts::CAPTION),
    ("credit", Concepts::CAPTION),
    ("skip-link", Concepts::SKIP),
    ("skiplink", Concepts::SKIP),
    ("skip-to", Concepts::SKIP),
    ("screen-reader", Concepts::SKIP),
    ("visually-hidden", Concepts::HIDDEN),
    ("visuallyhidden", Concepts::HIDDEN),
    ("sr-only", Concepts::HIDDEN),
    ("teaser", Concepts::TEASER),
    ("toolbar", Concepts::SHARE),
    ("tag-list", Concepts::TAGS),
    ("taglist", Concepts::TAGS),
    ("post-tags", Concepts::TAGS),
    ("article-tags", Concepts::TAGS),
    ("tagcloud", Concepts::TAGS),
    ("tag-cloud", Concepts::TAGS),
    ("hashtag", Concepts::TAGS),
    ("keywords", Concepts::TAGS),
    ("table-of-contents", Concepts::TOC),
    ("articlebody", Concepts::CONTENT),
    ("article-body", Concepts::CONTENT),
    ("article__body", Concepts::CONTENT),
    ("article-content", Concepts::CONTENT),
    ("article__content", Concepts::CONTENT),
    ("articlecontent", Concepts::CONTENT),
    ("article-text", Concepts::CONTENT),
    ("articletext", Concepts::CONTENT),
    ("entry-content", Concepts::CONTENT),
    ("entry-body", Concepts::CONTENT),
    ("post-content", Concepts::CONTENT),
    ("postcontent", Concepts::CONTENT),
    ("post-body", Concepts::CONTENT),
    ("postbody", Concepts::CONTENT),
    ("post-text", Concepts::CONTENT),
    ("story-body", Concepts::CONTENT),
    ("storybody", Concepts::CONTENT),
    ("story-content", Concepts::CONTENT),
    ("storycontent", Concepts::CONTENT),
    ("body-text", Concepts::CONTENT),
    ("bodytext", Concepts::CONTENT),
    ("main-content", Concepts::CONTENT_WEAK),
    ("maincontent", Concepts::CONTENT_WEAK),
    ("page-content", Concepts::CONTENT_WEAK),
    ("rich-text", Concepts::CONTENT_WEAK),
    ("richtext", Concepts::CONTENT_WEAK),
    ("prose", Concepts::CONTENT_WEAK),
    ("headline", Concepts::TITLE),
    ("entry-title", Concepts::TITLE),
    ("post-title", Concepts::TITLE),
    ("article-title", Concepts::TITLE),
    // Per-post user panels on forums ("Joined ... Messages 11,402") and signatures.
    ("userextras", Concepts::BIO),
    ("user-extras", Concepts::BIO),
    ("userstats", Concepts::BIO),
    ("user-stats", Concepts::BIO),
    ("member-stats", Concepts::BIO),
    ("postbit-extra", Concepts::BIO),
    ("signature", Concepts::BIO),
    ("login", Concepts::LOGIN),
    ("log-in", Concepts::LOGIN),
    ("signin", Concepts::LOGIN),
    ("sign-in", Concepts::LOGIN),
    // Tooltips and popovers: only their bodies hide (see `tip_body`), so no bit here.
    ("tooltip", 0),
    ("tool-tip", 0),
    ("popover", 0),
];

/// Words that flag a concept only as a whole token of a class or id.
const TOKENS: &[(&str, u32)] = &[
    ("nav", Concepts::NAV),
    ("menu", Concepts::NAV),
    ("menus", Concepts::NAV),
    ("topnav", Concepts::NAV),
    ("subnav", Concepts::NAV),
    ("ad", Concepts::AD),
    ("ads", Concepts::AD),
    ("adv", Concepts::AD),
    ("advertisement", Concepts::AD),
    ("dfp", Concepts::AD),
    ("gpt", Concepts::AD),
    ("tags", Concepts::TAGS),
    ("tag", Concepts::TAGS),
    ("topics", Concepts::TAGS),
    ("categories", Concepts::TAGS),
    ("meta", Concepts::META),
    ("bio", Concepts::BIO),
    ("hidden", Concepts::HIDDEN),
    ("hide", Concepts::HIDDEN),
    ("d-none", Concepts::HIDDEN),
    ("noprint", Concepts::SKIP),
    ("print", Concepts::SKIP),
    ("header", Concepts::HEADER),
    ("aside", Concepts::ASIDE),
    ("rail", Concepts::SIDEBAR),
    ("widget", Concepts::WIDGET),
    ("widgets", Concepts::WIDGET),
    ("banner", Concepts::PROMO),
    ("widget-area", Concepts::WIDGET),
    ("widget_area", Concepts::WIDGET),
    ("toc", Concepts::TOC),
    ("content", Concepts::CONTENT_WEAK),
    ("main", Concepts::CONTENT_WEAK),
    ("article", Concepts::CONTENT_WEAK),
    ("post", Concepts::CONTENT_WEAK),
    ("entry", Concepts::CONTENT_WEAK),
    ("story", Concepts::CONTENT_WEAK),
    ("text", Concepts::CONTENT_WEAK),
    ("body", Concepts::CONTENT_WEAK),
    ("hentry", Concepts::CONTENT_WEAK),
    ("h-entry", Concepts::CONTENT_WEAK),
    ("e-content", Concepts::CONTENT),
    ("fulltext", Concepts::CONTENT),
    ("title", Concepts::TITLE),
    ("about-author", Concepts::BIO),
    ("author-bio", Concepts::BIO),
    ("authorbio", Concepts::BIO),
    ("author-box", Concepts::BIO),
    ("wp-caption-text", Concepts::CAPTION),
    ("button", Concepts::BUTTON),
    ("btn", Concepts::BUTTON),
];

/// One automaton over all substring patterns, built on first use.
fn substring_matcher() -> &'static aho_corasick::AhoCorasick {
    static AC: OnceLock<aho_corasick::AhoCorasick> = OnceLock::new();
    AC.get_or_init(|| {
        // A DFA: built once, and the fastest to run over the many class strings of a page.
        aho_corasick::AhoCorasick::builder()
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(SUBSTRINGS.iter().map(|(p, _)| p))
            .expect("static patterns")
    })
}

fn token_table() -> &'static FxHashMap<&'static str, u32> {
    static T: OnceLock<FxHashMap<&'static str, u32>> = OnceLock::new();
    T.get_or_init(|| {
        let mut m: FxHashMap<&'static str, u32> = FxHashMap::default();
        for (k, b) in TOKENS {
            *m.entry(k).or_default() |= b;
        }
        m
    })
}

/// CSS display values that responsive utility classes switch on.
const DISPLAYS: &[&str] = &[
    "block",
    "flex",
    "grid",
    "inline",
    "inline-block",
    "inline-flex",
    "table",
    "contents",
];
/// Breakpoint names below desktop width.
const SMALL_BREAKPOINTS: &[&str] = &[
    "xs", "sm", "md", "mobile", "phone", "tablet", "small", "touch", "print",
];

/// Whether a class token switches something else on or off ("hide-read-more-ad",
/// "has-sidebar", "no-ads") rather than naming its element; "hide-desktop" still hides it.
fn is_modifier(tok: &str) -> bool {
    // A BEM modifier naming a part of the block ("field--label-hidden": the field's label
    // is hidden, the field is on show).
    if let Some(head) = tok
        .strip_suffix("hidden")
        .or_else(|| tok.strip_suffix("hide"))
    {
        if let Some((_, part)) = head.rsplit_once("--") {
            if part.ends_with(['-', '_']) && !part.trim_matches(['-', '_']).is_empty() {
                return true;
            }
        }
    }
    // Drupal 7's "field-label-hidden": the field's label is hidden, the field is on show.
    if tok.contains("-label-hid") && !tok.starts_with("label") {
        return true;
    }
    // "quick-add-hidden", "quickview-hidden": left out of the shop's quick-view popup, on
    // show on the product page itself.
    if tok.starts_with("quick") && tok.ends_with("-hidden") {
        return true;
    }
    let mut parts = tok.split(['-', '_']);
    let first = parts.next().unwrap_or("");
    // "no-js-hidden" shows its element only once scripts run: a variant picker or a price the
    // script fills in, left out (kept, wcxb loses 0.25 on one shop page).
    if !MODIFIER_VERBS.contains(&first) || tok.ends_with("hidden") {
        return false;
    }
    let mut rest = parts.filter(|p| !p.is_empty()).peekable();
    rest.peek().is_some()
        && rest.any(|p| !SMALL_BREAKPOINTS.contains(&p) && !LARGE_SCREENS.contains(&p))
}

/// First words of modifier class tokens.
const MODIFIER_VERBS: &[&str] = &["hide", "hidden", "no", "has", "with", "without", "show"];

/// Screen words that, after "hide-", say where the element itself is hidden.
const LARGE_SCREENS: &[&str] = &[
    "on", "for", "lg", "xl", "xxl", "large", "desktop", "up", "down",
];

fn name_concepts(v: &str) -> u32 {
    let mut bits = 0;
    let lower = v.to_ascii_lowercase();
    let table = token_table();
    // Responsive utilities ("hidden lg:flex", "d-none d-md-block") show the element on a
    // desktop screen, which is the page the reader sees.
    let mut shown_on_desktop = false;
    for tok in lower.split(|c: char| c.is_ascii_whitespace()) {
        if tok.is_empty() {
            continue;
        }
        if let Some((_, display)) = tok.split_once(':') {
            shown_on_desktop |= DISPLAYS.contains(&display);
        }
        if let Some(rest) = tok.strip_prefix("d-") {
            shown_on_desktop |= rest
                .split_once('-')
                .is_some_and(|(bp, d)| SMALL_BREAKPOINTS.contains(&bp) && DISPLAYS.contains(&d));
        }
        // Whole token, then its parts split on - and _ (BEM and utility names).
        if let Some(b) = table.get(tok) {
            bits |= b;
        }
        // "hide-read-more-ad", "no-sidebar", "has-ads": a modifier about something inside
        // or beside the element, not what the element is.
        if is_modifier(tok) {
            continue;
        }
        for m in substring_matcher().find_overlapping_iter(tok) {
            let (word, b) = SUBSTRINGS[m.pattern().as_usize()];
            bits |= b;
            if b == 0 && tip_body(word, &tok[m.end()..]) {
                bits |= Concepts::HIDDEN;
            }
        }
        // "overflow-hidden" clips what spills out of a box that is itself on show.
        if tok.contains(['-', '_']) && !tok.contains("overflow") {
            let (mut small, mut up, mut media_rule) = (false, false, false);
            for p in tok.split(['-', '_']) {
                small |= SMALL_BREAKPOINTS.contains(&p);
                up |= p == "up";
                media_rule |= matches!(p, "hide" | "hidden" | "show" | "visible" | "only" | "no");
            }
            // "hidden-md-up" and "hidden-up-md" hide from that width up, the desktop too.
            let small = small && !up;
            // "hide-on-print", "visible-print" (media_rule): a rule for the printed page, not a
            // print button.
            let mut parts = tok.split(['-', '_']).peekable();
            while let Some(part) = parts.next() {
                let last = parts.peek().is_none();
                if media_rule && part == "print" {
                    continue;
                }
                if let Some(b) = table.get(part) {
                    // Parts flag only the structural concepts, not the content hints,
                    // so that "post-meta" does not read as content.
                    let mut b = b & !(Concepts::CONTENT_WEAK | Concepts::TITLE);
                    // "post-tags" is a tag strip; "tag-dinosaurs" is a taxonomy class that
                    // WordPress puts on every post.
                    if !last {
                        b &= !Concepts::TAGS;
                    }
                    // "hidden-xs", "is-hidden-mobile": hidden on small screens only.
                    if small {
                        b &= !Concepts::HIDDEN;
                    }
                    // Elementor calls every block of a page a widget ("elementor-widget-
                    // text-editor"); its sidebars are named as such.
                    if tok.starts_with("elementor") {
                        b &= !Concepts::WIDGET;
                    }
                    bits |= b;
                }
            }
        }
    }
    if shown_on_desktop {
        bits &= !Concepts::HIDDEN;
    }
    // "author-bio"-style boxes are bios, not bylines.
    if bits & Concepts::BIO != 0 {
        bits &= !Concepts::BYLINE;
    }
    bits
}

/// Whether a class names the body of a tooltip or popover ("tool-tip__content",
/// "tooltiptext", "popover-body"): text shown only while the pointer rests on its trigger.
/// `word` is the tooltip word the class holds, `rest` what follows it. The trigger itself
/// ("has-tooltip", "tooltip-trigger", "tool-tip-source") is on show.
fn tip_body(word: &str, rest: &str) -> bool {
    matches!(word, "tooltip" | "tool-tip" | "popover")
        && ["content", "text", "body", "inner", "bio"]
            .iter()
            .any(|b| rest.contains(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tooltip_bodies_hide_but_triggers_show() {
        for body in [
            "tool-tip__content",
            "tooltiptext",
            "popover-body",
            "s-popover--content",
        ] {
            assert!(name_concepts(body) & Concepts::HIDDEN != 0, "{body}");
        }
        for trigger in [
            "has-tooltip",
            "tooltip-trigger",
            "tool-tip-source",
            "popover",
        ] {
            assert!(name_concepts(trigger) & Concepts::HIDDEN == 0, "{trigger}");
        }
    }

    #[test]
    fn names_map_to_concepts() {
        assert!(name_concepts("related-posts") & Concepts::RELATED != 0);
        assert!(name_concepts("jp-relatedposts") & Concepts::RELATED != 0);
        assert!(name_concepts("site-nav") & Concepts::NAV != 0);
        assert!(name_concepts("canvas") & Concepts::NAV == 0);
        assert!(name_concepts("entry-content") & Concepts::CONTENT != 0);
        assert!(name_concepts("ad") & Concepts::AD != 0);
        assert!(name_concepts("header-ad") & Concepts::AD != 0);
        assert!(name_concepts("shadow") & Concepts::AD == 0);
        assert!(name_concepts("post tag-dinosaurs category-science") & Concepts::TAGS == 0);
        assert!(name_concepts("entry-tags") & Concepts::TAGS != 0);
        assert!(name_concepts("hidden lg:flex") & Concepts::HIDDEN == 0);
        assert!(name_concepts("d-none d-md-block") & Concepts::HIDDEN == 0);
        assert!(name_concepts("hidden-xs") & Concepts::HIDDEN == 0);
        assert!(name_concepts("hidden-down-md") & Concepts::HIDDEN == 0);
        assert!(name_concepts("hidden-up-md") & Concepts::HIDDEN != 0);
        assert!(name_concepts("hidden-md-up") & Concepts::HIDDEN != 0);
        assert!(name_concepts("hidden") & Concepts::HIDDEN != 0);
        assert!(name_concepts("relative overflow-hidden") & Concepts::HIDDEN == 0);
        assert!(name_concepts("field field--label-hidden") & Concepts::HIDDEN == 0);
        assert!(name_concepts("field field-name-body field-label-hidden") & Concepts::HIDDEN == 0);
        assert!(name_concepts("label-hidden") & Concepts::HIDDEN != 0);
        assert!(name_concepts("stepped--hide") & Concepts::HIDDEN != 0);
        assert!(name_concepts("hide-on-print") == 0);
        assert!(name_concepts("elementor-widget-wrap elementor-element-populated") == 0);
        assert!(name_concepts("widget widget_recent_entries") & Concepts::WIDGET != 0);
        assert!(name_concepts("product__description rte quick-add-hidden") & Concepts::HIDDEN == 0);
        assert!(name_concepts("hidden-print") == 0);
        assert!(name_concepts("print-button") & Concepts::SKIP != 0);
        assert!(name_concepts("qu-overflow--hidden") & Concepts::HIDDEN == 0);
        assert!(name_concepts("hide-desktop") & Concepts::HIDDEN != 0);
        assert!(name_concepts("no-js-hidden") & Concepts::HIDDEN != 0);
        assert!(name_concepts("grid hide-read-more-ad") & (Concepts::HIDDEN | Concepts::AD) == 0);
        assert!(name_concepts("page has-sidebar") & Concepts::SIDEBAR == 0);
    }
}
