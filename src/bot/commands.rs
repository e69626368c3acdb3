//! The command list as data (names, options, descriptions, who may use
//! them) and the [`Command`] parsed from an [`Invocation`].
//!
//! The Discord adapter registers exactly this list; the console parses
//! typed lines against it. No Discord types, no engine calls.

use time::Date;

use crate::answer::{AskQuery, CompareQuery, TimelineQuery, WhoSaidQuery};
use crate::article::Published;
use crate::corpus::ArticleDraft;
use crate::engine::WatchTarget;
use crate::feedback::Vote;

use super::{Attachment, Invocation, Kind, OptionValue};

/// The type of an option's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionKind {
    String,
    Boolean,
    Attachment,
}

/// One option of a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OptionSpec {
    pub name: &'static str,
    pub description: &'static str,
    pub kind: OptionKind,
    pub required: bool,
    pub autocomplete: bool,
    /// For strings.
    pub max_length: Option<u16>,
}

/// A subcommand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubcommandSpec {
    pub name: &'static str,
    pub description: &'static str,
    pub options: &'static [OptionSpec],
}

/// A group of subcommands (`/corpus feed add`): Discord shows the group's
/// name between the command's and the subcommand's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupSpec {
    pub name: &'static str,
    pub description: &'static str,
    pub subcommands: &'static [SubcommandSpec],
}

/// A slash command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandSpec {
    pub name: &'static str,
    pub description: &'static str,
    /// Only moderators (Manage Server or the moderator role); registered
    /// with `default_member_permissions` and checked again on every call.
    pub moderator: bool,
    pub options: &'static [OptionSpec],
    pub subcommands: &'static [SubcommandSpec],
    /// Subcommand groups; an invocation of one names its subcommand as
    /// `"<group> <subcommand>"`.
    pub groups: &'static [GroupSpec],
}

impl CommandSpec {
    /// A subcommand by its invocation name (`add`, or `feed add` in a group).
    pub fn subcommand(&self, name: &str) -> Option<&'static SubcommandSpec> {
        match name.split_once(' ') {
            None => self.subcommands.iter().find(|s| s.name == name),
            Some((group, sub)) => {
                self.groups.iter().find(|g| g.name == group)?.subcommands.iter().find(|s| s.name == sub)
            }
        }
    }

    /// Every subcommand with its invocation name, groups' included.
    pub fn all_subcommands(&self) -> Vec<(String, &'static SubcommandSpec)> {
        let mut all: Vec<(String, &'static SubcommandSpec)> =
            self.subcommands.iter().map(|s| (s.name.to_owned(), s)).collect();
        for g in self.groups {
            all.extend(g.subcommands.iter().map(|s| (format!("{} {}", g.name, s.name), s)));
        }
        all
    }
}

const fn opt(name: &'static str, description: &'static str, kind: OptionKind, required: bool) -> OptionSpec {
    OptionSpec { name, description, kind, required, autocomplete: false, max_length: None }
}

const fn text(name: &'static str, description: &'static str, required: bool, max: u16) -> OptionSpec {
    OptionSpec { name, description, kind: OptionKind::String, required, autocomplete: false, max_length: Some(max) }
}

const fn completed(name: &'static str, description: &'static str, required: bool, max: u16) -> OptionSpec {
    OptionSpec { name, description, kind: OptionKind::String, required, autocomplete: true, max_length: Some(max) }
}

const SINCE: OptionSpec = text("since", "Only articles published on or after this day (YYYY-MM-DD)", false, 32);
const UNTIL: OptionSpec = text("until", "Only articles published on or before this day (YYYY-MM-DD)", false, 32);

