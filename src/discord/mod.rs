//! The Discord bot: the only module that knows serenity. It turns
//! interactions into engine calls and engine answers into messages that keep
//! Discord's limits.
