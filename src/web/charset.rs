//! Bytes to text: the byte-order mark, a declared charset (HTTP header or
//! caller), a `<meta charset>` in an HTML head, and detection with
//! `chardetng` when nothing is declared and the bytes are not UTF-8.
//!
//! Pure functions; no I/O. Decoding never fails: malformed sequences become
//! U+FFFD, as a browser shows them.

use encoding_rs::{Encoding, UTF_8};

/// How far into an HTML document a `<meta charset>` is looked for (the HTML
/// standard says 1024 bytes; pages with long heads put it later).
const META_SNIFF_BYTES: usize = 4096;

/// Decodes a text file or body: BOM first; then UTF-8 when the bytes are
/// valid UTF-8 with non-ASCII characters; then `declared` (a charset label
/// such as `"iso-8859-1"`); then UTF-8 for valid UTF-8; then detection.
/// Returns the text and the name of the encoding used.
///
/// A declared UTF-8 that the bytes contradict is treated as undeclared, and
/// a declared legacy charset on valid UTF-8 text is ignored (both frequent
/// server misconfigurations); otherwise the declared label is honoured.
pub fn decode(bytes: &[u8], declared: Option<&str>) -> (String, &'static str) {
    decode_with(bytes, declared, false)
}

/// [`decode`] for HTML: as well as the BOM and the declared charset, honours
/// a `<meta charset>` or `<meta http-equiv="Content-Type">` near the start.
pub fn decode_html(bytes: &[u8], declared: Option<&str>) -> (String, &'static str) {
    decode_with(bytes, declared, true)
}

fn decode_with(bytes: &[u8], declared: Option<&str>, html: bool) -> (String, &'static str) {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        return (run(enc, &bytes[bom_len..]), enc.name());
    }
    let valid_utf8 = std::str::from_utf8(bytes).is_ok();
    if valid_utf8 && !bytes.is_ascii() {
        // Non-ASCII text that is valid UTF-8 is UTF-8, whatever a stale
        // header or <meta> says: legacy encodings almost never form valid
        // multi-byte UTF-8 sequences by chance.
        return (run(UTF_8, bytes), UTF_8.name());
    }
    let labelled = declared.and_then(label_encoding).or_else(|| if html { meta_charset(bytes) } else { None });
    if let Some(enc) = labelled {
        if enc != UTF_8 || valid_utf8 {
            return (run(enc, bytes), enc.name());
        }
    }
    if valid_utf8 {
        return (run(UTF_8, bytes), UTF_8.name());
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let mut enc = detector.guess(None, chardetng::Utf8Detection::Allow);
    if LATIN_NEIGHBOURS.contains(&enc) && !bytes.iter().any(|&b| b >= 0xC0) {
        // English with a stray "£" or curly quotes reads as Central European
        // to the detector; real Central European text has accented letters
        // in 0xC0–0xFF, and this text has none.
        enc = encoding_rs::WINDOWS_1252;
    }
    (run(enc, bytes), enc.name())
}

/// Latin single-byte encodings the detector may pick for windows-1252 text
/// that has no accented letters.
static LATIN_NEIGHBOURS: [&Encoding; 5] = [
    encoding_rs::WINDOWS_1250,
    encoding_rs::ISO_8859_2,
    encoding_rs::WINDOWS_1257,
    encoding_rs::ISO_8859_4,
    encoding_rs::ISO_8859_13,
];

fn run(enc: &'static Encoding, bytes: &[u8]) -> String {
    enc.decode_without_bom_handling(bytes).0.into_owned()
}

/// The encoding for a charset label, as browsers map them (`latin1` is
/// windows-1252, UTF-16 declared in a document means UTF-8).
fn label_encoding(label: &str) -> Option<&'static Encoding> {
    let label = label.trim().trim_matches(|c| c == '"' || c == '\'');
    Encoding::for_label(label.as_bytes()).map(|e| e.output_encoding())
}