/// Every command the bot answers, in the order they are listed.
pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "ask",
        description: "Find passages in the corpus that answer a question, with their sources",
        moderator: false,
        options: &[
            text("question", "What you want to know", true, 500),
            SINCE,
            UNTIL,
            completed("outlet", "Only this outlet", false, 100),
            opt("private", "Show the answer to you only", OptionKind::Boolean, false),
        ],
        subcommands: &[],
        groups: &[],
    },
    CommandSpec {
        name: "who-said",
        description: "Statements the corpus attributes to a person, with their sources",
        moderator: false,
        options: &[
            completed("person", "Who (start typing a name)", true, 100),
            text("about", "Only statements about this topic", false, 200),
            SINCE,
            UNTIL,
        ],
        subcommands: &[],
        groups: &[],
    },
    CommandSpec {
        name: "timeline",
        description: "Dated statements and reports on a topic, by week or month, with a chart",
        moderator: false,
        options: &[
            text("topic", "What about (a few words)", true, 200),
            completed("person", "Only this person's or side's statements (start typing)", false, 100),
            SINCE,
            UNTIL,
        ],
        subcommands: &[],
        groups: &[],
    },
    CommandSpec {
        name: "compare",
        description: "What two people or sides said on a topic, side by side",
        moderator: false,
        options: &[
            completed("a", "A person or a side (start typing)", true, 100),
            completed("b", "Another person or side", true, 100),
            text("topic", "What about (a few words)", true, 200),
            SINCE,
            UNTIL,
        ],
        subcommands: &[],
        groups: &[],
    },
    CommandSpec {
        name: "article",
        description: "An article's details, first paragraph and link",
        moderator: false,
        options: &[completed("id", "The article (start typing its title)", true, 120)],
        subcommands: &[],
        groups: &[],
    },
    CommandSpec {
        name: "sources",
        description: "The articles in the corpus, newest first",
        moderator: false,
        options: &[completed("outlet", "Only this outlet", false, 100)],
        subcommands: &[],
        groups: &[],
    },
    CommandSpec {
        name: "about",
        description: "What Parley is and what its corpus holds",
        moderator: false,
        options: &[],
        subcommands: &[],
        groups: &[],
    },
    CommandSpec {
        name: "watch",
        description: "Be told in this channel when new articles quote a person or answer a question",
        moderator: false,
        options: &[],
        subcommands: &[
            SubcommandSpec {
                name: "add",
                description: "Watch for a person's statements or a question (moderators; anyone in DMs)",
                options: &[
                    completed("person", "Post when this person is quoted (start typing a name)", false, 100),
                    text("query", "Post when a new passage answers this", false, 200),
                ],
            },
            SubcommandSpec { name: "list", description: "The watches of this channel", options: &[] },
            SubcommandSpec {
                name: "remove",
                description: "Stop a watch (moderators; anyone in DMs)",
                options: &[text("id", "The watch's number (see /watch list)", true, 20)],
            },
        ],
        groups: &[],
    },
    CommandSpec {
        name: "corpus",
        description: "Curate the corpus (moderators)",
        moderator: true,
        options: &[],
        subcommands: &[
            SubcommandSpec {
                name: "add",
                description: "Add an article from a web page",
                options: &[text("url", "The article's address (http or https)", true, 1000)],
            },
            SubcommandSpec {
                name: "add-file",
                description: "Add an article from an attached .txt, .md or .html file",
                options: &[opt("file", "The file (.txt, .md or .html, at most 2 MB)", OptionKind::Attachment, true)],
            },
            SubcommandSpec {
                name: "add-text",
                description: "Add an article by pasting its text into a form",
                options: &[],
            },
            SubcommandSpec {
                name: "remove",
                description: "Remove an article",
                options: &[completed("id", "The article (start typing its title)", true, 120)],
            },
            SubcommandSpec {
                name: "alias",
                description: "Record another spelling of a name, or put the name on a side",
                options: &[
                    text("name", "The name as the corpus knows it", true, 100),
                    text("variant", "Another spelling of it", false, 100),
                    completed("side", "Put the name on this side (for /compare and /timeline)", false, 100),
                ],
            },
            SubcommandSpec { name: "reports", description: "Open reports of wrong attributions", options: &[] },
            SubcommandSpec {
                name: "resolve",
                description: "Resolve a report: hide the statement, fix an alias, or dismiss",
                options: &[
                    completed("report", "The report (see /corpus reports)", true, 20),
                    completed("action", "hide, alias or dismiss", true, 10),
                    text("name", "alias: the right name for the speaker as written", false, 100),
                    text("variant", "alias: the spelling to map (default: the speaker as written)", false, 100),
                ],
            },
        ],
        groups: &[GroupSpec {
            name: "feed",
            description: "News feeds Parley follows and adds articles from",
            subcommands: &[
                SubcommandSpec {
                    name: "add",
                    description: "Subscribe to a news feed (RSS, Atom, JSON Feed) or a page that links one",
                    options: &[
                        text("url", "The feed's address, or a page that links its feed", true, 1000),
                        text("outlet", "The outlet recorded on its articles", false, 100),
                        text("every", "How often to poll it: 30m, 2h, 1d (default 30m)", false, 16),
                        text("tag", "A tag for every article from it", false, 40),
                    ],
                },
                SubcommandSpec {
                    name: "list",
                    description: "The feeds, when they were polled and their last error",
                    options: &[],
                },
                SubcommandSpec {
                    name: "remove",
                    description: "Unsubscribe from a feed (its articles stay)",
                    options: &[completed("feed", "The feed (start typing its id)", true, 60)],
                },
                SubcommandSpec {
                    name: "poll",
                    description: "Poll the feeds now, or one of them",
                    options: &[completed("feed", "Only this feed", false, 60)],
                },
            ],
        }],
    },
];

