//! `/watch` in the bot: adding, listing and removing watches (who may, in
//! which channel, audited), and turning the articles that arrived into the
//! posts each channel gets ([`Bot::watch_batch`]), plus what happens when
//! a channel refuses them ([`Bot::watch_channel_refused`]).
//!
//! The matching itself is the engine's ([`crate::engine::Engine::watch_matches`]);
//! the posts are rendered by [`super::render::watch_posts`] within
//! Discord's limits. It must NOT know serenity or do network I/O: the
//! adapter (Discord, the console) sends the posts and reports back.

use std::sync::Arc;

use crate::article::ArticleId;
use crate::engine::{by_channel, Cursor, NewWatch, WatchError, WatchTarget, Watches, WATCH_LIMITS};

use super::markdown::{cut, escape};
use super::{render, Bot, Message, Place, Reply, User};

/// The posts for one channel.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    /// The channel id (or [`Place::CONSOLE`]).
    pub channel: String,
    /// One message, or several when one would exceed Discord's limits.
    pub messages: Vec<Message>,
}

/// What a batch of arrivals gives: the articles tried (to mark seen once
/// the posts are sent) and the posts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WatchBatch {
    pub articles: Vec<ArticleId>,
    pub deliveries: Vec<Delivery>,
}

const NOT_HERE: &str = "Watches post in the channel they were made in, and Parley cannot tell which channel this is.";
const MODERATORS: &str =
    "Only moderators can change the watches of a server channel; anyone can watch in a direct message with Parley.";

impl Bot {
    /// The watch list, or (when its file cannot be read) the notice that
    /// says so, boxed: a reply is large, the list is the common case.
    fn watch_list_or_notice(&self) -> Result<&Arc<Watches>, Box<Reply>> {
        self.watches.as_ref().map_err(|e| {
            tracing::error!("{e}");
            Box::new(Reply::notice("The watch list cannot be read; a moderator must fix it (see Parley's log)."))
        })
    }

    pub(super) fn watch_add(&self, target: WatchTarget, user: &User, place: &Place) -> Reply {
        let label = target.label();
        if place.channel.is_empty() {
            return Reply::notice(NOT_HERE);
        }
        if !place.is_private() && !user.is_moderator {
            self.audit(user, "watch-add", &label, "denied", None, "not a moderator");
            return Reply::notice(MODERATORS);
        }
        let watches = match self.watch_list_or_notice() {
            Ok(w) => w,
            Err(r) => return *r,
        };
        let new = NewWatch {
            channel: place.channel.clone(),
            guild: place.guild.clone(),
            target,
            owner_id: user.id.clone(),
            owner: user.name.clone(),
        };
        match watches.add(new, &WATCH_LIMITS) {
            Ok(w) => {
                if !place.is_private() {
                    self.audit(
                        user,
                        "watch-add",
                        &w.target.label(),
                        "ok",
                        None,
                        &format!("watch {} in channel {}", w.id, w.channel),
                    );
                }
                let what = match &w.target {
                    WatchTarget::Person(p) => format!("statements by **{}**", escape(p)),
                    WatchTarget::Query(q) => format!("passages answering “{}”", escape(q)),
                };
                Reply::notice(&format!(
                    "Watch **w{}** added: new articles with {what} will be posted in this channel.",
                    w.id
                ))
            }
            Err(e) => {
                if !place.is_private() {
                    self.audit(user, "watch-add", &label, "refused", None, &e.to_string());
                }
                watch_error(&e)
            }
        }
    }

    pub(super) fn watch_list(&self, place: &Place) -> Reply {
        let watches = match self.watch_list_or_notice() {
            Ok(w) => w,
            Err(r) => return *r,
        };
        Reply::Message(render::watch_list(&watches.in_channel(&place.channel)))
    }

