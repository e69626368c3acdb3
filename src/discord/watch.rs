//! Posting watch alerts to Discord channels: the loop that catches up on
//! start (articles the cursor has not seen), then waits for the engine's
//! arrivals, gathers a burst for a moment, lets the bot build each
//! channel's posts and sends them with `POST /channels/{id}/messages`.
//!
//! A channel that answers 403 or 404 is gone for the bot: its watches are
//! disabled (one audit line) and nothing more is tried there. Other
//! failures are retried a few times, then logged. The batch is recorded as
//! seen once its posts are sent, so a restart neither repeats nor loses
//! them. It must not decide what matches or how a post looks (the bot).

use std::sync::Arc;
use std::time::Duration;

use serenity::all::{ChannelId, Http};
use tokio::sync::mpsc::UnboundedReceiver;

use crate::article::ArticleId;
use crate::bot::{Bot, Message, WatchBatch};
use crate::engine::Cursor;

use super::convert;

/// How long a burst of arrivals is gathered before it is posted.
const SETTLE: Duration = Duration::from_secs(2);
/// Attempts for a post that fails for another reason than the channel.
const ATTEMPTS: u32 = 3;

/// Why a post did not go through.
enum PostError {
    /// The channel refused the bot (403 Forbidden, 404 Unknown Channel).
    Refused(u16),
    Other(String),
}

async fn post(http: &Http, channel: ChannelId, m: &Message) -> Result<(), PostError> {
    match channel.send_message(http, convert::channel_message(m)).await {
        Ok(_) => Ok(()),
        Err(serenity::Error::Http(serenity::http::HttpError::UnsuccessfulRequest(r)))
            if matches!(r.status_code.as_u16(), 403 | 404) =>
        {
            Err(PostError::Refused(r.status_code.as_u16()))
        }
        Err(e) => Err(PostError::Other(e.to_string())),
    }
}

/// Runs until the arrivals channel closes.
pub async fn run(bot: Arc<Bot>, http: Arc<Http>, cursor: Arc<Cursor>, mut arrivals: UnboundedReceiver<Vec<ArticleId>>) {
    // Catch up: whatever entered the corpus while the bot was away.
    let engine = Arc::clone(bot.engine());
    let everything = tokio::task::spawn_blocking(move || {
        let mut all = engine.list().unwrap_or_default();
        all.sort_by(|a, b| {
            a.added_at.map(|t| t.timestamp()).cmp(&b.added_at.map(|t| t.timestamp())).then(a.id.cmp(&b.id))
        });
        all.into_iter().map(|m| m.id).collect::<Vec<_>>()
    })
    .await
    .unwrap_or_default();
    deliver(&bot, &http, &cursor, everything).await;
    while let Some(mut ids) = arrivals.recv().await {
        tokio::time::sleep(SETTLE).await;
        while let Ok(more) = arrivals.try_recv() {
            ids.extend(more);
        }
        deliver(&bot, &http, &cursor, ids).await;
    }
}

async fn deliver(bot: &Arc<Bot>, http: &Http, cursor: &Arc<Cursor>, ids: Vec<ArticleId>) {
    let (b, c) = (Arc::clone(bot), Arc::clone(cursor));
    let batch: WatchBatch = match tokio::task::spawn_blocking(move || {
        b.watch_batch(&ids, &c, &|channel| discord_channel(channel).is_some())
    })
    .await
    {
        Ok(batch) => batch,
        Err(e) => {
            tracing::error!("watches: trying the new articles failed: {e}");
            return;
        }
    };
    if batch.articles.is_empty() {
        return;
    }
    for d in &batch.deliveries {
        let Some(channel) = discord_channel(&d.channel) else { continue };
        for m in &d.messages {
            match post_with_retries(http, channel, m).await {
                Ok(()) => tracing::info!(%channel, embeds = m.embeds().len(), "watch alert posted"),
                Err(PostError::Refused(status)) => {
                    tracing::warn!(%channel, status, "a channel refuses watch alerts; disabling its watches");
                    let (b, ch) = (Arc::clone(bot), d.channel.clone());
                    let reason = format!("Discord answered HTTP {status} when posting");
                    let _ = tokio::task::spawn_blocking(move || b.watch_channel_refused(&ch, &reason)).await;
                    break;
                }
                Err(PostError::Other(e)) => tracing::warn!(%channel, "cannot post a watch alert: {e}"),
            }
        }
    }
    let (b, c) = (Arc::clone(bot), Arc::clone(cursor));
    let _ = tokio::task::spawn_blocking(move || b.watch_done(&batch, &c)).await;
}

/// A watch's channel as a Discord channel id (the console's is not one).
fn discord_channel(channel: &str) -> Option<ChannelId> {
    channel.parse::<u64>().ok().filter(|n| *n > 0).map(ChannelId::new)
}

async fn post_with_retries(http: &Http, channel: ChannelId, m: &Message) -> Result<(), PostError> {
    let mut wait = Duration::from_secs(1);
    let mut attempt = 1;
    loop {
        match post(http, channel, m).await {
            Err(PostError::Other(e)) if attempt < ATTEMPTS => {
                tracing::debug!(%channel, attempt, "posting a watch alert failed ({e}); retrying");
                tokio::time::sleep(wait).await;
                wait *= 2;
                attempt += 1;
            }
            done => return done,
        }
    }
}
