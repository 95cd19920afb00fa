//! Date parsing: ISO timestamps, numeric dates, and written dates in several languages,
//! normalised to ISO 8601.

use regex::Regex;
use std::sync::OnceLock;

/// Month names (and common abbreviations) in the languages dehusk meets most, lowercased.
const MONTHS: &[(&str, u32)] = &[
    ("january", 1),
    ("jan", 1),
    ("february", 2),
    ("feb", 2),
    ("march", 3),
    ("mar", 3),
    ("april", 4),
    ("apr", 4),
    ("may", 5),
    ("june", 6),
    ("jun", 6),
    ("july", 7),
    ("jul", 7),
    ("august", 8),
    ("aug", 8),
    ("september", 9),
    ("sept", 9),
    ("sep", 9),
    ("october", 10),
    ("oct", 10),
    ("november", 11),
    ("nov", 11),
    ("december", 12),
    ("dec", 12),
    // German
    ("januar", 1),
    ("jänner", 1),
    ("februar", 2),
    ("märz", 3),
    ("mai", 5),
    ("juni", 6),
    ("juli", 7),
    ("oktober", 10),
    ("dezember", 12),
    // French
    ("janvier", 1),
    ("février", 2),
    ("fevrier", 2),
    ("mars", 3),
    ("avril", 4),
    ("juin", 6),
    ("juillet", 7),
    ("août", 8),
    ("aout", 8),
    ("septembre", 9),
    ("octobre", 10),
    ("novembre", 11),
    ("décembre", 12),
    ("decembre", 12),
    // Spanish / Portuguese / Italian
    ("enero", 1),
    ("febrero", 2),
    ("marzo", 3),
    ("abril", 4),
    ("mayo", 5),
    ("junio", 6),
    ("julio", 7),
    ("agosto", 8),
    ("septiembre", 9),
    ("setembro", 9),
    ("octubre", 10),
    ("outubro", 10),
    ("noviembre", 11),
    ("novembro", 11),
    ("diciembre", 12),
    ("dezembro", 12),
    ("janeiro", 1),
    ("fevereiro", 2),
    ("março", 3),
    ("maio", 5),
    ("junho", 6),
    ("julho", 7),
    ("gennaio", 1),
    ("febbraio", 2),
    ("aprile", 4),
    ("maggio", 5),
    ("giugno", 6),
    ("luglio", 7),
    ("settembre", 9),
    ("ottobre", 10),
    ("dicembre", 12),
    // Dutch
    ("januari", 1),
    ("februari", 2),
    ("maart", 3),
    ("mei", 5),
    ("augustus", 8),
];

fn month_of(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_lowercase();
    MONTHS.iter().find(|(n, _)| *n == w).map(|(_, m)| *m)
}

fn valid(y: i32, m: u32, d: u32) -> bool {
    let max_day = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 => 29,
        _ => return false,
    };
    (1995..=2100).contains(&y) && d >= 1 && d <= max_day
}

fn ymd(y: i32, m: u32, d: u32) -> Option<String> {
    valid(y, m, d).then(|| format!("{y:04}-{m:02}-{d:02}"))
}

fn re(cell: &'static OnceLock<Regex>, pat: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pat).expect("static regex"))
}

/// Parses a machine-readable date (meta tags, JSON-LD, `<time datetime>`), keeping the time
/// when there is one. Returns ISO 8601.
pub fn parse_iso(s: &str) -> Option<String> {
    static ISO: OnceLock<Regex> = OnceLock::new();
    let r = re(
        &ISO,
        r"^\s*(\d{4})-?(\d{2})-?(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?)?",
    );
    if let Some(c) = r.captures(s) {
        let y: i32 = c[1].parse().ok()?;
        let m: u32 = c[2].parse().ok()?;
        let d: u32 = c[3].parse().ok()?;
        let date = ymd(y, m, d)?;
        if let (Some(h), Some(mi)) = (c.get(4), c.get(5)) {
            let sec = c.get(6).map(|x| x.as_str()).unwrap_or("00");
            let tz = c
                .get(7)
                .map(|z| {
                    let z = z.as_str();
                    if z.len() == 5 && !z.contains(':') {
                        format!("{}:{}", &z[..3], &z[3..])
                    } else {
                        z.to_string()
                    }
                })
                .unwrap_or_default();
            return Some(format!("{date}T{}:{}:{sec}{tz}", h.as_str(), mi.as_str()));
        }
        return Some(date);
    }
    parse_text(s)
}

