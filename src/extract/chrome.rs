//! Chrome detection: which subtrees are navigation, share bars, related-article blocks,
//! comment sections, promos and other boilerplate, and why.

use super::classify::{Concepts, BOILERPLATE};
use super::dom::{Dom, Tag};

/// Why a subtree was left out of `text` (or moved to another field).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// Removed as hidden.
    Hidden,
    /// Removed as navigation.
    Navigation,
    /// Removed as header.
    Header,
    /// Removed as footer.
    Footer,
    /// Removed as sidebar.
    Sidebar,
    /// Removed as share.
    Share,
    /// Removed as related.
    Related,
    /// Removed as comments.
    Comments,
    /// Removed as ad.
    Ad,
    /// Removed as consent.
    Consent,
    /// Removed as newsletter.
    Newsletter,
    /// Removed as promo.
    Promo,
    /// Removed as tags.
    Tags,
    /// Removed as byline.
    Byline,
    /// Removed as bio.
    Bio,
    /// Removed as form.
    Form,
    /// Removed as title.
    Title,
    /// Removed as link dense.
    LinkDense,
    /// Removed as boilerplate.
    Boilerplate,
    /// Removed as caption.
    Caption,
    /// Removed as kicker.
    Kicker,
    /// Removed as a UI control: a button-styled link, a heading's permalink anchor.
    Control,
    /// Removed as a modal dialog (`role="dialog"` with `aria-modal="true"`): a policy text,
    /// size guide or sign-up box that opens over the page, not the page itself.
    Dialog,
    /// Removed as a word-for-word copy of the block before it (a responsive layout's copy for
    /// another screen, a carousel's cloned slide) or of an earlier block of the content (a
    /// reply's quotation of an earlier post, a layout's second copy of a section).
    Duplicate,
    /// Removed with the rest of the content: what was left (a few labels, prices or an
    /// address, no sentence) is too little to be the page's main content.
    Fragments,
    /// A hidden store of values for the page's scripts, mostly URLs (image paths, price
    /// tiers): data, however big, not text a reader is shown.
    Data,
}

impl Reason {
    /// Short name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Hidden => "hidden",
            Reason::Navigation => "navigation",
            Reason::Header => "header",
            Reason::Footer => "footer",
            Reason::Sidebar => "sidebar",
            Reason::Share => "share",
            Reason::Related => "related",
            Reason::Comments => "comments",
            Reason::Ad => "ad",
            Reason::Consent => "consent",
            Reason::Newsletter => "newsletter",
            Reason::Promo => "promo",
            Reason::Tags => "tags",
            Reason::Byline => "byline",
            Reason::Bio => "author-bio",
            Reason::Form => "form",
            Reason::Title => "title",
            Reason::LinkDense => "link-dense",
            Reason::Boilerplate => "boilerplate-phrase",
            Reason::Caption => "caption",
            Reason::Kicker => "kicker",
            Reason::Control => "control",
            Reason::Dialog => "dialog",
            Reason::Duplicate => "duplicate",
            Reason::Fragments => "fragments",
            Reason::Data => "data",
        }
    }
}

/// What a section heading announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeadingKind {
    /// A heading that opens a related section.
    Related,
    /// A heading that opens a comments section.
    Comments,
    /// A heading that opens a share section.
    Share,
    /// A heading that opens a newsletter section.
    Newsletter,
    /// A heading that opens a tags section.
    Tags,
    /// A heading that opens a bio section.
    Bio,
}

