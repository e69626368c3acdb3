//! What the bot answers, in its own types: messages with embeds and
//! buttons, modals, autocomplete choices, and deferred work.
//!
//! Discord's limits hold by construction: every constructor and builder
//! method cuts or drops what would exceed them, so an adapter can send any
//! value of these types as it is. No Discord library types here.

use crate::bot::markdown::{cut, cut_markdown, defuse, len, safe_url};
use crate::bot::work::Work;

/// Message content.
pub const CONTENT_MAX: usize = 2000;
/// Embeds per message.
pub const EMBEDS_MAX: usize = 10;
pub const TITLE_MAX: usize = 256;
pub const DESCRIPTION_MAX: usize = 4096;
pub const FIELDS_MAX: usize = 25;
pub const FIELD_NAME_MAX: usize = 256;
pub const FIELD_VALUE_MAX: usize = 1024;
pub const FOOTER_MAX: usize = 2048;
/// Characters over all embeds of one message.
pub const EMBEDS_TOTAL_MAX: usize = 6000;
pub const CHOICES_MAX: usize = 25;
pub const CHOICE_NAME_MAX: usize = 100;
pub const CHOICE_VALUE_MAX: usize = 100;
pub const CUSTOM_ID_MAX: usize = 100;
pub const BUTTON_LABEL_MAX: usize = 80;
pub const BUTTONS_PER_ROW: usize = 5;
pub const ROWS_MAX: usize = 5;
pub const MODAL_TITLE_MAX: usize = 45;
pub const INPUT_LABEL_MAX: usize = 45;
pub const INPUT_PLACEHOLDER_MAX: usize = 100;
pub const MODAL_INPUTS_MAX: usize = 5;
pub const INPUT_VALUE_MAX: u16 = 4000;
/// An attachment's size: Discord's limit without boosts.
pub const FILE_MAX_BYTES: usize = 8 << 20;
/// An attachment's description (its alt text).
pub const FILE_DESCRIPTION_MAX: usize = 1024;
pub const FILE_NAME_MAX: usize = 64;

/// A file attached to a message (one per message: Discord matches the
/// payload's attachment to `files[0]`). Within the limits by construction:
/// never empty or over [`FILE_MAX_BYTES`], a plain file name, a description
/// (alt text) of at most [`FILE_DESCRIPTION_MAX`] characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    name: String,
    bytes: Vec<u8>,
    description: String,
}

impl File {
    /// None when `bytes` is empty or too large, or the name has nothing
    /// left once reduced to letters, digits, `.`, `-` and `_`.
    pub fn new(name: &str, bytes: Vec<u8>, description: &str) -> Option<File> {
        if bytes.is_empty() || bytes.len() > FILE_MAX_BYTES {
            return None;
        }
        let name: String = name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
            .take(FILE_NAME_MAX)
            .collect();
        let name = name.trim_start_matches('.').to_owned();
        if name.is_empty() {
            return None;
        }
        Some(File { name, bytes, description: cut(&defuse(description.trim()), FILE_DESCRIPTION_MAX) })
    }
    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
    pub fn description(&self) -> &str {
        &self.description
    }
}

/// One embed field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    pub value: String,
    pub inline: bool,
}

/// An embed: a card with a linked title, a description, fields, a footer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Embed {
    title: Option<String>,
    url: Option<String>,
    description: Option<String>,
    fields: Vec<Field>,
    footer: Option<String>,
}

impl Embed {
    pub fn new() -> Embed {
        Embed::default()
    }

    /// The title (markdown, already escaped), cut to 256.
    pub fn title(mut self, title: &str) -> Embed {
        let t = cut_markdown(title.trim(), TITLE_MAX);
        self.title = (!t.is_empty()).then_some(t);
        self
    }

    /// The title's link; ignored unless a plain http(s) URL.
    pub fn url(mut self, url: Option<&str>) -> Embed {
        self.url = url.and_then(safe_url);
        self
    }

    /// The description (markdown, already escaped), cut to 4096.
    pub fn description(mut self, text: &str) -> Embed {
        let d = cut_markdown(text.trim(), DESCRIPTION_MAX);
        self.description = (!d.is_empty()).then_some(d);
        self
    }

