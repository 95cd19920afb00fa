//! Byte-to-text decoding for saved pages and HTTP bodies: BOM, then declared charset, then detection.

use encoding_rs::Encoding;

/// Decodes `bytes` to UTF-8, returning the text and the encoding's WHATWG name.
///
/// Order of evidence: a byte-order mark, then `http_charset` (a Content-Type charset, when
/// fetched), then a `<meta charset>` or `http-equiv` declaration in the first 4 KiB, then
/// detection with chardetng. Invalid bytes become U+FFFD; this never fails.
pub fn decode(bytes: &[u8], http_charset: Option<&str>) -> (String, &'static str) {
    let enc = sniff(bytes, http_charset);
    let (text, used, _had_errors) = enc.decode(bytes);
    (text.into_owned(), used.name())
}

/// Picks the encoding for `bytes` without decoding them.
pub fn sniff(bytes: &[u8], http_charset: Option<&str>) -> &'static Encoding {
    if let Some((enc, _)) = Encoding::for_bom(bytes) {
        return enc;
    }
    if let Some(enc) = http_charset.and_then(label_to_encoding) {
        return enc;
    }
    let head = &bytes[..bytes.len().min(4096)];
    if let Some(enc) = meta_charset(head) {
        return enc;
    }
    if std::str::from_utf8(bytes).is_ok() {
        return encoding_rs::UTF_8;
    }
    let mut det = chardetng::EncodingDetector::new();
    det.feed(&bytes[..bytes.len().min(1 << 20)], bytes.len() <= 1 << 20);
    det.guess(None, true)
}

fn label_to_encoding(label: &str) -> Option<&'static Encoding> {
    let enc = Encoding::for_label(
        label
            .trim()
            .trim_matches(|c| c == '"' || c == '\'')
            .as_bytes(),
    )?;
    // A page that claims UTF-16 in an ASCII-compatible declaration cannot really be UTF-16
    // (the declaration itself would be unreadable); HTML's rule is to treat it as UTF-8.
    if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
        return Some(encoding_rs::UTF_8);
    }
    // x-user-defined is never what a saved page means.
    if enc == encoding_rs::X_USER_DEFINED {
        return Some(encoding_rs::WINDOWS_1252);
    }
    Some(enc)
}

/// Finds `<meta charset=..>` or `<meta http-equiv=content-type content="..charset=..">`.
fn meta_charset(head: &[u8]) -> Option<&'static Encoding> {
    let lower: Vec<u8> = head.iter().map(|b| b.to_ascii_lowercase()).collect();
    let mut pos = 0;
    while let Some(off) = find(&lower[pos..], b"<meta") {
        let start = pos + off + 5;
        let end = lower[start..]
            .iter()
            .position(|&b| b == b'>')
            .map(|e| start + e)
            .unwrap_or(lower.len());
        let tag = &lower[start..end];
        if let Some(i) = find(tag, b"charset") {
            let rest = &tag[i + 7..];
            let rest = skip_ws(rest);
            if let Some(rest) = rest.strip_prefix(b"=") {
                let rest = skip_ws(rest);
                let rest = rest
                    .strip_prefix(b"\"")
                    .or_else(|| rest.strip_prefix(b"'"))
                    .unwrap_or(rest);
                let len = rest
                    .iter()
                    .position(|&b| {
                        b == b'"' || b == b'\'' || b == b';' || b == b'/' || b.is_ascii_whitespace()
                    })
                    .unwrap_or(rest.len());
                if let Some(enc) = std::str::from_utf8(&rest[..len])
                    .ok()
                    .and_then(label_to_encoding)
                {
                    return Some(enc);
                }
            }
        }
        pos = end;
        if pos >= lower.len() {
            break;
        }
    }
    None
}

fn skip_ws(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|b| b.is_ascii_whitespace()).count();
    &s[n..]
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_wins_over_meta() {
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend_from_slice(b"<meta charset=windows-1251><p>hi");
        assert_eq!(decode(&b, None).1, "UTF-8");
    }

    #[test]
    fn meta_charset_is_read() {
        let (_, enc) = decode(b"<html><head><meta charset=\"Shift_JIS\"></head>", None);
        assert_eq!(enc, "Shift_JIS");
        let (_, enc) = decode(
            b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\">",
            None,
        );
        assert_eq!(enc, "windows-1251");
    }

    #[test]
    fn http_header_beats_meta() {
        let (_, enc) = decode(b"<meta charset=utf-8>", Some("iso-8859-2"));
        assert_eq!(enc, "ISO-8859-2");
    }

    #[test]
    fn invalid_bytes_never_panic() {
        let (t, _) = decode(&[0xff, 0xfe, 0xfd, b'<', 0x80, 0x00], None);
        assert!(!t.is_empty());
    }
}