/// A message command (Discord application command type 3): listed in a
/// message's Apps menu, it takes that message's text. In the console it
/// is typed as `/<console> text:…`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageCommandSpec {
    /// The name Discord shows (spaces and capitals allowed).
    pub name: &'static str,
    /// The console's slash-command spelling.
    pub console: &'static str,
    /// For `/help` (Discord shows no description for message commands).
    pub description: &'static str,
}

/// Every message command the bot answers.
pub const MESSAGE_COMMANDS: &[MessageCommandSpec] = &[MessageCommandSpec {
    name: "Find sources",
    console: "find-sources",
    description: "What the corpus holds on a message's claim, with sources (only you see the answer)",
}];

/// The spec of a message command by its name or console spelling.
pub fn message_spec(name: &str) -> Option<&'static MessageCommandSpec> {
    MESSAGE_COMMANDS.iter().find(|c| c.name == name || c.console == name)
}

/// What a moderator does with a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// Hide the statement from answers (the article keeps it).
    Hide,
    /// Record `variant` as a spelling of `name`.
    Alias { name: String, variant: Option<String> },
    /// Nothing is wrong.
    Dismiss,
}

impl Resolution {
    pub fn as_str(&self) -> &'static str {
        match self {
            Resolution::Hide => "hide",
            Resolution::Alias { .. } => "alias",
            Resolution::Dismiss => "dismiss",
        }
    }
}

/// The spec of a command by name.
pub fn spec(name: &str) -> Option<&'static CommandSpec> {
    COMMANDS.iter().find(|c| c.name == name)
}

/// Custom ids of the buttons and the form.
pub mod ids {
    /// Next page of an `/ask`: `ask:<key>:<offset>`.
    pub const ASK_PAGE: &str = "ask";
    /// Next page of a `/who-said`: `who:<key>:<offset>`.
    pub const WHO_PAGE: &str = "who";
    /// A page of `/sources`: `src:<page>[:<outlet>]`.
    pub const SOURCES_PAGE: &str = "src";
    /// A passage's context: `ctx:<ord>:<article id>`.
    pub const CONTEXT: &str = "ctx";
    /// The add-text form.
    pub const ADD_TEXT: &str = "add-text";
    /// Feedback on an answer: `fb:<answer id>:up|down|wrong`.
    pub const FEEDBACK: &str = "fb";
    /// The wrong-attribution form: `fbw:<answer id>`.
    pub const WRONG_FORM: &str = "fbw";
    /// A moderator's quick resolution on `/corpus reports`: `rr:<report id>:hide|dismiss`.
    pub const RESOLVE: &str = "rr";
}

/// A request the bot understands.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Ask {
        query: AskQuery,
        private: bool,
    },
    WhoSaid(WhoSaidQuery),
    Timeline(TimelineQuery),
    Compare(CompareQuery),
    Article(String),
    /// `button`: a page button was pressed (the list is updated in place).
    Sources {
        outlet: Option<String>,
        page: usize,
        button: bool,
    },
    About,
    AddUrl(String),
    AddFile(Attachment),
    AddTextForm,
    AddText(ArticleDraft),
    Remove(String),
    /// A spelling variant, a side, or both (at least one).
    Alias {
        name: String,
        variant: Option<String>,
        side: Option<String>,
    },
    /// A watch on a person or a question, posting in this channel.
    WatchAdd(WatchTarget),
    WatchList,
    WatchRemove(String),
    FeedAdd(crate::feeds::Subscription),
    FeedList,
    FeedRemove(String),
    /// `None`: every feed.
    FeedPoll(Option<String>),
    /// Autocomplete for `option` of `command` (`corpus remove` for subcommands).
    Complete {
        command: String,
        option: String,
        prefix: String,
    },
    AskPage {
        key: String,
        offset: usize,
    },
    WhoSaidPage {
        key: String,
        offset: usize,
    },
    Context {
        id: String,
        ord: u32,
    },
    /// "Find sources" on a message's text.
    FindSources(String),
    /// 👍 or 👎 on an answer.
    Vote {
        answer: String,
        vote: Vote,
    },
    /// "Wrong attribution" was pressed: ask which statement.
    WrongForm {
        answer: String,
    },
    /// The wrong-attribution form came back.
    Wrong {
        answer: String,
        rank: u32,
        note: String,
    },
    Reports,
    Resolve {
        report: String,
        resolution: Resolution,
    },
}