    /// Adds a field (markdown, already escaped); ignored past the 25th.
    /// Empty names and values become a dash (Discord refuses empty ones).
    pub fn field(mut self, name: &str, value: &str, inline: bool) -> Embed {
        if self.fields.len() < FIELDS_MAX {
            let name = non_empty(cut_markdown(name.trim(), FIELD_NAME_MAX));
            let value = non_empty(cut_markdown(value.trim(), FIELD_VALUE_MAX));
            self.fields.push(Field { name, value, inline });
        }
        self
    }

    /// The footer (plain text: footers render no markdown), cut to 2048.
    pub fn footer(mut self, text: &str) -> Embed {
        let f = cut(&defuse(text.trim()), FOOTER_MAX);
        self.footer = (!f.is_empty()).then_some(f);
        self
    }

    pub fn get_title(&self) -> Option<&str> {
        self.title.as_deref()
    }
    pub fn get_url(&self) -> Option<&str> {
        self.url.as_deref()
    }
    pub fn get_description(&self) -> Option<&str> {
        self.description.as_deref()
    }
    pub fn get_fields(&self) -> &[Field] {
        &self.fields
    }
    pub fn get_footer(&self) -> Option<&str> {
        self.footer.as_deref()
    }

    /// The characters Discord counts towards the 6,000 of a message.
    pub fn size(&self) -> usize {
        let o = |s: &Option<String>| s.as_deref().map_or(0, len);
        o(&self.title)
            + o(&self.description)
            + o(&self.footer)
            + self.fields.iter().map(|f| len(&f.name) + len(&f.value)).sum::<usize>()
    }

    fn is_empty(&self) -> bool {
        self.title.is_none() && self.description.is_none() && self.fields.is_empty() && self.footer.is_none()
    }

    /// Shrinks the embed to at most `budget` characters: the description
    /// first, then fields from the last, then the footer. False when even
    /// the title alone does not fit.
    fn shrink_to(&mut self, budget: usize) -> bool {
        while self.size() > budget {
            let over = self.size() - budget;
            if let Some(d) = &self.description {
                let keep = len(d).saturating_sub(over);
                self.description = if keep >= 40 { Some(cut_markdown(d, keep)) } else { None };
                continue;
            }
            if let Some(last) = self.fields.last_mut() {
                let keep = len(&last.value).saturating_sub(over);
                if keep >= 40 {
                    last.value = cut_markdown(&last.value, keep);
                } else {
                    self.fields.pop();
                }
                continue;
            }
            if self.footer.take().is_some() {
                continue;
            }
            return false;
        }
        true
    }
}

fn non_empty(s: String) -> String {
    if s.is_empty() {
        "—".to_owned()
    } else {
        s
    }
}

/// How a button looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ButtonStyle {
    Primary,
    Secondary,
}

/// A button that sends its `custom_id` back when pressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Button {
    label: String,
    custom_id: String,
    style: ButtonStyle,
}

impl Button {
    /// None when the custom id is empty or longer than Discord allows.
    pub fn new(custom_id: impl Into<String>, label: &str, style: ButtonStyle) -> Option<Button> {
        let custom_id = custom_id.into();
        if custom_id.is_empty() || len(&custom_id) > CUSTOM_ID_MAX {
            return None;
        }
        let label = non_empty(cut(&defuse(label.trim()), BUTTON_LABEL_MAX));
        Some(Button { label, custom_id, style })
    }
    pub fn label(&self) -> &str {
        &self.label
    }
    pub fn custom_id(&self) -> &str {
        &self.custom_id
    }
    pub fn style(&self) -> ButtonStyle {
        self.style
    }
}

/// A message: content, embeds, rows of buttons; ephemeral ones are seen by
/// the asker only.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Message {
    content: String,
    embeds: Vec<Embed>,
    rows: Vec<Vec<Button>>,
    ephemeral: bool,
    file: Option<File>,
}

impl Message {
    /// A message with this content (markdown, already escaped), cut to 2,000.
    pub fn text(content: &str) -> Message {
        Message { content: cut_markdown(content.trim(), CONTENT_MAX), ..Message::default() }
    }