/// Normalised section titles ("Related articles", "Kommentare", "関連記事"...), several languages.
const HEADINGS: &[(&str, HeadingKind)] = &[
    ("related", HeadingKind::Related),
    ("related articles", HeadingKind::Related),
    ("related stories", HeadingKind::Related),
    ("related posts", HeadingKind::Related),
    ("related news", HeadingKind::Related),
    ("related content", HeadingKind::Related),
    ("related coverage", HeadingKind::Related),
    ("related reading", HeadingKind::Related),
    ("related topics", HeadingKind::Tags),
    ("more from", HeadingKind::Related),
    ("more on this", HeadingKind::Related),
    ("more on this story", HeadingKind::Related),
    ("more on this topic", HeadingKind::Related),
    ("more stories", HeadingKind::Related),
    ("more news", HeadingKind::Related),
    ("more articles", HeadingKind::Related),
    ("more to read", HeadingKind::Related),
    ("more to explore", HeadingKind::Related),
    ("more like this", HeadingKind::Related),
    ("more reading", HeadingKind::Related),
    ("read next", HeadingKind::Related),
    ("read more", HeadingKind::Related),
    ("read also", HeadingKind::Related),
    ("also read", HeadingKind::Related),
    ("keep reading", HeadingKind::Related),
    ("continue reading", HeadingKind::Related),
    ("up next", HeadingKind::Related),
    ("what to read next", HeadingKind::Related),
    ("recommended", HeadingKind::Related),
    ("recommended for you", HeadingKind::Related),
    ("recommended articles", HeadingKind::Related),
    ("recommended stories", HeadingKind::Related),
    ("recommended reading", HeadingKind::Related),
    ("you may also like", HeadingKind::Related),
    ("you might also like", HeadingKind::Related),
    ("you may like", HeadingKind::Related),
    ("you might like", HeadingKind::Related),
    ("you may be interested in", HeadingKind::Related),
    ("you might be interested in", HeadingKind::Related),
    ("we recommend", HeadingKind::Related),
    ("don't miss", HeadingKind::Related),
    ("dont miss", HeadingKind::Related),
    ("trending", HeadingKind::Related),
    ("trending now", HeadingKind::Related),
    ("trending stories", HeadingKind::Related),
    ("most popular", HeadingKind::Related),
    ("most read", HeadingKind::Related),
    ("most viewed", HeadingKind::Related),
    ("popular", HeadingKind::Related),
    ("popular posts", HeadingKind::Related),
    ("popular articles", HeadingKind::Related),
    ("popular stories", HeadingKind::Related),
    ("latest", HeadingKind::Related),
    ("latest news", HeadingKind::Related),
    ("latest stories", HeadingKind::Related),
    ("latest articles", HeadingKind::Related),
    ("latest posts", HeadingKind::Related),
    ("recent posts", HeadingKind::Related),
    ("recent articles", HeadingKind::Related),
    ("see also", HeadingKind::Related),
    ("further reading", HeadingKind::Related),
    ("editor's picks", HeadingKind::Related),
    ("editors picks", HeadingKind::Related),
    ("top stories", HeadingKind::Related),
    ("in case you missed it", HeadingKind::Related),
    ("around the web", HeadingKind::Related),
    ("from the web", HeadingKind::Related),
    ("sponsored stories", HeadingKind::Related),
    ("promoted stories", HeadingKind::Related),
    ("mehr zum thema", HeadingKind::Related),
    ("das könnte sie auch interessieren", HeadingKind::Related),
    ("das koennte sie auch interessieren", HeadingKind::Related),
    ("lesen sie auch", HeadingKind::Related),
    ("weitere artikel", HeadingKind::Related),
    ("meistgelesen", HeadingKind::Related),
    ("à lire aussi", HeadingKind::Related),
    ("a lire aussi", HeadingKind::Related),
    ("lire aussi", HeadingKind::Related),
    ("sur le même sujet", HeadingKind::Related),
    ("vous aimerez aussi", HeadingKind::Related),
    ("les plus lus", HeadingKind::Related),
    ("te puede interesar", HeadingKind::Related),
    ("noticias relacionadas", HeadingKind::Related),
    ("lo más leído", HeadingKind::Related),
    ("lo mas leido", HeadingKind::Related),
    ("artículos relacionados", HeadingKind::Related),
    ("leggi anche", HeadingKind::Related),
    ("articoli correlati", HeadingKind::Related),
    ("potrebbe interessarti", HeadingKind::Related),
    ("leia também", HeadingKind::Related),
    ("leia mais", HeadingKind::Related),
    ("você pode gostar", HeadingKind::Related),
    ("você também pode gostar", HeadingKind::Related),
    ("você pode se interessar", HeadingKind::Related),
    ("posts relacionados", HeadingKind::Related),
    ("artigos relacionados", HeadingKind::Related),
    ("matérias relacionadas", HeadingKind::Related),
    ("notícias relacionadas", HeadingKind::Related),
    ("relacionados", HeadingKind::Related),
    ("mais lidas", HeadingKind::Related),
    ("últimas notícias", HeadingKind::Related),
    ("ver también", HeadingKind::Related),
    ("también te puede interesar", HeadingKind::Related),
    ("más noticias", HeadingKind::Related),
    ("relacionadas", HeadingKind::Related),
    ("ähnliche artikel", HeadingKind::Related),
    ("auch interessant", HeadingKind::Related),
    ("weitere nachrichten", HeadingKind::Related),
    ("dazu passend", HeadingKind::Related),
    ("articles similaires", HeadingKind::Related),
    ("à lire également", HeadingKind::Related),
    ("dans la même rubrique", HeadingKind::Related),
    ("potrebbe interessarti anche", HeadingKind::Related),
    ("ti potrebbe interessare", HeadingKind::Related),
    ("altri articoli", HeadingKind::Related),
    ("zie ook", HeadingKind::Related),
    ("meer nieuws", HeadingKind::Related),
    ("przeczytaj też", HeadingKind::Related),
    ("czytaj też", HeadingKind::Related),
    ("другие новости", HeadingKind::Related),
    ("по теме", HeadingKind::Related),
    ("читайте также", HeadingKind::Related),
    ("смотрите также", HeadingKind::Related),
    ("おすすめ記事", HeadingKind::Related),
    ("人気記事", HeadingKind::Related),
    ("こちらもおすすめ", HeadingKind::Related),
    ("あわせて読みたい", HeadingKind::Related),
    ("相关阅读", HeadingKind::Related),
    ("相关新闻", HeadingKind::Related),
    ("관련 기사", HeadingKind::Related),
    ("관련기사", HeadingKind::Related),
    ("veja também", HeadingKind::Related),
    ("lees ook", HeadingKind::Related),
    ("gerelateerde artikelen", HeadingKind::Related),
    ("czytaj także", HeadingKind::Related),
    ("zobacz też", HeadingKind::Related),
    ("polecane", HeadingKind::Related),
    ("читайте также", HeadingKind::Related),
    ("похожие статьи", HeadingKind::Related),
    ("похожие новости", HeadingKind::Related),
    ("läs också", HeadingKind::Related),
    ("læs også", HeadingKind::Related),
    ("ilgili haberler", HeadingKind::Related),
    ("関連記事", HeadingKind::Related),
    ("関連ニュース", HeadingKind::Related),
    ("相关文章", HeadingKind::Related),
    ("推荐阅读", HeadingKind::Related),
    ("相關文章", HeadingKind::Related),
    ("comments", HeadingKind::Comments),
    ("comment", HeadingKind::Comments),
    ("reader comments", HeadingKind::Comments),
    ("leave a reply", HeadingKind::Comments),
    ("leave a comment", HeadingKind::Comments),
    ("post a comment", HeadingKind::Comments),
    ("add a comment", HeadingKind::Comments),
    ("add comment", HeadingKind::Comments),
    ("join the discussion", HeadingKind::Comments),
    ("join the conversation", HeadingKind::Comments),
    ("discussion", HeadingKind::Comments),
    ("have your say", HeadingKind::Comments),
    ("responses", HeadingKind::Comments),
    ("replies", HeadingKind::Comments),
    ("kommentare", HeadingKind::Comments),
    ("kommentar", HeadingKind::Comments),
    ("commentaires", HeadingKind::Comments),
    ("comentarios", HeadingKind::Comments),
    ("commenti", HeadingKind::Comments),
    ("comentários", HeadingKind::Comments),
    ("reacties", HeadingKind::Comments),
    ("komentarze", HeadingKind::Comments),
    ("комментарии", HeadingKind::Comments),
    ("コメント", HeadingKind::Comments),
    ("评论", HeadingKind::Comments),
    ("share", HeadingKind::Share),
    ("share this", HeadingKind::Share),
    ("share this article", HeadingKind::Share),
    ("share this story", HeadingKind::Share),
    ("share this post", HeadingKind::Share),
    ("share on", HeadingKind::Share),
    ("follow us", HeadingKind::Share),
    ("teilen", HeadingKind::Share),
    ("partager", HeadingKind::Share),
    ("compartir", HeadingKind::Share),
    ("newsletter", HeadingKind::Newsletter),
    ("subscribe", HeadingKind::Newsletter),
    ("sign up", HeadingKind::Newsletter),
    ("sign up for our newsletter", HeadingKind::Newsletter),
    ("subscribe to our newsletter", HeadingKind::Newsletter),
    ("get our newsletter", HeadingKind::Newsletter),
    ("stay informed", HeadingKind::Newsletter),
    ("stay in the loop", HeadingKind::Newsletter),
    ("tags", HeadingKind::Tags),
    ("tagged", HeadingKind::Tags),
    ("topics", HeadingKind::Tags),
    ("hashtags", HeadingKind::Tags),
    ("filed under", HeadingKind::Tags),
    ("categories", HeadingKind::Tags),
    ("schlagwörter", HeadingKind::Tags),
    ("about the author", HeadingKind::Bio),
    ("about the authors", HeadingKind::Bio),
    ("über den autor", HeadingKind::Bio),
    ("à propos de l'auteur", HeadingKind::Bio),
];

