//! `parley console`: the bot's slash commands typed in a terminal, answered
//! with what the bot would post (embeds drawn as text). The console user is
//! a moderator; `/corpus add-file` takes a local path; the add-text form is
//! asked field by field. `/watch` works here too: the console is its own
//! channel, and alerts for articles added in the session are printed after
//! the command that added them. A file the bot would attach (the `/timeline`
//! chart) is named with its size and alt text, and written to a directory
//! when one is given (`parley console --files DIR`).
//!
//! It parses lines against the same command list as Discord and goes
//! through the same [`Bot::execute`]; it must not answer anything itself
//! beyond `/help`, `/next`, `/context N` and `/quit`.

use std::io::{self, BufRead, Read, Write};
use std::sync::{Arc, Mutex, PoisonError};

use crate::article::ArticleId;
use crate::engine::{Cursor, Engine};

use super::commands::{message_spec, spec, OptionKind, OptionSpec, COMMANDS};
use super::reply::{Message, Modal, Reply};
use super::work::{Fetched, Work};
use super::{Attachment, Bot, BotConfig, Invocation, Kind, OptionValue, Place, User};

const EXTRA_HELP: &str = "/next — the next page of the last answer\n/context N — the context of passage N of the last answer\n/help — this list\n/quit — leave\n\
Options: `/who-said Lavrov about talks`, `/who-said person:\"Sergei Lavrov\" since:2025-08-01`, `/ask private:true where will they meet`.\n";

/// Runs the console until `/quit` or the end of the input.
pub fn run(engine: Arc<Engine>, input: impl BufRead, output: impl Write) -> io::Result<()> {
    run_with(engine, input, output, None)
}

/// [`run`], writing attached files into `files` when given.
pub fn run_with(
    engine: Arc<Engine>,
    input: impl BufRead,
    mut output: impl Write,
    files: Option<&std::path::Path>,
) -> io::Result<()> {
    let config = BotConfig::new(&engine);
    // Watches made here post here: articles added in this session are
    // tried on them after each command.
    let arrived: Arc<Mutex<Vec<ArticleId>>> = Arc::default();
    let sink = Arc::clone(&arrived);
    engine.on_arrival(Box::new(move |ids| sink.lock().unwrap_or_else(PoisonError::into_inner).extend_from_slice(ids)));
    let cursor = Cursor::in_memory(engine.article_ids().unwrap_or_default());
    let bot = Bot::new(engine, config);
    let name = std::env::var("USER").ok().filter(|u| !u.is_empty()).unwrap_or_else(|| "console".to_owned());
    let user = User::new("console", &name, true);
    let mut lines = input.lines();
    let mut last: Option<Message> = None;
    writeln!(output, "Parley console — type /help for the commands, /quit to leave.")?;
    loop {
        write!(output, "parley> ")?;
        output.flush()?;
        let Some(line) = lines.next() else { break };
        let line = line?;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let inv = match line.split_whitespace().next().unwrap_or("") {
            "/quit" | "/exit" => break,
            "/help" => {
                write!(output, "{}{EXTRA_HELP}", super::commands::help())?;
                continue;
            }
            "/next" => match press(&last, |l| l.starts_with("Next")) {
                Some(id) => button(&id, &user),
                None => {
                    writeln!(output, "No next page.")?;
                    continue;
                }
            },
            "/context" => {
                let n = line.split_whitespace().nth(1).unwrap_or("1");
                match press(&last, |l| l == format!("Context {n}")) {
                    Some(id) => button(&id, &user),
                    None => {
                        writeln!(output, "No passage {n} in the last answer.")?;
                        continue;
                    }
                }
            }
            _ => match parse_line(line, &user) {
                Ok(inv) => inv,
                Err(e) => {
                    writeln!(output, "{e}")?;
                    continue;
                }
            },
        };
        let reply = bot.execute(inv);
        if let Some(m) = answer(&bot, reply, &user, &mut lines, &mut output)? {
            if let (Some(f), Some(dir)) = (m.file(), files) {
                let path = dir.join(f.name());
                match std::fs::write(&path, f.bytes()) {
                    Ok(()) => writeln!(output, "(attachment written to {})", path.display())?,
                    Err(e) => writeln!(output, "(cannot write the attachment to {}: {e})", path.display())?,
                }
            }
            last = Some(m);
        }
        let ids = std::mem::take(&mut *arrived.lock().unwrap_or_else(PoisonError::into_inner));
        if !ids.is_empty() {
            let batch = bot.watch_batch(&ids, &cursor, &|channel| channel == Place::CONSOLE);
            for d in &batch.deliveries {
                for m in &d.messages {
                    write!(output, "(watch alert)\n{}", render_text(m))?;
                }
            }
            bot.watch_done(&batch, &cursor);
        }
    }
    writeln!(output)?;
    Ok(())
}