/// The charset a `<meta>` tag near the start of an HTML document declares.
fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(META_SNIFF_BYTES)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut from = 0;
    while let Some(pos) = find(&lower[from..], b"<meta") {
        let start = from + pos;
        let end = lower[start..].iter().position(|&b| b == b'>').map_or(lower.len(), |e| start + e);
        let tag = &lower[start..end];
        if let Some(at) = find(tag, b"charset") {
            let rest = &tag[at + "charset".len()..];
            let rest = trim_start(rest);
            if let Some(rest) = rest.strip_prefix(b"=") {
                let rest = trim_start(rest);
                let rest = rest.strip_prefix(b"\"").or_else(|| rest.strip_prefix(b"'")).unwrap_or(rest);
                let label: Vec<u8> = rest
                    .iter()
                    .copied()
                    .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.'))
                    .collect();
                if let Some(enc) = std::str::from_utf8(&label).ok().and_then(label_encoding) {
                    return Some(enc);
                }
            }
        }
        from = end;
    }
    None
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn trim_start(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|c| c.is_ascii_whitespace()).count();
    &b[n..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_passes_through() {
        assert_eq!(decode("Zürich — Kyiv".as_bytes(), None), ("Zürich — Kyiv".to_owned(), "UTF-8"));
    }

    #[test]
    fn the_bom_wins() {
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend_from_slice("Café".as_bytes());
        assert_eq!(decode(&b, Some("iso-8859-1")).0, "Café");
        let utf16le = [0xFF, 0xFE, b'h', 0, b'i', 0];
        assert_eq!(decode(&utf16le, None), ("hi".to_owned(), "UTF-16LE"));
    }

    #[test]
    fn a_declared_charset_is_honoured() {
        assert_eq!(decode(b"Caf\xe9", Some("ISO-8859-1")), ("Café".to_owned(), "windows-1252"));
        let koi8 = [0xEB, 0xC9, 0xC5, 0xD7]; // "Киев" in KOI8-R
        assert_eq!(decode(&koi8, Some("koi8-r")).0, "Киев");
    }

    #[test]
    fn a_false_utf8_declaration_falls_back_to_detection() {
        let text = "The club agreed a transfer fee of £15.8m for the striker, who said: “I’m delighted to be here.”";
        let bytes = encoding_rs::WINDOWS_1252.encode(text).0;
        let (decoded, enc) = decode(&bytes, Some("utf-8"));
        assert_eq!(decoded, text);
        assert_eq!(enc, "windows-1252");
    }

    #[test]
    fn meta_charset_is_read_in_html_only() {
        let page = b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\"></head><body>\xca\xe8\xe5\xe2</body></html>";
        assert!(decode_html(page, None).0.contains("Киев"));
        assert_eq!(decode_html(page, None).1, "windows-1251");
        let page = b"<meta charset='iso-8859-2'><p>\xb3\xf3d\xbc</p>";
        assert!(decode_html(page, None).0.contains("łódź"));
        // A stale declaration on a page that is really UTF-8.
        let page = "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"><title>深度学习</title>";
        assert_eq!(decode_html(page.as_bytes(), None), (page.to_owned(), "UTF-8"));
        // An unknown label is ignored rather than trusted.
        assert_eq!(decode_html(b"<meta charset=\"x-nonsense\"><p>plain</p>", None).1, "UTF-8");
    }

    #[test]
    fn undeclared_legacy_bytes_are_detected() {
        let cp1251 = encoding_rs::WINDOWS_1251
            .encode("Переговоры в Стамбуле продолжатся на следующей неделе, сообщили делегации.")
            .0;
        let (text, enc) = decode(&cp1251, None);
        assert_eq!(enc, "windows-1251");
        assert!(text.starts_with("Переговоры"));
        let polish = "Rozmowy pokojowe w Stambule zostaną wznowione w przyszłym tygodniu, powiedział rzecznik ministerstwa. Źródła zbliżone do delegacji mówią o postępie.";
        let (text, enc) = decode(&encoding_rs::WINDOWS_1250.encode(polish).0, None);
        assert_eq!((text.as_str(), enc), (polish, "windows-1250"));
    }
}
