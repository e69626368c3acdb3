//! The audit log: one JSON line per moderator action (and per refused
//! attempt) in `<data_dir>/audit.jsonl`, and an optional hook the Discord
//! adapter uses to post the same event to a channel. Refusals (`denied`)
//! reach the hook at most once per user per [`DENIED_POST_EVERY`], with a
//! count of those folded in; the file keeps every event, and accepted
//! actions always reach the hook. It must NOT know Discord.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

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
            _ if self.user_id == SHELL_USER_ID => format!("parley {}", self.action),
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

/// The `user_id` of commands handed over from a shell.
pub const SHELL_USER_ID: &str = "shell";

/// The events of a command a shell handed to the running process: one per
/// item `add` was given, one for an `import` (its counts), a `remove`, a
/// `reindex`; none for `vectors`.
pub fn shell_events(
    user: &str,
    summary: &crate::handoff::Summary,
    result: &Result<crate::handoff::Outcome, crate::handoff::Failure>,
) -> Vec<AuditEvent> {
    use crate::handoff::Outcome;
    let event = |target: &str, outcome: &str, article: Option<&str>, detail: &str| AuditEvent {
        at: String::new(),
        user_id: SHELL_USER_ID.into(),
        user: format!("{} (shell)", if user.trim().is_empty() { "someone" } else { user.trim() }),
        action: summary.action.into(),
        target: crate::bot::markdown::cut(target, 300),
        outcome: outcome.into(),
        article: article.map(str::to_owned),
        detail: crate::bot::markdown::cut(detail, 500),
    };
    match result {
        Err(f) => vec![event(&summary.target, "refused", None, &f.message)],
        Ok(Outcome::Added(report)) if summary.action == "add" => report
            .added
            .iter()
            .map(|a| event(&a.origin, "ok", Some(a.id.as_str()), &a.title))
            .chain(report.refused.iter().map(|r| event(&r.origin, "refused", None, &r.reason)))
            .collect(),
        Ok(Outcome::Added(report)) => {
            let detail = format!("{} added, {} refused", report.added.len(), report.refused.len());
            vec![event(&summary.target, "ok", None, &detail)]
        }
        Ok(Outcome::Removed(meta)) => vec![event(meta.id.as_str(), "ok", Some(meta.id.as_str()), &meta.title)],
        Ok(Outcome::Reindexed(r)) => vec![event("index", "ok", None, &format!("{} articles indexed", r.indexed))],
        Ok(Outcome::Vectors(_)) => Vec::new(),
    }
}

/// Something told about every event after it is written (the adapter's
/// channel poster).
pub type AuditHook = Box<dyn Fn(&AuditEvent) + Send + Sync>;

/// How often one user's refused attempts may reach the hook.
pub const DENIED_POST_EVERY: Duration = Duration::from_secs(60);

/// The JSON Lines file and the hook.
pub struct AuditLog {
    path: PathBuf,
    hook: Option<AuditHook>,
    lock: Mutex<()>,
    /// Per user: when a refusal last reached the hook, and how many were
    /// folded since.
    denied: Mutex<HashMap<String, (Instant, u32)>>,
}

impl AuditLog {
    pub fn new(path: PathBuf) -> AuditLog {
        AuditLog { path, hook: None, lock: Mutex::new(()), denied: Mutex::new(HashMap::new()) }
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
    pub fn record(&self, event: AuditEvent) {
        self.record_at(event, Instant::now());
    }

    /// [`AuditLog::record`] at a given time (for the refusal throttle).
    pub fn record_at(&self, mut event: AuditEvent, now: Instant) {
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
            if let Some(event) = self.throttle(event, now) {
                hook(&event);
            }
        }
    }