/// Lowercases, drops counts and punctuation: "3 Comments:" -> "comments".
pub fn normalize_heading(s: &str) -> String {
    let lower = s.to_lowercase();
    let mut out = String::with_capacity(lower.len());
    let mut space = true;
    for c in lower.chars() {
        if c.is_alphabetic() || c == '\'' || c == '’' {
            out.push(if c == '’' { '\'' } else { c });
            space = false;
        } else if !space {
            out.push(' ');
            space = true;
        }
    }
    out.trim().to_string()
}

/// Classifies a short heading's text, if it announces a chrome section.
pub fn heading_kind(text: &str) -> Option<HeadingKind> {
    if text.chars().count() > 60 {
        return None;
    }
    let n = normalize_heading(text);
    if n.is_empty() || n.split(' ').count() > 7 {
        return None;
    }
    if let Some((_, k)) = HEADINGS.iter().find(|(h, _)| *h == n) {
        return Some(*k);
    }
    // Prefix forms: "More from The Times", "Related: ...", "Comments (12)".
    for (h, k) in HEADINGS {
        if n.starts_with(h)
            && n[h.len()..].starts_with(' ')
            && matches!(k, HeadingKind::Related)
            && h.contains(' ')
        {
            return Some(*k);
        }
    }
    if n.ends_with(" comments") || n.ends_with(" responses") || n.ends_with(" replies") {
        let first = n.split(' ').next().unwrap_or("");
        if n.split(' ').count() <= 3
            && (first == "no"
                || first == "one"
                || first == "reader"
                || first == "all"
                || first == "show"
                || first == "view")
        {
            return Some(HeadingKind::Comments);
        }
    }
    if text
        .trim_start()
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit())
    {
        let rest = normalize_heading(text);
        if matches!(
            rest.as_str(),
            "comments"
                | "comment"
                | "responses"
                | "replies"
                | "thoughts on"
                | "kommentare"
                | "commentaires"
                | "comentarios"
        ) || rest.starts_with("thoughts on ")
            || rest.starts_with("responses to ")
            || rest.starts_with("comments on ")
        {
            return Some(HeadingKind::Comments);
        }
    }
    None
}