    pub(super) fn watch_remove(&self, id: &str, user: &User, place: &Place) -> Reply {
        if !place.is_private() && !user.is_moderator {
            self.audit(user, "watch-remove", id, "denied", None, "not a moderator");
            return Reply::notice(MODERATORS);
        }
        let watches = match self.watch_list_or_notice() {
            Ok(w) => w,
            Err(r) => return *r,
        };
        match watches.remove(id, &place.channel) {
            Ok(w) => {
                if !place.is_private() {
                    self.audit(user, "watch-remove", &w.target.label(), "ok", None, &format!("watch {}", w.id));
                }
                Reply::notice(&format!("Watch **w{}** ({}) removed.", w.id, escape(&cut(&w.target.label(), 200))))
            }
            Err(e) => watch_error(&e),
        }
    }

    /// The watches, when their file could be read.
    pub fn watches(&self) -> Option<&Arc<Watches>> {
        self.watches.as_ref().ok()
    }

    /// Tries the active watches on the articles of `arrived` the cursor has
    /// not seen, and renders each channel's posts. Vectors still missing
    /// are computed first, so a question is judged as `ask` would judge it.
    /// Call [`Bot::watch_done`] once the posts are sent.
    /// Only the watches whose channel `reachable` accepts are tried (the
    /// Discord adapter cannot post in the console, nor the console in Discord).
    pub fn watch_batch(&self, arrived: &[ArticleId], cursor: &Cursor, reachable: &dyn Fn(&str) -> bool) -> WatchBatch {
        let articles = cursor.unseen(arrived);
        let Some(watches) = self.watches() else { return WatchBatch { articles, deliveries: Vec::new() } };
        let active: Vec<_> = watches.active().into_iter().filter(|w| reachable(&w.channel)).collect();
        if articles.is_empty() || active.is_empty() {
            return WatchBatch { articles, deliveries: Vec::new() };
        }
        if active.iter().any(|w| matches!(w.target, WatchTarget::Query(_))) {
            if let Err(e) = self.engine.embed_pending(|_, _| {}) {
                tracing::warn!("watches: cannot compute the new vectors ({e}); judging by words");
            }
        }
        let matches = match self.engine.watch_matches(&active, &articles) {
            Ok(m) => m,
            Err(e) => {
                tracing::error!("watches: cannot try the new articles: {e}");
                return WatchBatch { articles, deliveries: Vec::new() };
            }
        };
        let deliveries = by_channel(matches)
            .into_iter()
            .map(|(channel, ms)| Delivery { channel, messages: render::watch_posts(&ms) })
            .filter(|d| !d.messages.is_empty())
            .collect();
        WatchBatch { articles, deliveries }
    }

    /// Records a batch's articles as seen: they are never posted again.
    pub fn watch_done(&self, batch: &WatchBatch, cursor: &Cursor) {
        let corpus = match self.engine.article_ids() {
            Ok(ids) => ids,
            Err(e) => {
                tracing::error!("watches: cannot list the corpus: {e}");
                return;
            }
        };
        if let Err(e) = cursor.mark(&batch.articles, &corpus) {
            tracing::error!("watches: cannot record what was posted: {e}");
        }
    }

    /// A channel that refused the bot (Discord said 403 or 404): its
    /// watches are disabled, with one audit line.
    pub fn watch_channel_refused(&self, channel: &str, reason: &str) {
        let Some(watches) = self.watches() else { return };
        match watches.disable_channel(channel, reason) {
            Ok(disabled) if !disabled.is_empty() => {
                let ids: Vec<String> = disabled.iter().map(|w| format!("w{}", w.id)).collect();
                let parley = User::new("parley", "Parley", true);
                self.audit(
                    &parley,
                    "watch-disabled",
                    &format!("channel {channel}"),
                    "disabled",
                    None,
                    &format!("{reason}: watches {} no longer post", ids.join(", ")),
                );
            }
            Ok(_) => {}
            Err(e) => tracing::error!("watches: cannot disable the watches of channel {channel}: {e}"),
        }
    }
}

fn watch_error(e: &WatchError) -> Reply {
    match e {
        WatchError::Write(_) | WatchError::Broken { .. } => {
            tracing::error!("{e}");
            Reply::notice("Something went wrong on Parley's side saving the watches. Try again in a moment.")
        }
        other => Reply::notice(&escape(&cut(&other.to_string(), 500))),
    }
}
