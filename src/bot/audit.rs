//! The audit log: one JSON line per moderator action (and per refused
//! attempt) in `<data_dir>/audit.jsonl`, and an optional hook the Discord
//! adapter uses to post the same event to a channel.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;

use serde::Serialize;
use time::OffsetDateTime;

use super::markdown::escape;

/// One moderator action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEvent {
    /// RFC 3339, UTC.
    pub at: String,
    pub user_id: String,
    pub user: String,
    /// `add-file`, `add-text`, `add-url`, `remove`, `alias`, `watch-add`,
    /// `watch-remove`, `watch-disabled` (a channel refused the bot).
    pub action: String,
    /// What it was about: a file name, a URL, an article id, a name.
    pub target: String,
    /// `ok`, `refused` (the engine said no), `denied` (not a moderator) or
    /// `disabled` (watches stopped).
    pub outcome: String,
    /// The article added or removed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub article: Option<String>,
    /// The reason for a refusal, or what was done.
    pub detail: String,
}

impl AuditEvent {
    /// A one-line summary for a channel (escaped markdown).
    pub fn summary(&self) -> String {
        let article = self.article.as_deref().map(|a| format!(" `{a}`")).unwrap_or_default();
        let command = match self.action.strip_prefix("watch-") {
            Some(rest) => format!("/watch {rest}"),
            None => format!("/corpus {}", self.action),
        };
        format!(
            "**{}** · {command} · {}{} — {} {}",
            escape(&self.user),
            self.outcome,
            article,
            escape(&self.target),
            escape(&self.detail)
        )
    }
}

/// Something told about every event after it is written (the adapter's
/// channel poster).
pub type AuditHook = Box<dyn Fn(&AuditEvent) + Send + Sync>;

/// The JSON Lines file and the hook.
pub struct AuditLog {
    path: PathBuf,
    hook: Option<AuditHook>,
    lock: Mutex<()>,
}

impl AuditLog {
    pub fn new(path: PathBuf) -> AuditLog {
        AuditLog { path, hook: None, lock: Mutex::new(()) }
    }

    pub fn with_hook(mut self, hook: AuditHook) -> AuditLog {
        self.hook = Some(hook);
        self
    }

    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// Appends the event; a failure to write is logged, never shown to the
    /// user as the action's failure.
    pub fn record(&self, mut event: AuditEvent) {
        if event.at.is_empty() {
            event.at = OffsetDateTime::now_utc()
                .replace_nanosecond(0)
                .ok()
                .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
                .unwrap_or_default();
        }
        match serde_json::to_string(&event) {
            Ok(line) => {
                let _guard = self.lock.lock();
                let written = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&self.path)
                    .and_then(|mut f| f.write_all(format!("{line}\n").as_bytes()));
                if let Err(e) = written {
                    tracing::error!(path = %self.path.display(), "cannot write the audit log: {e}");
                }
            }
            Err(e) => tracing::error!("cannot encode an audit event: {e}"),
        }
        if let Some(hook) = &self.hook {
            hook(&event);
        }
    }
}
