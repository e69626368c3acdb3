//! An HTTP interaction's body (what Discord posts, once its signature is
//! verified) → `discord::endpoint::read_interaction` →
//! `discord::convert::invocation` → `bot::commands::parse`: every path a
//! member's slash command, autocomplete, button or form takes before the
//! engine.
#![no_main]
use libfuzzer_sys::fuzz_target;
use parley::bot::commands;
use parley::discord::{convert, endpoint};

fuzz_target!(|data: &[u8]| {
    let Ok(interaction) = endpoint::read_interaction(data) else { return };
    let Some(inv) = convert::invocation(&interaction, &convert::ModeratorRule::default()) else { return };
    // Outside a server nobody is a moderator, whatever the payload claims.
    if inv.place.guild.is_none() {
        assert!(!inv.user.is_moderator, "a moderator outside a server: {inv:?}");
    }
    let _ = commands::for_moderators(&inv);
    if let Ok(command) = commands::parse(&inv) {
        let _ = (command.needs_moderator(), command.is_question(), command.action());
    }
});