/// Prints a reply (filling forms and doing deferred work on the way);
/// returns the message shown, if any.
fn answer(
    bot: &Bot,
    reply: Reply,
    user: &User,
    lines: &mut impl Iterator<Item = io::Result<String>>,
    output: &mut impl Write,
) -> io::Result<Option<Message>> {
    match reply {
        Reply::Message(m) | Reply::Update(m) => {
            write!(output, "{}", render_text(&m))?;
            Ok(Some(m))
        }
        Reply::Choices(choices) => {
            for c in choices {
                writeln!(output, "  {}", c.name())?;
            }
            Ok(None)
        }
        Reply::Modal(modal) => {
            let Some(inv) = fill_form(&modal, user, lines, output)? else {
                writeln!(output, "Cancelled.")?;
                return Ok(None);
            };
            let reply = bot.execute(inv);
            answer(bot, reply, user, lines, output)
        }
        Reply::Defer { work, .. } => {
            writeln!(output, "Working…")?;
            let fetched = match &*work {
                Work::AddFile { attachment, max_bytes, .. } => read_local(&attachment.url, *max_bytes),
                Work::AddUrl { url, .. } => fetch_url(url),
                Work::AddText { .. } => Fetched::Nothing,
                Work::PollFeeds { feed, .. } => poll_feeds(bot, feed.clone()),
            };
            let m = bot.finish(*work, fetched);
            write!(output, "{}", render_text(&m))?;
            Ok(Some(m))
        }
    }
}

fn fetch_url(url: &str) -> Fetched {
    let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => return Fetched::Failed(e.to_string()),
    };
    let config = match crate::web::FetchConfig::from_env() {
        Ok(c) => c,
        Err(e) => return Fetched::Failed(e),
    };
    match rt.block_on(crate::web::fetch_article(url, &config)) {
        Ok(page) => Fetched::Page(Box::new(crate::engine::draft_from_extracted(page, url))),
        Err(e) => Fetched::Failed(e.to_string()),
    }
}

/// Polls the feeds now, as the bot's scheduler would.
fn poll_feeds(bot: &Bot, feed: Option<String>) -> Fetched {
    let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => return Fetched::Failed(e.to_string()),
    };
    let fetch = match crate::web::FetchConfig::from_env() {
        Ok(c) => c,
        Err(e) => return Fetched::Failed(e),
    };
    let poller = Arc::new(crate::feeds::Poller::new(Arc::clone(bot.engine()), crate::feeds::PollConfig::new(fetch)));
    let which = match feed {
        Some(id) => crate::feeds::poll::Which::One(id),
        None => crate::feeds::poll::Which::All,
    };
    match rt.block_on(poller.poll(which)) {
        Ok(report) => Fetched::Polled(Box::new(report)),
        Err(e) => Fetched::Failed(e.to_string()),
    }
}

fn read_local(path: &str, max: u64) -> Fetched {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => return Fetched::Failed(e.to_string()),
    };
    let mut bytes = Vec::new();
    match file.take(max + 1).read_to_end(&mut bytes) {
        Ok(_) if bytes.len() as u64 > max => Fetched::Failed(format!("larger than {max} bytes")),
        Ok(_) => Fetched::Bytes(bytes),
        Err(e) => Fetched::Failed(e.to_string()),
    }
}

/// Asks each input of a form; a paragraph ends with a line holding only
/// `.`. None when the input ends.
fn fill_form(
    modal: &Modal,
    user: &User,
    lines: &mut impl Iterator<Item = io::Result<String>>,
    output: &mut impl Write,
) -> io::Result<Option<Invocation>> {
    writeln!(output, "{} (leave optional fields empty)", modal.title())?;
    let mut options = Vec::new();
    for input in modal.inputs() {
        let opt = if input.required { "" } else { " (optional)" };
        if input.paragraph {
            writeln!(output, "{}{opt} — end with a line with only “.”:", input.label)?;
            let mut text = Vec::new();
            for line in lines.by_ref() {
                let line = line?;
                if line.trim() == "." {
                    break;
                }
                text.push(line);
            }
            options.push((input.custom_id.clone(), OptionValue::String(text.join("\n"))));
        } else {
            write!(output, "{}{opt}: ", input.label)?;
            output.flush()?;
            let Some(line) = lines.next() else { return Ok(None) };
            options.push((input.custom_id.clone(), OptionValue::String(line?.trim().to_owned())));
        }
    }
    Ok(Some(Invocation {
        kind: Kind::ModalSubmit,
        name: modal.custom_id().to_owned(),
        subcommand: None,
        options,
        user: user.clone(),
        place: Place::console(),
    }))
}