impl Command {
    /// Whether only moderators may run it.
    pub fn needs_moderator(&self) -> bool {
        matches!(
            self,
            Command::AddUrl(_)
                | Command::AddFile(_)
                | Command::AddTextForm
                | Command::AddText(_)
                | Command::Remove(_)
                | Command::Alias { .. }
                | Command::Reports
                | Command::Resolve { .. }
                | Command::FeedAdd(_)
                | Command::FeedList
                | Command::FeedRemove(_)
                | Command::FeedPoll(_)
        ) || matches!(self, Command::Complete { command, .. } if command.starts_with("corpus"))
    }

    /// Whether it counts towards the per-user question limit (watch
    /// changes count too: each one rewrites the watch list; so do article,
    /// source-list and about look-ups and their page buttons, which read
    /// the whole index: one bucket bounds what one member can make the
    /// bot do, whichever command they pick).
    pub fn is_question(&self) -> bool {
        matches!(
            self,
            Command::Ask { .. }
                | Command::WhoSaid(_)
                | Command::Timeline(_)
                | Command::Compare(_)
                | Command::AskPage { .. }
                | Command::WhoSaidPage { .. }
                | Command::Context { .. }
                | Command::FindSources(_)
                | Command::Vote { .. }
                | Command::Wrong { .. }
                | Command::WatchAdd(_)
                | Command::WatchRemove(_)
                | Command::Article(_)
                | Command::Sources { .. }
                | Command::About
        )
    }

    /// The audit action name of a moderator command.
    pub fn action(&self) -> &'static str {
        match self {
            Command::AddUrl(_) => "add-url",
            Command::AddFile(_) => "add-file",
            Command::AddTextForm | Command::AddText(_) => "add-text",
            Command::Remove(_) => "remove",
            Command::Alias { .. } => "alias",
            Command::Reports => "reports",
            Command::Resolve { .. } => "resolve",
            Command::WatchAdd(_) => "watch-add",
            Command::WatchRemove(_) => "watch-remove",
            Command::FeedAdd(_) => "feed-add",
            Command::FeedList => "feed-list",
            Command::FeedRemove(_) => "feed-remove",
            Command::FeedPoll(_) => "feed-poll",
            _ => "other",
        }
    }
}

/// Whether an invocation, parsed or not, belongs to a moderator command:
/// a moderator slash command (or its autocomplete), or the add-text form.
pub fn for_moderators(inv: &Invocation) -> bool {
    match inv.kind {
        Kind::Command | Kind::Autocomplete { .. } => spec(&inv.name).is_some_and(|c| c.moderator),
        Kind::ModalSubmit => inv.name == ids::ADD_TEXT,
        Kind::Button | Kind::MessageCommand => false,
    }
}

