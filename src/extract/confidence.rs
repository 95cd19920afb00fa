//! Confidence that the extracted text is the page's main content: a logistic model over
//! measurable signals of the extraction (length, link density, agreement with the page's own
//! summary and `articleBody`, the page-type model's certainty...). Weights are fitted by
//! `scripts/train_confidence.py` to predict a shingle F1 of at least 0.8.

use rustc_hash::FxHashMap;

use super::dom::{Dom, Tag};
use super::metadata::Meta;
use super::score::Selection;
use crate::record::PageType;

/// Names of the signals, in order.
pub const SIGNAL_NAMES: &[&str] = &[
    "log_words",
    "type_prob",
    "link_density",
    "coverage",
    "desc_overlap",
    "has_article_body",
    "article_body_overlap",
    "title_in_root",
    "log_roots",
    "is_article",
    "short",
];

/// Fitted weights for [`SIGNAL_NAMES`], then the bias.
const WEIGHTS: [f32; 11] = [
    -0.1832, 0.9072, -0.8712, 4.5957, 1.1734, -0.1342, -0.2444, -0.8766, -1.2940, 1.7052, -1.4936,
];
const BIAS: f32 = -1.3753;

/// The words of `s` longer than two characters, as they are written.
fn raw_words(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().nth(2).is_some())
}

/// Share of `part`'s distinct words (ignoring case) that occur in `whole`.
///
/// Only `part` (a description or JSON-LD body) is turned into a set; the page text is read
/// once, and lowercased only for words that are not lowercase already.
fn overlap(part: &str, whole: &str) -> f32 {
    let mut p: FxHashMap<String, bool> =
        raw_words(part).map(|w| (w.to_lowercase(), false)).collect();
    if p.is_empty() {
        return 0.0;
    }
    let mut found = 0;
    for w in raw_words(whole) {
        let lower;
        let key = if w.chars().any(char::is_uppercase) {
            lower = w.to_lowercase();
            lower.as_str()
        } else {
            w
        };
        if let Some(seen) = p.get_mut(key) {
            if !*seen {
                *seen = true;
                found += 1;
                if found == p.len() {
                    break;
                }
            }
        }
    }
    found as f32 / p.len() as f32
}

/// Computes the signals for one extraction.
pub fn signals(
    dom: &Dom,
    sel: &Selection,
    keep: &[bool],
    text: &str,
    meta: &Meta,
    page_type: PageType,
    type_prob: f32,
) -> Vec<f32> {
    let mut chars = 0u32;
    let mut link = 0u32;
    for &r in &sel.roots {
        let end = dom.nodes[r].end as usize;
        let mut i = r;
        while i < end {
            if !keep[i] {
                i = dom.nodes[i].end as usize;
                continue;
            }
            let n = &dom.nodes[i];
            if n.tag == Tag::Text {
                chars += n.chars;
                link += n.link_chars;
            }
            i += 1;
        }
    }
    let body_chars = dom.nodes[dom.body].chars.max(1);
    let n_words = text.split_whitespace().count() as f32;
    let desc = meta
        .description
        .as_deref()
        .map(|d| overlap(d, text))
        .unwrap_or(0.0);
    let (has_ab, ab) = match meta.article_body.as_deref() {
        Some(ab) if ab.len() > 200 => (1.0, overlap(ab, text)),
        _ => (0.0, 0.0),
    };
    let title_in_root = sel
        .title_node
        .map(|t| sel.roots.iter().any(|&r| dom.contains(r, t)))
        .unwrap_or(false);
    vec![
        n_words.ln_1p(),
        type_prob,
        if chars == 0 {
            1.0
        } else {
            link as f32 / chars as f32
        },
        (chars as f32 / body_chars as f32).min(1.0),
        desc,
        has_ab,
        ab,
        f32::from(u8::from(title_in_root)),
        (sel.roots.len() as f32).ln_1p(),
        f32::from(u8::from(page_type == PageType::Article)),
        f32::from(u8::from(n_words < 50.0)),
    ]
}

/// The calibrated confidence, from 0 to 1, rounded to three decimals.
pub fn confidence(signals: &[f32]) -> f32 {
    let z: f32 = BIAS
        + signals
            .iter()
            .zip(WEIGHTS.iter())
            .map(|(s, w)| s * w)
            .sum::<f32>();
    let p = 1.0 / (1.0 + (-z).exp());
    (p * 1000.0).round() / 1000.0
}