/// The custom id of the last message's button whose label fits.
fn press(last: &Option<Message>, label: impl Fn(&str) -> bool) -> Option<String> {
    last.as_ref()?.buttons().find(|b| label(b.label())).map(|b| b.custom_id().to_owned())
}

fn button(custom_id: &str, user: &User) -> Invocation {
    Invocation {
        kind: Kind::Button,
        name: custom_id.to_owned(),
        subcommand: None,
        options: Vec::new(),
        user: user.clone(),
        place: Place::console(),
    }
}

/// A message as text: content, embeds as boxes, buttons in brackets.
pub fn render_text(m: &Message) -> String {
    let mut out = String::new();
    if m.is_ephemeral() {
        out.push_str("(only you can see this)\n");
    }
    if !m.content().is_empty() {
        out.push_str(m.content());
        out.push('\n');
    }
    for e in m.embeds() {
        let mut head = e.get_title().unwrap_or("").to_owned();
        if let Some(u) = e.get_url() {
            head.push_str(&format!("  <{u}>"));
        }
        out.push_str(&format!("┌ {head}\n"));
        if let Some(d) = e.get_description() {
            for l in d.lines() {
                out.push_str(&format!("│ {l}\n"));
            }
        }
        for f in e.get_fields() {
            out.push_str(&format!("│ {}:\n", f.name));
            for l in f.value.lines() {
                out.push_str(&format!("│   {l}\n"));
            }
        }
        out.push_str(&format!("└ {}\n", e.get_footer().unwrap_or("")));
    }
    if let Some(f) = m.file() {
        out.push_str(&format!(
            "[attached: {}, {} — {}]\n",
            f.name(),
            super::work::human_bytes(f.bytes().len() as u64),
            f.description()
        ));
    }
    let buttons: Vec<String> = m.buttons().map(|b| format!("[{}]", b.label())).collect();
    if !buttons.is_empty() {
        out.push_str(&buttons.join(" "));
        out.push('\n');
    }
    out
}

/// A word of a typed line, and whether it was quoted.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Token {
    text: String,
    quoted: bool,
}

/// Splits on spaces; `"…"` and `'…'` group words (also after `name:`).
fn tokenize(s: &str) -> Result<Vec<Token>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut quoted = false;
    let mut started = false;
    for c in s.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => cur.push(c),
            None if c == '"' || c == '“' || c == '\'' && (cur.is_empty() || cur.ends_with(':')) => {
                quote = Some(if c == '“' { '”' } else { c });
                quoted = true;
                started = true;
            }
            None if c.is_whitespace() => {
                if started {
                    out.push(Token { text: std::mem::take(&mut cur), quoted });
                }
                quoted = false;
                started = false;
            }
            None => {
                cur.push(c);
                started = true;
            }
        }
    }
    if quote.is_some() {
        return Err("a quote is not closed".into());
    }
    if started {
        out.push(Token { text: cur, quoted });
    }
    Ok(out)
}