/// Maps concept bits to the reason a subtree is dropped, strongest first.
pub fn concept_reason(bits: u32) -> Option<Reason> {
    const ORDER: &[(u32, Reason)] = &[
        (Concepts::HIDDEN, Reason::Hidden),
        (Concepts::COMMENT, Reason::Comments),
        (Concepts::RELATED, Reason::Related),
        (Concepts::CONSENT, Reason::Consent),
        (Concepts::NAV, Reason::Navigation),
        (Concepts::BREADCRUMB, Reason::Navigation),
        (Concepts::SKIP, Reason::Navigation),
        (Concepts::PAGINATION, Reason::Navigation),
        (Concepts::TOC, Reason::Navigation),
        (Concepts::FOOTER, Reason::Footer),
        (Concepts::ASIDE, Reason::Sidebar),
        (Concepts::SIDEBAR, Reason::Sidebar),
        (Concepts::SHARE, Reason::Share),
        (Concepts::AD, Reason::Ad),
        (Concepts::NEWSLETTER, Reason::Newsletter),
        (Concepts::PROMO, Reason::Promo),
        (Concepts::DIALOG, Reason::Promo),
        (Concepts::WIDGET, Reason::Sidebar),
        (Concepts::TAGS, Reason::Tags),
        (Concepts::BIO, Reason::Bio),
        (Concepts::LOGIN, Reason::Form),
    ];
    if bits & BOILERPLATE == 0 {
        return None;
    }
    ORDER.iter().find(|(b, _)| bits & b != 0).map(|(_, r)| *r)
}