    /// A short ephemeral message: how errors and refusals are answered.
    pub fn notice(content: &str) -> Message {
        Message::text(content).ephemeral(true)
    }

    pub fn ephemeral(mut self, ephemeral: bool) -> Message {
        self.ephemeral = ephemeral;
        self
    }

    /// Adds an embed: dropped past the 10th or when empty; shrunk (or
    /// dropped) to keep all embeds within 6,000 characters.
    pub fn embed(mut self, mut embed: Embed) -> Message {
        if self.embeds.len() >= EMBEDS_MAX || embed.is_empty() {
            return self;
        }
        let used: usize = self.embeds.iter().map(Embed::size).sum();
        let room = EMBEDS_TOTAL_MAX.saturating_sub(used);
        if embed.size() > room && !embed.shrink_to(room) {
            return self;
        }
        if !embed.is_empty() {
            self.embeds.push(embed);
        }
        self
    }

    /// Adds a row of buttons (at most 5 used; at most 5 rows).
    pub fn row(mut self, buttons: impl IntoIterator<Item = Button>) -> Message {
        let row: Vec<Button> = buttons.into_iter().take(BUTTONS_PER_ROW).collect();
        if !row.is_empty() && self.rows.len() < ROWS_MAX {
            self.rows.push(row);
        }
        self
    }

    /// Attaches a file (replacing one attached before).
    pub fn attach(mut self, file: File) -> Message {
        self.file = Some(file);
        self
    }

    pub fn file(&self) -> Option<&File> {
        self.file.as_ref()
    }

    pub fn content(&self) -> &str {
        &self.content
    }
    pub fn embeds(&self) -> &[Embed] {
        &self.embeds
    }
    pub fn rows(&self) -> &[Vec<Button>] {
        &self.rows
    }
    pub fn is_ephemeral(&self) -> bool {
        self.ephemeral
    }
    /// All buttons, row by row.
    pub fn buttons(&self) -> impl Iterator<Item = &Button> {
        self.rows.iter().flatten()
    }
}

/// One autocomplete suggestion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    name: String,
    value: String,
}

impl Choice {
    /// None when the value is empty or longer than Discord allows (a cut
    /// value would mean something else); the name is cut to 100.
    pub fn new(name: &str, value: &str) -> Option<Choice> {
        if value.is_empty() || len(value) > CHOICE_VALUE_MAX {
            return None;
        }
        Some(Choice { name: non_empty(cut(&defuse(name.trim()), CHOICE_NAME_MAX)), value: value.to_owned() })
    }
    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn value(&self) -> &str {
        &self.value
    }
}

/// A one-line or multi-line text input of a modal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextInput {
    pub custom_id: String,
    pub label: String,
    pub paragraph: bool,
    pub required: bool,
    pub max_length: u16,
    pub placeholder: Option<String>,
}

/// A form Discord shows the user; its answers come back as a modal submit
/// with the same `custom_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Modal {
    custom_id: String,
    title: String,
    inputs: Vec<TextInput>,
}

impl Modal {
    pub fn new(custom_id: &str, title: &str) -> Modal {
        Modal {
            custom_id: custom_id.chars().take(CUSTOM_ID_MAX).collect(),
            title: cut(title, MODAL_TITLE_MAX),
            inputs: Vec::new(),
        }
    }

    /// Adds an input (at most 5).
    pub fn input(
        mut self,
        custom_id: &str,
        label: &str,
        paragraph: bool,
        required: bool,
        max_length: u16,
        placeholder: Option<&str>,
    ) -> Modal {
        if self.inputs.len() < MODAL_INPUTS_MAX {
            self.inputs.push(TextInput {
                custom_id: custom_id.chars().take(CUSTOM_ID_MAX).collect(),
                label: cut(label, INPUT_LABEL_MAX),
                paragraph,
                required,
                max_length: max_length.clamp(1, INPUT_VALUE_MAX),
                placeholder: placeholder.map(|p| cut(p, INPUT_PLACEHOLDER_MAX)),
            });
        }
        self
    }

    pub fn custom_id(&self) -> &str {
        &self.custom_id
    }
    pub fn title(&self) -> &str {
        &self.title
    }
    pub fn inputs(&self) -> &[TextInput] {
        &self.inputs
    }
}

