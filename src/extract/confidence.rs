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
    -0.1115, 0.9090, -1.3020, 2.5618, 0.1186, -0.1935, -0.1887, -0.3680, -0.1049, 1.9376, -1.4572,
];
const BIAS: f32 = -0.4871;

/// Share of `part`'s distinct words (ignoring case) that occur in `whole`.
///
/// Only `part` (a description or JSON-LD body) is turned into a set; the page text is read
/// once, byte by byte where it is ASCII, and lowercased only for words that are not
/// lowercase already.
fn overlap(part: &str, whole: &str) -> f32 {
    let mut p: FxHashMap<String, bool> = FxHashMap::default();
    let mut words = Words::new(part);
    while let Some((w, _, ascii)) = words.next_word() {
        let key = if ascii {
            w.to_ascii_lowercase()
        } else {
            w.to_lowercase()
        };
        p.insert(key, false);
    }
    if p.is_empty() {
        return 0.0;
    }
    let mut found = 0;
    let mut lower = String::new();
    let mut words = Words::new(whole);
    while let Some((w, upper, ascii)) = words.next_word() {
        let key = if !upper {
            w
        } else if ascii {
            lower.clear();
            lower.push_str(w);
            lower.make_ascii_lowercase();
            lower.as_str()
        } else {
            lower = w.to_lowercase();
            lower.as_str()
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

/// The words of a text longer than two characters, between characters that are not
/// alphanumeric; ASCII is read without decoding it as characters.
struct Words<'a> {
    s: &'a str,
    i: usize,
    /// The last non-ASCII character seen in each slot of its low byte, and whether it is
    /// alphanumeric: the Unicode tables take hundreds of instructions a lookup, and a
    /// page's text uses few characters of its script over and over.
    seen: [(char, bool); 256],
}

impl<'a> Words<'a> {
    fn new(s: &'a str) -> Words<'a> {
        Words {
            s,
            i: 0,
            seen: [('\0', false); 256],
        }
    }

    /// [`is_alphanumeric`] for a non-ASCII character.
    fn alphanumeric(&mut self, c: char) -> bool {
        let slot = &mut self.seen[c as usize & 0xFF];
        if slot.0 != c {
            *slot = (c, is_alphanumeric(c));
        }
        slot.1
    }

    /// The next word longer than two characters, whether it holds an uppercase letter, and
    /// whether it is all ASCII.
    fn next_word(&mut self) -> Option<(&'a str, bool, bool)> {
        let b = self.s.as_bytes();
        loop {
            // Past the separators.
            while self.i < b.len() {
                let c = b[self.i];
                if c < 0x80 {
                    if c.is_ascii_alphanumeric() {
                        break;
                    }
                    self.i += 1;
                } else {
                    let ch = self.char_at();
                    if self.alphanumeric(ch) {
                        break;
                    }
                    self.i += ch.len_utf8();
                }
            }
            if self.i >= b.len() {
                return None;
            }
            let start = self.i;
            let mut chars = 0;
            let mut upper = false;
            let mut ascii = true;
            while self.i < b.len() {
                let c = b[self.i];
                if c < 0x80 {
                    if !c.is_ascii_alphanumeric() {
                        break;
                    }
                    upper |= c.is_ascii_uppercase();
                    self.i += 1;
                } else {
                    let ch = self.char_at();
                    if !self.alphanumeric(ch) {
                        break;
                    }
                    upper |= ch.is_uppercase();
                    ascii = false;
                    self.i += ch.len_utf8();
                }
                chars += 1;
            }
            if chars > 2 {
                return Some((&self.s[start..self.i], upper, ascii));
            }
        }
    }

    /// The character at the current position, a character boundary.
    fn char_at(&self) -> char {
        self.s[self.i..].chars().next().unwrap_or_default()
    }
}

/// [`char::is_alphanumeric`], answered without the Unicode tables for the non-ASCII
/// characters most frequent in page text: typographic punctuation and spaces (none is a
/// letter) and accented Latin letters.
fn is_alphanumeric(c: char) -> bool {
    match c {
        '\u{2000}'..='\u{206F}' => false,
        '\u{C0}'..='\u{24F}' => c != '\u{D7}' && c != '\u{F7}',
        _ => c.is_alphanumeric(),
    }
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    /// The words of `s` longer than two characters, as they are written.
    fn raw_words(s: &str) -> impl Iterator<Item = &str> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().nth(2).is_some())
    }

    /// [`super::overlap`] as it was first written: every word of the page through
    /// `char::is_uppercase` and `str::to_lowercase`.
    fn overlap_by_chars(part: &str, whole: &str) -> f32 {
        let mut p: rustc_hash::FxHashMap<String, bool> =
            raw_words(part).map(|w| (w.to_lowercase(), false)).collect();
        if p.is_empty() {
            return 0.0;
        }
        let mut found = 0;
        for w in raw_words(whole) {
            let key = if w.chars().any(char::is_uppercase) {
                w.to_lowercase()
            } else {
                w.to_string()
            };
            if let Some(seen) = p.get_mut(&key) {
                if !*seen {
                    *seen = true;
                    found += 1;
                }
            }
        }
        found as f32 / p.len() as f32
    }

    #[test]
    fn is_alphanumeric_agrees_with_the_unicode_tables() {
        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            assert_eq!(super::is_alphanumeric(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    #[test]
    fn overlap_ignores_case_and_short_words() {
        assert_eq!(
            super::overlap("The cat SAT on a mat", "the Cat sat. MAT!"),
            1.0
        );
        assert_eq!(super::overlap("Ĳssel ΣΟΦΟΣ", "ĳssel σοφος"), 1.0);
        assert_eq!(super::overlap("abc def", "abcdef de f"), 0.0);
        assert_eq!(super::overlap("ab", "ab"), 0.0);
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 4000, ..ProptestConfig::default() })]

        /// Reading ASCII byte by byte finds the same words, in the same case, as reading
        /// characters.
        #[test]
        fn overlap_matches_reading_by_characters(
            part in "[a-cA-C ΣσςİıǅǆÉé1²_.’×Ā-]{0,24}",
            whole in "[a-cA-C ΣσςİıǅǆÉé1²_.\u{300}\u{4e00}’\u{a0}×÷Ā-]{0,80}",
        ) {
            prop_assert_eq!(super::overlap(&part, &whole), overlap_by_chars(&part, &whole));
        }
    }
}