/// Parses a typed slash command into an invocation by `user`.
pub fn parse_line(line: &str, user: &User) -> Result<Invocation, String> {
    let rest = line.trim().strip_prefix('/').ok_or("commands start with / (try /help)")?;
    let first = rest.split_whitespace().next().unwrap_or("");
    if let Some(m) = message_spec(first).filter(|m| m.console == first) {
        // A message command: the rest of the line is the message.
        let text = rest[first.len()..].trim();
        let text = text.strip_prefix("text:").unwrap_or(text).trim();
        let text = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')).unwrap_or(text);
        return Ok(Invocation {
            kind: Kind::MessageCommand,
            name: m.name.to_owned(),
            subcommand: None,
            options: vec![("text".to_owned(), OptionValue::String(text.to_owned()))],
            user: user.clone(),
            place: Place::console(),
        });
    }
    let mut tokens = tokenize(rest)?.into_iter();
    let name = tokens.next().map(|t| t.text).unwrap_or_default();
    let command = spec(&name).ok_or_else(|| format!("unknown command /{name} (try /help)"))?;
    let (subcommand, specs): (Option<String>, &[OptionSpec]) =
        if command.subcommands.is_empty() && command.groups.is_empty() {
            (None, command.options)
        } else {
            let mut sub = tokens.next().map(|t| t.text).unwrap_or_default();
            // A group takes the next word as its subcommand: `/corpus feed add URL`.
            if command.groups.iter().any(|g| g.name == sub) {
                sub = format!("{sub} {}", tokens.next().map(|t| t.text).unwrap_or_default());
            }
            let s = command.subcommand(&sub).ok_or_else(|| {
                let names: Vec<String> = command.all_subcommands().into_iter().map(|(n, _)| n).collect();
                format!("/{name} needs one of: {}", names.join(", "))
            })?;
            (Some(sub), s.options)
        };
    let mut positional: Vec<&OptionSpec> = specs.iter().filter(|o| o.required).collect();
    if positional.is_empty() {
        positional.extend(specs.first());
    }
    // A subcommand's plain second word (`/corpus alias NAME VARIANT`) is
    // positional too, even when optional.
    if subcommand.is_some() && positional.len() == 1 {
        positional.extend(specs.get(1).filter(|o| o.kind == OptionKind::String && !o.autocomplete && !o.required));
    }
    let mut values: Vec<(String, String)> = Vec::new();
    let mut current: Option<&str> = None;
    let mut next_pos = 0;
    let free_text = |o: Option<&str>| matches!(o, Some("question" | "query"));
    for tok in tokens {
        // name:value
        if !tok.quoted || tok.text.contains(':') {
            if let Some((k, v)) = tok.text.split_once(':') {
                if let Some(o) = specs.iter().find(|o| o.name == k) {
                    set(&mut values, o.name, v, false);
                    // A free-text option takes the words after it too
                    // (`/watch add query:grain corridor`).
                    current = free_text(Some(o.name)).then_some(o.name);
                    continue;
                }
            }
        }
        // a bare option name: `about talks`, `private`
        if !tok.quoted && current.is_some() && !free_text(current) {
            if let Some(o) = specs.iter().find(|o| o.name == tok.text && !values.iter().any(|(n, _)| n == o.name)) {
                if o.kind == OptionKind::Boolean {
                    set(&mut values, o.name, "true", false);
                    current = None;
                } else {
                    current = Some(o.name);
                }
                continue;
            }
        }
        // a free word: into the current option, or the next positional
        // one (one word each while more positional options remain)
        let target = match current {
            Some(c) => match positional.iter().position(|p| p.name == c) {
                Some(i) if i + 1 < positional.len() => next_positional(&positional, &mut next_pos),
                _ => Some(c),
            },
            None => next_positional(&positional, &mut next_pos).or_else(|| positional.last().map(|p| p.name)),
        };
        let Some(target) = target else { return Err(format!("too many words: {} (see /help)", tok.text)) };
        set(&mut values, target, &tok.text, true);
        current = Some(target);
    }
    let mut options = Vec::new();
    for (k, v) in values {
        let Some(o) = specs.iter().find(|o| o.name == k) else { continue };
        let value = match o.kind {
            OptionKind::String => OptionValue::String(v),
            OptionKind::Boolean => {
                OptionValue::Bool(matches!(v.to_ascii_lowercase().as_str(), "true" | "yes" | "1" | "on"))
            }
            OptionKind::Attachment => {
                let path = std::path::Path::new(&v);
                let size = std::fs::metadata(path).map_err(|e| format!("{v}: {e}"))?.len();
                let filename = path.file_name().and_then(|f| f.to_str()).unwrap_or(&v).to_owned();
                OptionValue::Attachment(Attachment { filename, size, content_type: None, url: v.clone() })
            }
        };
        options.push((k, value));
    }
    Ok(Invocation { kind: Kind::Command, name, subcommand, options, user: user.clone(), place: Place::console() })
}

fn next_positional<'a>(positional: &[&'a OptionSpec], next: &mut usize) -> Option<&'a str> {
    let p = positional.get(*next)?;
    *next += 1;
    Some(p.name)
}

fn set(values: &mut Vec<(String, String)>, name: &str, word: &str, append: bool) {
    match values.iter_mut().find(|(n, _)| n == name) {
        Some((_, v)) if append => {
            if !v.is_empty() {
                v.push(' ');
            }
            v.push_str(word);
        }
        Some((_, v)) => *v = word.to_owned(),
        None => values.push((name.to_owned(), word.to_owned())),
    }
}

/// Every command name, for completion in a future line editor.
pub fn command_names() -> impl Iterator<Item = &'static str> {
    COMMANDS.iter().map(|c| c.name)
}