/// The bot's answer to one interaction.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// A new message.
    Message(Message),
    /// Replaces the message whose button was pressed (pagination).
    Update(Message),
    /// Opens a form.
    Modal(Modal),
    /// Autocomplete suggestions (at most 25, by construction of [`Reply::choices`]).
    Choices(Vec<Choice>),
    /// Slow work: acknowledge now, do `work`, then edit the acknowledgement
    /// with what [`crate::bot::Bot::finish`] returns.
    Defer { ephemeral: bool, work: Box<Work> },
}

impl Reply {
    pub fn choices(choices: impl IntoIterator<Item = Choice>) -> Reply {
        Reply::Choices(choices.into_iter().take(CHOICES_MAX).collect())
    }

    pub fn notice(content: &str) -> Reply {
        Reply::Message(Message::notice(content))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embeds_keep_every_limit() {
        let long = "word ".repeat(3000);
        let mut e = Embed::new().title(&long).description(&long).footer(&long);
        for _ in 0..40 {
            e = e.field(&long, &long, false);
        }
        assert!(len(e.get_title().unwrap()) <= TITLE_MAX);
        assert!(len(e.get_description().unwrap()) <= DESCRIPTION_MAX);
        assert!(len(e.get_footer().unwrap()) <= FOOTER_MAX);
        assert_eq!(e.get_fields().len(), FIELDS_MAX);
        assert!(e.get_fields().iter().all(|f| len(&f.name) <= FIELD_NAME_MAX && len(&f.value) <= FIELD_VALUE_MAX));
        let mut m = Message::text(&long);
        for _ in 0..15 {
            m = m.embed(e.clone());
        }
        assert!(len(m.content()) <= CONTENT_MAX);
        assert!(m.embeds().len() <= EMBEDS_MAX);
        assert!(m.embeds().iter().map(Embed::size).sum::<usize>() <= EMBEDS_TOTAL_MAX);
        assert!(!m.embeds().is_empty());
    }

    #[test]
    fn buttons_choices_and_rows_are_bounded() {
        assert!(Button::new("x".repeat(101), "a", ButtonStyle::Primary).is_none());
        assert!(Button::new("", "a", ButtonStyle::Primary).is_none());
        let b = Button::new("id", &"l".repeat(200), ButtonStyle::Primary).unwrap();
        assert!(len(b.label()) <= BUTTON_LABEL_MAX);
        let mut m = Message::text("x");
        for _ in 0..8 {
            m = m.row(std::iter::repeat_n(b.clone(), 9));
        }
        assert_eq!(m.rows().len(), ROWS_MAX);
        assert!(m.rows().iter().all(|r| r.len() <= BUTTONS_PER_ROW));
        assert!(Choice::new("n", &"v".repeat(101)).is_none());
        let c = Choice::new(&"n".repeat(300), "v").unwrap();
        assert!(len(c.name()) <= CHOICE_NAME_MAX);
        let Reply::Choices(cs) = Reply::choices(std::iter::repeat_n(c, 40)) else { panic!() };
        assert_eq!(cs.len(), CHOICES_MAX);
    }

    #[test]
    fn files_are_bounded_and_plainly_named() {
        assert!(File::new("a.png", Vec::new(), "x").is_none(), "empty");
        assert!(File::new("a.png", vec![0; FILE_MAX_BYTES + 1], "x").is_none(), "too large");
        assert!(File::new("../..", vec![1], "x").is_none(), "no name left");
        let f = File::new("../time line\u{202e}.png", vec![1], &"d".repeat(5000)).unwrap();
        assert_eq!(f.name(), "timeline.png");
        assert!(len(f.description()) <= FILE_DESCRIPTION_MAX);
        let m = Message::text("x").attach(f.clone());
        assert_eq!(m.file(), Some(&f));
    }

    #[test]
    fn empty_fields_become_a_dash_and_empty_embeds_are_dropped() {
        let e = Embed::new().field("", "  ", true);
        assert_eq!(e.get_fields()[0].name, "—");
        let m = Message::text("x").embed(Embed::new().title("  "));
        assert!(m.embeds().is_empty());
    }
}