/// Finds the section a chrome heading introduces: the highest ancestor whose text starts with
/// the heading and that holds no protected node; `None` when the heading is mid-container.
pub fn heading_section(dom: &Dom, h: usize, protected: &[bool], max_chars: u32) -> Option<usize> {
    let hstart = dom.nodes[h].text_start;
    let mut cur = h;
    let mut best = None;
    for _ in 0..6 {
        let p = dom.nodes[cur].parent;
        if p == u32::MAX {
            break;
        }
        let p = p as usize;
        let pn = &dom.nodes[p];
        if protected[p] || matches!(pn.tag, Tag::Body | Tag::Html) || pn.chars > max_chars {
            break;
        }
        let lead = dom.text[pn.text_start as usize..hstart as usize].trim();
        if !lead.is_empty() {
            break;
        }
        best = Some(p);
        cur = p;
    }
    best
}

/// Phrases that mark a short block as boilerplate wherever it appears.
const BOILER_PHRASES: &[&str] = &[
    "all rights reserved",
    "sign up for our newsletter",
    "subscribe to our newsletter",
    "sign up for the",
    "click here to subscribe",
    "share this article",
    "share this story",
    "share on facebook",
    "share on twitter",
    "follow us on",
    "this website uses cookies",
    "we use cookies",
    "accept cookies",
    "cookie policy",
    "privacy policy",
    "terms of use",
    "terms of service",
    "skip to content",
    "skip to main content",
    "advertisement",
    "sponsored content",
    "try our ai",
    "download our app",
    "get the app",
    "listen to this article",
    "reading time",
    "min read",
    "image source",
    "getty images",
    "related:",
    "read more:",
    "see also:",
    "also read:",
    "click here",
    "log in to comment",
    "leave a comment",
    "view comments",
    "back to top",
    "print this article",
    "email this",
    "copyright ©",
    "©",
];

/// True when a short block's text reads as boilerplate ("Share this article", "© 2024 ...").
pub fn boiler_phrase(text: &str) -> bool {
    let n = text.chars().count();
    if n == 0 || n > 120 {
        return false;
    }
    let lower = text.to_lowercase();
    BOILER_PHRASES.iter().any(|p| {
        if matches!(
            *p,
            "©" | "copyright ©" | "advertisement" | "min read" | "reading time"
        ) {
            // Anchored forms only: a sentence mentioning these is not chrome.
            lower.starts_with(p) || lower.trim_end_matches('.').ends_with(p) && n < 40
        } else {
            lower.contains(p) && n < 100
        }
    })
}

/// Words that, next to "JavaScript", make a short text the notice a script-only page shows
/// to browsers without scripts ("You need to enable JavaScript to run this app").
const SCRIPT_NOTICE: &[&str] = &[
    "enable",
    "disabled",
    "turn on",
    "switch on",
    "required",
    "requires",
    "need",
    "activ",
    "aktiv",
    "habilit",
    "attiv",
    "włącz",
    "включ",
];

/// True when a short text only asks the reader to switch JavaScript on.
pub fn script_required(text: &str) -> bool {
    if text.len() > 300 {
        return false;
    }
    let lower = text.to_lowercase();
    lower.contains("javascript") && SCRIPT_NOTICE.iter().any(|w| lower.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_in_languages() {
        assert_eq!(heading_kind("Related Articles"), Some(HeadingKind::Related));
        assert_eq!(
            heading_kind("You may also like"),
            Some(HeadingKind::Related)
        );
        assert_eq!(heading_kind("Lesen Sie auch:"), Some(HeadingKind::Related));
        assert_eq!(heading_kind("Читайте также"), Some(HeadingKind::Related));
        assert_eq!(heading_kind("12 Comments"), Some(HeadingKind::Comments));
        assert_eq!(
            heading_kind("More from The Daily Planet"),
            Some(HeadingKind::Related)
        );
        assert_eq!(heading_kind("Why related work matters for science"), None);
        assert_eq!(heading_kind("#hashtags"), Some(HeadingKind::Tags));
    }

    #[test]
    fn script_notices() {
        assert!(script_required(
            "You need to enable JavaScript to run this app."
        ));
        assert!(script_required(
            "Bitte aktivieren Sie JavaScript in Ihrem Browser."
        ));
        assert!(!script_required(
            "JavaScript: The Good Parts, by Douglas Crockford"
        ));
    }

    #[test]
    fn phrases() {
        assert!(boiler_phrase("© 2024 Example Media. All rights reserved."));
        assert!(!boiler_phrase(
            "The court said the copyright © claim was void because of prior art in the filing."
        ));
    }
}