/// Finds a written date in free text ("Published 3 May 2021", "Nov. 20, 2019", "20.11.2019").
pub fn parse_text(s: &str) -> Option<String> {
    static NUM: OnceLock<Regex> = OnceLock::new();
    static MDY: OnceLock<Regex> = OnceLock::new();
    static DMY: OnceLock<Regex> = OnceLock::new();
    static YMD: OnceLock<Regex> = OnceLock::new();
    // Every form below needs a four-digit year, and most short texts have none: this check
    // spares them the regexes.
    if s.len() > 400
        || !s
            .as_bytes()
            .windows(4)
            .any(|w| w.iter().all(u8::is_ascii_digit))
    {
        return None;
    }
    let ymd_re = re(&YMD, r"\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b");
    if let Some(c) = ymd_re.captures(s) {
        if let Some(d) = ymd(c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?) {
            return Some(d);
        }
    }
    let mdy = re(
        &MDY,
        r"(?i)\b([a-zäéûçô]{3,10})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b",
    );
    if let Some(c) = mdy.captures(s) {
        if let Some(m) = month_of(&c[1]) {
            if let Some(d) = ymd(c[3].parse().ok()?, m, c[2].parse().ok()?) {
                return Some(d);
            }
        }
    }
    let dmy = re(
        &DMY,
        r"(?i)\b(\d{1,2})(?:st|nd|rd|th|er|º)?\.?\s+(?:de\s+)?([a-zäéûçô]{3,10})\.?,?\s+(?:de\s+)?(\d{4})\b",
    );
    if let Some(c) = dmy.captures(s) {
        if let Some(m) = month_of(&c[2]) {
            if let Some(d) = ymd(c[3].parse().ok()?, m, c[1].parse().ok()?) {
                return Some(d);
            }
        }
    }
    let num = re(&NUM, r"\b(\d{1,2})[./-](\d{1,2})[./-](\d{4})\b");
    if let Some(c) = num.captures(s) {
        let a: u32 = c[1].parse().ok()?;
        let b: u32 = c[2].parse().ok()?;
        let y: i32 = c[3].parse().ok()?;
        // Day first is the world's default; month first only when the day cannot be a month.
        if let Some(d) = ymd(y, b, a) {
            if a > 12 || s.contains('.') {
                return Some(d);
            }
            // Ambiguous like 03/04/2020: slashes lean American.
            if s.contains('/') {
                return ymd(y, a, b).or(Some(d));
            }
            return Some(d);
        }
        return ymd(y, a, b);
    }
    None
}

/// Extracts a `/YYYY/MM/DD/` date from a URL path.
pub fn from_url(url: &str) -> Option<String> {
    static URLD: OnceLock<Regex> = OnceLock::new();
    let r = re(
        &URLD,
        r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:/|-|$)",
    );
    let c = r.captures(url)?;
    ymd(c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_forms() {
        assert_eq!(parse_iso("2019-11-20").as_deref(), Some("2019-11-20"));
        assert_eq!(
            parse_iso("2019-11-20T10:05:00+0100").as_deref(),
            Some("2019-11-20T10:05:00+01:00")
        );
        assert_eq!(parse_iso("20191120").as_deref(), Some("2019-11-20"));
    }

    #[test]
    fn written_forms() {
        assert_eq!(
            parse_text("Published Nov. 20, 2019 at 5pm").as_deref(),
            Some("2019-11-20")
        );
        assert_eq!(parse_text("3 May 2021").as_deref(), Some("2021-05-03"));
        assert_eq!(parse_text("le 3 mars 2021").as_deref(), Some("2021-03-03"));
        assert_eq!(parse_text("20.11.2019").as_deref(), Some("2019-11-20"));
        assert_eq!(
            parse_text("12 de mayo de 2020").as_deref(),
            Some("2020-05-12")
        );
        assert_eq!(parse_text("no date here"), None);
    }

    #[test]
    fn url_dates() {
        assert_eq!(
            from_url("https://x.com/2020/05/12/slug").as_deref(),
            Some("2020-05-12")
        );
    }
}