    /// `None` when a refusal is folded into the user's next post; a posted
    /// refusal says how many were folded. Other outcomes pass unchanged.
    fn throttle(&self, mut event: AuditEvent, now: Instant) -> Option<AuditEvent> {
        if event.outcome != "denied" {
            return Some(event);
        }
        let Ok(mut denied) = self.denied.lock() else { return Some(event) };
        if denied.len() > 10_000 {
            denied.retain(|_, (at, _)| now.saturating_duration_since(*at) < DENIED_POST_EVERY);
        }
        match denied.get_mut(&event.user_id) {
            Some((at, folded)) if now.saturating_duration_since(*at) < DENIED_POST_EVERY => {
                *folded += 1;
                None
            }
            Some((at, folded)) => {
                if *folded > 0 {
                    event.detail = format!("{} (+{} more refused attempts, in the audit log)", event.detail, folded);
                }
                *at = now;
                *folded = 0;
                Some(event)
            }
            None => {
                denied.insert(event.user_id.clone(), (now, 0));
                Some(event)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn event(user: &str, outcome: &str) -> AuditEvent {
        AuditEvent {
            at: String::new(),
            user_id: user.into(),
            user: user.into(),
            action: "remove".into(),
            target: "x".into(),
            outcome: outcome.into(),
            article: None,
            detail: "d".into(),
        }
    }

    #[test]
    fn refusals_are_folded_but_accepted_actions_never() {
        let dir = tempfile::tempdir().unwrap();
        let posted = Arc::new(Mutex::new(Vec::<AuditEvent>::new()));
        let sink = Arc::clone(&posted);
        let log = AuditLog::new(dir.path().join("audit.jsonl"))
            .with_hook(Box::new(move |e| sink.lock().unwrap().push(e.clone())));
        let t0 = Instant::now();
        for i in 0..10 {
            log.record_at(event("ana", "denied"), t0 + Duration::from_secs(i));
        }
        for i in 0..3 {
            log.record_at(event("ana", "ok"), t0 + Duration::from_secs(i));
        }
        log.record_at(event("bo", "denied"), t0);
        log.record_at(event("ana", "denied"), t0 + DENIED_POST_EVERY);
        let posted = posted.lock().unwrap();
        let outcomes: Vec<(&str, &str)> = posted.iter().map(|e| (e.user_id.as_str(), e.outcome.as_str())).collect();
        assert_eq!(
            outcomes,
            [("ana", "denied"), ("ana", "ok"), ("ana", "ok"), ("ana", "ok"), ("bo", "denied"), ("ana", "denied")]
        );
        assert!(posted[5].detail.contains("+9 more refused"), "{}", posted[5].detail);
        let lines = std::fs::read_to_string(log.path()).unwrap();
        assert_eq!(lines.lines().count(), 15, "the file keeps every event");
    }

    #[test]
    fn shell_commands_are_audited_one_line_per_item() {
        use crate::engine::{ImportReport, Refusal};
        use crate::handoff::{Failure, Outcome, Summary};
        let summary = Summary { action: "add", target: "a.txt, b.txt".into() };
        let report = ImportReport {
            added: Vec::new(),
            refused: vec![
                Refusal { origin: "a.txt".into(), reason: "no such file".into(), existing: None },
                Refusal { origin: "b.txt".into(), reason: "no title".into(), existing: None },
            ],
        };
        let events = shell_events("ana", &summary, &Ok(Outcome::Added(report)));
        assert_eq!(events.len(), 2);
        assert!(events.iter().all(|e| e.user_id == SHELL_USER_ID && e.outcome == "refused"));
        let line = events[0].summary();
        assert!(line.contains("ana") && line.contains("· parley add · refused"), "{line}");
        let failed = shell_events("", &Summary { action: "remove", target: "x".into() }, &Err(Failure::new("nope")));
        assert_eq!((failed.len(), failed[0].user.as_str(), failed[0].detail.as_str()), (1, "someone (shell)", "nope"));
        let import = Summary { action: "import", target: "x.csv".into() };
        let events = shell_events("ana", &import, &Ok(Outcome::Added(ImportReport::default())));
        assert_eq!(events.len(), 1, "an import is one line, whatever its size");
        assert_eq!(events[0].detail, "0 added, 0 refused");
    }
}
