//! The gateway transport: a serenity client with no privileged intents that
//! registers the commands on READY and answers INTERACTION_CREATE through
//! the shared [`Handler`].

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serenity::all::{ClientBuilder, Command, Context, EventHandler, GatewayIntents, GuildId, Http, Interaction, Ready};

use super::handler::{shutdown_signal, Handler};
use super::{convert, Error};

struct Gateway {
    handler: Arc<Handler>,
    registered: AtomicBool,
}

/// Registers (bulk-overwrites) the command list: to the guild when given
/// (available at once), else globally. Returns how many were registered.
pub async fn register(http: &Http, guild: Option<GuildId>) -> Result<usize, serenity::Error> {
    let commands = convert::commands();
    let done = match guild {
        Some(g) => g.set_commands(http, commands).await?,
        None => Command::set_global_commands(http, commands).await?,
    };
    Ok(done.len())
}

#[serenity::async_trait]
impl EventHandler for Gateway {
    async fn ready(&self, ctx: Context, ready: Ready) {
        tracing::info!(bot = %ready.user.name, guilds = ready.guilds.len(), "connected to Discord");
        if self.registered.swap(true, Ordering::SeqCst) {
            return;
        }
        let guild = self.handler.config().guild_id;
        match register(&ctx.http, guild).await {
            Ok(n) => tracing::info!(
                commands = n,
                scope = if guild.is_some() { "guild" } else { "global" },
                "commands registered"
            ),
            Err(e) => {
                tracing::error!("cannot register the commands: {e}");
                self.registered.store(false, Ordering::SeqCst);
            }
        }
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        let Some(resp) = self.handler.respond(&interaction).await else { return };
        let (id, token) = (interaction.id(), interaction.token());
        // With files, serenity sends multipart: `payload_json` plus `files[0]`.
        if let Err(e) = ctx.http.create_interaction_response(id, token, &resp.initial, resp.files).await {
            tracing::warn!(interaction = %id, "cannot answer: {e}");
            return;
        }
        if let Some(later) = resp.later {
            self.handler.finish_later(&ctx.http, token, later).await;
        }
    }
}

/// Connects and answers until stopped.
pub async fn serve(handler: Arc<Handler>, http: Http) -> Result<(), Error> {
    let gateway = Gateway { handler, registered: AtomicBool::new(false) };
    let mut client = ClientBuilder::new_with_http(http, GatewayIntents::empty()).event_handler(gateway).await?;
    let shards = Arc::clone(&client.shard_manager);
    tokio::spawn(async move {
        shutdown_signal().await;
        shards.shutdown_all().await;
    });
    client.start().await?;
    Ok(())
}
