//! Work that cannot answer within Discord's three seconds: adding an
//! attached file (downloaded by the adapter), a web page (fetched by the
//! adapter), a typed-in text, or polling the feeds (by the adapter's
//! poller). The bot checks everything it can before the
//! work starts; the adapter does the I/O and hands the result back to
//! [`crate::bot::Bot::finish`].

use crate::corpus::ArticleDraft;

use super::{Attachment, User};

/// Largest attachment `/corpus add-file` accepts (checked against the size
/// Discord reports before downloading, and again while downloading).
pub const MAX_ATTACHMENT_BYTES: u64 = 2 * 1024 * 1024;

/// Extensions `/corpus add-file` accepts.
pub const ATTACHMENT_EXTENSIONS: &[&str] = &["txt", "md", "markdown", "html", "htm"];

/// Slow work, described before it starts.
#[derive(Debug, Clone, PartialEq)]
pub enum Work {
    /// Download this attachment (at most `max_bytes`), then add it.
    AddFile { attachment: Attachment, user: User, max_bytes: u64 },
    /// Fetch this page, extract the article, then add it.
    AddUrl { url: String, user: User },
    /// Add this article (from the add-text form).
    AddText { draft: ArticleDraft, user: User },
    /// Poll the feeds now (`None`: all of them).
    PollFeeds { feed: Option<String>, user: User },
}

/// What the adapter got when it did the I/O of a [`Work`].
#[derive(Debug, Clone, PartialEq)]
pub enum Fetched {
    /// Nothing to fetch (add-text).
    Nothing,
    /// The attachment's bytes.
    Bytes(Vec<u8>),
    /// The article extracted from a page.
    Page(Box<ArticleDraft>),
    /// The fetch failed; the reason is shown to the moderator.
    Failed(String),
    /// What a poll of the feeds did.
    Polled(Box<crate::feeds::PollReport>),
}

/// The kind of an attachment, from its name and declared type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Text,
    Markdown,
    Html,
}

/// Checks an attachment before anything is downloaded: its extension, its
/// declared content type (when Discord gives one) and its size.
pub fn check_attachment(a: &Attachment, max_bytes: u64) -> Result<FileKind, String> {
    let ext = a.filename.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    let kind = match ext.as_str() {
        "txt" => FileKind::Text,
        "md" | "markdown" => FileKind::Markdown,
        "html" | "htm" => FileKind::Html,
        _ => return Err("only .txt, .md and .html files can be added".to_owned()),
    };
    if let Some(ct) = a.content_type.as_deref() {
        let mime = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        let ok = mime.starts_with("text/")
            || matches!(mime.as_str(), "application/xhtml+xml" | "application/octet-stream" | "");
        if !ok {
            return Err(format!("the file is {mime}, not text: only .txt, .md and .html files can be added"));
        }
    }
    if a.size > max_bytes {
        return Err(format!(
            "the file is {} and the limit is {}: split it or add the text with /corpus add-text",
            human_bytes(a.size),
            human_bytes(max_bytes)
        ));
    }
    if a.size == 0 {
        return Err("the file is empty".to_owned());
    }
    Ok(kind)
}

/// `2.0 MB`, `512 KB`, `17 bytes`.
pub fn human_bytes(n: u64) -> String {
    if n >= 1024 * 1024 {
        format!("{:.1} MB", n as f64 / (1024.0 * 1024.0))
    } else if n >= 1024 {
        format!("{} KB", n / 1024)
    } else {
        format!("{n} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn att(name: &str, size: u64, ct: Option<&str>) -> Attachment {
        Attachment {
            filename: name.into(),
            size,
            content_type: ct.map(str::to_owned),
            url: "http://127.0.0.1/x".into(),
        }
    }

    #[test]
    fn attachments_are_checked_before_download() {
        assert_eq!(check_attachment(&att("a.TXT", 10, Some("text/plain; charset=utf-8")), 100), Ok(FileKind::Text));
        assert_eq!(check_attachment(&att("a.md", 10, None), 100), Ok(FileKind::Markdown));
        assert_eq!(check_attachment(&att("a.html", 10, Some("text/html")), 100), Ok(FileKind::Html));
        let refused = [
            att("a.pdf", 10, Some("application/pdf")),
            att("a.txt", 10, Some("image/png")),
            att("a.txt", 101, Some("text/plain")),
            att("a.txt", 0, None),
            att("noext", 10, None),
            att("a.txt.exe", 10, None),
        ];
        for a in refused {
            assert!(check_attachment(&a, 100).is_err(), "{a:?}");
        }
        assert!(check_attachment(&att("big.txt", 3 << 20, None), MAX_ATTACHMENT_BYTES).unwrap_err().contains("3.0 MB"));
    }
}