/// Why an invocation is not a command; shown to the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("unknown command /{0}")]
    UnknownCommand(String),
    #[error("/{0} needs a subcommand")]
    NoSubcommand(String),
    #[error("{0} is missing")]
    Missing(&'static str),
    #[error("{option}: {value:?} is not a date (use YYYY-MM-DD with a year from 1000 to 9999)")]
    BadDate { option: &'static str, value: String },
    #[error("since ({since}) is after until ({until})")]
    EmptyRange { since: Date, until: Date },
    #[error("give either person or query (one of them)")]
    WatchTarget,
    #[error("this button has expired: run the command again")]
    Expired,
    #[error("{0:?} is not an action: use hide, alias or dismiss")]
    BadAction(String),
    #[error("alias needs the right name (name:…)")]
    AliasName,
    #[error("{0:?} is not a statement number: give the number shown before its title")]
    BadRank(String),
    #[error("that message has no text to look up")]
    NoText,
}

fn string(inv: &Invocation, name: &str) -> Option<String> {
    inv.options.iter().find(|(n, _)| n == name).and_then(|(_, v)| match v {
        OptionValue::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
        _ => None,
    })
}

fn required(inv: &Invocation, name: &'static str) -> Result<String, ParseError> {
    string(inv, name).ok_or(ParseError::Missing(name))
}

fn boolean(inv: &Invocation, name: &str) -> bool {
    inv.options.iter().any(|(n, v)| n == name && matches!(v, OptionValue::Bool(true)))
}

fn date(inv: &Invocation, name: &'static str) -> Result<Option<Date>, ParseError> {
    match string(inv, name) {
        None => Ok(None),
        Some(v) => {
            Published::parse(&v).map(|p| Some(p.date())).map_err(|_| ParseError::BadDate { option: name, value: v })
        }
    }
}

fn range(inv: &Invocation) -> Result<(Option<Date>, Option<Date>), ParseError> {
    let (since, until) = (date(inv, "since")?, date(inv, "until")?);
    if let (Some(s), Some(u)) = (since, until) {
        if s > u {
            return Err(ParseError::EmptyRange { since: s, until: u });
        }
    }
    Ok((since, until))
}

/// Parses an invocation into a command.
pub fn parse(inv: &Invocation) -> Result<Command, ParseError> {
    match &inv.kind {
        Kind::Autocomplete { focused } => {
            let prefix = string(inv, focused).unwrap_or_default();
            let command = match &inv.subcommand {
                Some(sub) => format!("{} {sub}", inv.name),
                None => inv.name.clone(),
            };
            Ok(Command::Complete { command, option: focused.clone(), prefix })
        }
        Kind::Button => parse_button(&inv.name),
        Kind::ModalSubmit => parse_modal(inv),
        Kind::Command => parse_command(inv),
        Kind::MessageCommand => match message_spec(&inv.name) {
            Some(_) => string(inv, "text").map(Command::FindSources).ok_or(ParseError::NoText),
            None => Err(ParseError::UnknownCommand(inv.name.clone())),
        },
    }
}

fn parse_command(inv: &Invocation) -> Result<Command, ParseError> {
    match inv.name.as_str() {
        "ask" => {
            let mut query = AskQuery::new(required(inv, "question")?);
            (query.since, query.until) = range(inv)?;
            query.outlet = string(inv, "outlet");
            Ok(Command::Ask { query, private: boolean(inv, "private") })
        }
        "who-said" => {
            let mut query = WhoSaidQuery::new(required(inv, "person")?);
            query.about = string(inv, "about");
            (query.since, query.until) = range(inv)?;
            Ok(Command::WhoSaid(query))
        }
        "timeline" => {
            let mut query = TimelineQuery::new(required(inv, "topic")?);
            query.person = string(inv, "person");
            (query.since, query.until) = range(inv)?;
            Ok(Command::Timeline(query))
        }
        "compare" => {
            let mut query = CompareQuery::new(required(inv, "a")?, required(inv, "b")?, required(inv, "topic")?);
            (query.since, query.until) = range(inv)?;
            Ok(Command::Compare(query))
        }
        "article" => Ok(Command::Article(required(inv, "id")?)),
        "sources" => Ok(Command::Sources { outlet: string(inv, "outlet"), page: 0, button: false }),
        "about" => Ok(Command::About),
        "corpus" => match inv.subcommand.as_deref() {
            Some("add") => Ok(Command::AddUrl(required(inv, "url")?)),
            Some("add-file") => {
                let file = inv.options.iter().find_map(|(n, v)| match v {
                    OptionValue::Attachment(a) if n == "file" => Some(a.clone()),
                    _ => None,
                });
                file.map(Command::AddFile).ok_or(ParseError::Missing("file"))
            }
            Some("add-text") => Ok(Command::AddTextForm),
            Some("remove") => Ok(Command::Remove(required(inv, "id")?)),
            Some("alias") => {
                let (name, variant, side) = (required(inv, "name")?, string(inv, "variant"), string(inv, "side"));
                if variant.is_none() && side.is_none() {
                    return Err(ParseError::Missing("a variant or a side"));
                }
                Ok(Command::Alias { name, variant, side })
            }
            Some("reports") => Ok(Command::Reports),
            Some("resolve") => {
                let report = required(inv, "report")?;
                let action = required(inv, "action")?;
                let resolution = match action.to_ascii_lowercase().as_str() {
                    "hide" => Resolution::Hide,
                    "dismiss" => Resolution::Dismiss,
                    "alias" => Resolution::Alias {
                        name: string(inv, "name").ok_or(ParseError::AliasName)?,
                        variant: string(inv, "variant"),
                    },
                    _ => return Err(ParseError::BadAction(action.chars().take(20).collect())),
                };
                Ok(Command::Resolve { report, resolution })
            }
            Some("feed add") => Ok(Command::FeedAdd(crate::feeds::Subscription {
                url: required(inv, "url")?,
                outlet: string(inv, "outlet"),
                every: string(inv, "every"),
                tags: string(inv, "tag").into_iter().collect(),
                added_by: inv.user.added_by(),
            })),
            Some("feed list") => Ok(Command::FeedList),
            Some("feed remove") => Ok(Command::FeedRemove(required(inv, "feed")?)),
            Some("feed poll") => Ok(Command::FeedPoll(string(inv, "feed"))),
            Some(other) => Err(ParseError::UnknownCommand(format!("corpus {other}"))),
            None => Err(ParseError::NoSubcommand("corpus".into())),
        },
        "watch" => match inv.subcommand.as_deref() {
            Some("add") => match (string(inv, "person"), string(inv, "query")) {
                (Some(p), None) => Ok(Command::WatchAdd(WatchTarget::Person(p))),
                (None, Some(q)) => Ok(Command::WatchAdd(WatchTarget::Query(q))),
                _ => Err(ParseError::WatchTarget),
            },
            Some("list") => Ok(Command::WatchList),
            Some("remove") => Ok(Command::WatchRemove(required(inv, "id")?)),
            Some(other) => Err(ParseError::UnknownCommand(format!("watch {other}"))),
            None => Err(ParseError::NoSubcommand("watch".into())),
        },
        other => Err(ParseError::UnknownCommand(other.to_owned())),
    }
}

fn parse_button(custom_id: &str) -> Result<Command, ParseError> {
    let mut parts = custom_id.splitn(3, ':');
    let (tag, a, b) = (parts.next().unwrap_or(""), parts.next(), parts.next());
    match (tag, a, b) {
        (ids::ASK_PAGE, Some(key), Some(off)) => {
            Ok(Command::AskPage { key: key.to_owned(), offset: off.parse().map_err(|_| ParseError::Expired)? })
        }
        (ids::WHO_PAGE, Some(key), Some(off)) => {
            Ok(Command::WhoSaidPage { key: key.to_owned(), offset: off.parse().map_err(|_| ParseError::Expired)? })
        }
        (ids::SOURCES_PAGE, Some(page), outlet) => Ok(Command::Sources {
            page: page.parse().map_err(|_| ParseError::Expired)?,
            outlet: outlet.map(str::to_owned).filter(|o| !o.is_empty()),
            button: true,
        }),
        (ids::CONTEXT, Some(ord), Some(id)) => {
            Ok(Command::Context { id: id.to_owned(), ord: ord.parse().map_err(|_| ParseError::Expired)? })
        }
        (ids::FEEDBACK, Some(answer), Some(what)) if crate::feedback::is_id(answer) => {
            let answer = answer.to_owned();
            match what {
                "up" => Ok(Command::Vote { answer, vote: Vote::Up }),
                "down" => Ok(Command::Vote { answer, vote: Vote::Down }),
                "wrong" => Ok(Command::WrongForm { answer }),
                _ => Err(ParseError::Expired),
            }
        }
        (ids::RESOLVE, Some(report), Some(what)) if crate::feedback::is_id(report) => {
            let resolution = match what {
                "hide" => Resolution::Hide,
                "dismiss" => Resolution::Dismiss,
                _ => return Err(ParseError::Expired),
            };
            Ok(Command::Resolve { report: report.to_owned(), resolution })
        }
        _ => Err(ParseError::Expired),
    }
}

fn parse_modal(inv: &Invocation) -> Result<Command, ParseError> {
    if let Some(answer) = inv.name.strip_prefix(ids::WRONG_FORM).and_then(|r| r.strip_prefix(':')) {
        if !crate::feedback::is_id(answer) {
            return Err(ParseError::Expired);
        }
        let n = required(inv, "number")?;
        let rank = n.trim_start_matches('#').trim_end_matches('.').parse::<u32>().ok().filter(|r| *r > 0);
        return Ok(Command::Wrong {
            answer: answer.to_owned(),
            rank: rank.ok_or_else(|| ParseError::BadRank(n.chars().take(20).collect()))?,
            note: string(inv, "note").unwrap_or_default(),
        });
    }
    if inv.name != ids::ADD_TEXT {
        return Err(ParseError::Expired);
    }
    let published = match string(inv, "date") {
        None => None,
        Some(v) if v.eq_ignore_ascii_case("unknown") => None,
        Some(v) => Some(Published::parse(&v).map_err(|_| ParseError::BadDate { option: "date", value: v })?),
    };
    let draft = ArticleDraft {
        title: Some(required(inv, "title")?),
        outlet: string(inv, "outlet"),
        url: string(inv, "url"),
        published,
        body: required(inv, "body")?,
        origin: "the add-text form".to_owned(),
        ..ArticleDraft::default()
    };
    Ok(Command::AddText(draft))
}

/// The help text: every command with its options.
pub fn help() -> String {
    let mut out = String::new();
    for c in COMMANDS {
        let who = if c.moderator { " (moderators)" } else { "" };
        if c.subcommands.is_empty() && c.groups.is_empty() {
            out.push_str(&format!("/{}{} — {}{who}\n", c.name, usage(c.options), c.description));
        } else {
            for (name, s) in c.all_subcommands() {
                out.push_str(&format!("/{} {name}{} — {}{who}\n", c.name, usage(s.options), s.description));
            }
        }
    }
    for m in MESSAGE_COMMANDS {
        out.push_str(&format!(
            "/{} <text> — {} (in Discord: a message's Apps → {})\n",
            m.console, m.description, m.name
        ));
    }
    out
}

fn usage(options: &[OptionSpec]) -> String {
    options.iter().map(|o| if o.required { format!(" <{}>", o.name) } else { format!(" [{}]", o.name) }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bot::User;

    fn inv(name: &str, sub: Option<&str>, opts: &[(&str, &str)]) -> Invocation {
        Invocation {
            kind: Kind::Command,
            name: name.into(),
            subcommand: sub.map(str::to_owned),
            options: opts.iter().map(|(k, v)| (k.to_string(), OptionValue::String(v.to_string()))).collect(),
            user: User::new("1", "ana", false),
            place: crate::bot::Place::default(),
        }
    }

    #[test]
    fn command_names_and_options_are_valid_for_discord() {
        let valid = |s: &str| {
            !s.is_empty()
                && s.len() <= 32
                && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        };
        for c in COMMANDS {
            assert!(valid(c.name), "{}", c.name);
            assert!((1..=100).contains(&c.description.chars().count()), "{}", c.name);
            let mut all: Vec<&OptionSpec> = c.options.iter().collect();
            for g in c.groups {
                assert!(valid(g.name) && (1..=100).contains(&g.description.chars().count()), "{}", g.name);
                assert!(!c.subcommands.iter().any(|s| s.name == g.name), "{} is both", g.name);
            }
            for (_, s) in c.all_subcommands() {
                assert!(valid(s.name) && (1..=100).contains(&s.description.chars().count()), "{}", s.name);
                all.extend(s.options);
                let req: Vec<bool> = s.options.iter().map(|o| o.required).collect();
                assert!(req.windows(2).all(|w| w[0] || !w[1]), "{}", s.name);
            }
            for o in all {
                assert!(valid(o.name) && (1..=100).contains(&o.description.chars().count()), "{}", o.name);
            }
            // Required options come first.
            let req: Vec<bool> = c.options.iter().map(|o| o.required).collect();
            assert!(req.windows(2).all(|w| w[0] || !w[1]), "{}", c.name);
        }
        for m in MESSAGE_COMMANDS {
            assert!((1..=32).contains(&m.name.chars().count()) && m.name.trim() == m.name, "{}", m.name);
            assert!(valid(m.console) && spec(m.console).is_none(), "{}", m.console);
            assert_eq!(message_spec(m.name), message_spec(m.console));
        }
    }

    #[test]
    fn commands_parse_with_their_options() {
        let c = parse(&inv(
            "ask",
            None,
            &[("question", " where will they meet "), ("since", "2025-08-01"), ("outlet", "Quill")],
        ))
        .unwrap();
        let Command::Ask { query, private } = c else { panic!("{c:?}") };
        assert_eq!(query.question, "where will they meet");
        assert_eq!(query.since.map(|d| d.to_string()).as_deref(), Some("2025-08-01"));
        assert_eq!(query.outlet.as_deref(), Some("Quill"));
        assert!(!private);
        assert!(
            matches!(parse(&inv("corpus", Some("remove"), &[("id", "a-b")])), Ok(Command::Remove(id)) if id == "a-b")
        );
        assert!(matches!(parse(&inv("corpus", Some("add-text"), &[])), Ok(Command::AddTextForm)));
        let add = parse(&inv(
            "corpus",
            Some("feed add"),
            &[("url", "https://v.example/rss"), ("every", "2h"), ("tag", "vell")],
        ));
        let Ok(Command::FeedAdd(sub)) = add else { panic!("{add:?}") };
        assert_eq!(
            (sub.url.as_str(), sub.every.as_deref(), sub.tags.clone()),
            ("https://v.example/rss", Some("2h"), vec!["vell".to_owned()])
        );
        assert_eq!(sub.added_by, "ana (1)");
        assert_eq!(parse(&inv("corpus", Some("feed poll"), &[])), Ok(Command::FeedPoll(None)));
        assert_eq!(
            parse(&inv("corpus", Some("feed remove"), &[("feed", "v-example")])),
            Ok(Command::FeedRemove("v-example".into()))
        );
        assert!(parse(&inv("corpus", Some("feed list"), &[])).unwrap().needs_moderator());
        assert_eq!(spec("corpus").unwrap().subcommand("feed poll").map(|s| s.name), Some("poll"));
        assert!(help().contains("/corpus feed add <url> [outlet] [every] [tag]"), "{}", help());
        let c =
            parse(&inv("timeline", None, &[("topic", "ferry"), ("person", "Ada"), ("until", "2031-05-01")])).unwrap();
        let Command::Timeline(t) = c else { panic!("{c:?}") };
        assert_eq!((t.topic.as_str(), t.person.as_deref()), ("ferry", Some("Ada")));
        assert!(t.until.is_some() && t.since.is_none());
        let c = parse(&inv("compare", None, &[("a", "Northmark"), ("b", "Bran Tor"), ("topic", "ferry")])).unwrap();
        assert!(matches!(c, Command::Compare(q) if q.a == "Northmark" && q.b == "Bran Tor" && q.topic == "ferry"));
        let c = parse(&inv("corpus", Some("alias"), &[("name", "Ada Quill"), ("side", "Northmark")])).unwrap();
        assert_eq!(c, Command::Alias { name: "Ada Quill".into(), variant: None, side: Some("Northmark".into()) });
        assert!(c.needs_moderator() && !c.is_question());
    }

    #[test]
    fn bad_options_are_refused_with_a_reason() {
        let cases = [
            (inv("ask", None, &[]), "question is missing"),
            (inv("ask", None, &[("question", "   ")]), "question is missing"),
            (inv("ask", None, &[("question", "x"), ("since", "yesterday")]), "not a date"),
            (inv("ask", None, &[("question", "x"), ("since", "2025-02-01"), ("until", "2025-01-01")]), "is after"),
            (inv("corpus", None, &[]), "needs a subcommand"),
            (inv("corpus", Some("alias"), &[("name", "Ada")]), "a variant or a side is missing"),
            (inv("compare", None, &[("a", "x"), ("topic", "y")]), "b is missing"),
            (inv("timeline", None, &[("topic", "x"), ("since", "2031-02-30")]), "not a date"),
            (inv("nope", None, &[]), "unknown command"),
        ];
        for (i, want) in cases {
            let e = parse(&i).unwrap_err().to_string();
            assert!(e.contains(want), "{e} / {want}");
        }
    }

    #[test]
    fn buttons_parse_and_junk_is_expired() {
        let b = |id: &str| parse(&Invocation { kind: Kind::Button, ..inv(id, None, &[]) });
        assert_eq!(b("ask:k1:5"), Ok(Command::AskPage { key: "k1".into(), offset: 5 }));
        assert_eq!(b("ctx:3:2025-01-01-a-b"), Ok(Command::Context { id: "2025-01-01-a-b".into(), ord: 3 }));
        assert_eq!(
            b("src:2:Quill Daily"),
            Ok(Command::Sources { page: 2, outlet: Some("Quill Daily".into()), button: true })
        );
        for junk in ["", "ask", "ask:k", "ask:k:x", "ctx:-1:a", "zzz:1:2"] {
            assert_eq!(b(junk), Err(ParseError::Expired), "{junk}");
        }
    }

    #[test]
    fn watch_takes_a_person_or_a_query() {
        let add = |opts: &[(&str, &str)]| parse(&inv("watch", Some("add"), opts));
        assert_eq!(
            add(&[("person", " Ilsa Marden ")]),
            Ok(Command::WatchAdd(WatchTarget::Person("Ilsa Marden".into())))
        );
        assert_eq!(
            add(&[("query", "grain corridor")]),
            Ok(Command::WatchAdd(WatchTarget::Query("grain corridor".into())))
        );
        assert_eq!(add(&[]), Err(ParseError::WatchTarget));
        assert_eq!(add(&[("person", "A"), ("query", "b")]), Err(ParseError::WatchTarget));
        assert_eq!(parse(&inv("watch", Some("list"), &[])), Ok(Command::WatchList));
        assert_eq!(parse(&inv("watch", Some("remove"), &[("id", "w2")])), Ok(Command::WatchRemove("w2".into())));
        assert_eq!(parse(&inv("watch", None, &[])), Err(ParseError::NoSubcommand("watch".into())));
        // Typed in the console, a query takes the words after it.
        let typed = crate::bot::console::parse_line("/watch add query:grain corridor deal", &User::new("1", "a", true));
        let typed = parse(&typed.unwrap());
        assert_eq!(typed, Ok(Command::WatchAdd(WatchTarget::Query("grain corridor deal".into()))));
    }

    #[test]
    fn moderator_commands_are_marked() {
        assert!(parse(&inv("corpus", Some("remove"), &[("id", "a")])).unwrap().needs_moderator());
        assert!(!parse(&inv("about", None, &[])).unwrap().needs_moderator());
        let ac = Invocation {
            kind: Kind::Autocomplete { focused: "id".into() },
            ..inv("corpus", Some("remove"), &[("id", "x")])
        };
        assert!(parse(&ac).unwrap().needs_moderator());
    }
}
