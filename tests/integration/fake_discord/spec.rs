//! What the local Discord accepts: request bodies checked against Discord's
//! official OpenAPI description (`../shared/data/discord-api-spec/openapi.json`,
//! read at test time, never copied into the repository) and against the
//! limits Discord enforces that the description cannot express.
//!
//! This module only judges bodies; it must not know about sockets, routes
//! or the bot.
//!
//! The validator is our own, for the subset of JSON Schema the spec's request
//! schemas use (`type` with type lists, `$ref`, `properties`, `required`,
//! `additionalProperties`, `items`, `min/maxItems`, `uniqueItems`,
//! `min/maxLength`, `min/maxProperties`, `minimum`/`maximum`, `enum`,
//! `const`, `oneOf`/`anyOf`/`allOf`, two `pattern`s and the `uri` and
//! `date-time` formats). Two reasons not to use the `jsonschema` crate: the
//! live API accepts integers encoded as strings where the spec says integer,
//! which a generic validator can only be taught by rewriting the instance
//! beforehand (a schema walk of its own), and the crate brings fancy-regex,
//! fraction/num, strum, uuid-simd and its own reference resolver — a heavy
//! build on a two-core machine for the ~300 lines below.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use serde_json::{Map, Value};

/// Discord's OpenAPI description, parsed.
pub struct Spec {
    doc: Value,
}

/// One reason a body is not what Discord accepts: where, and why.
pub type Problems = Vec<String>;

/// Deepest nesting followed; the request schemas are far shallower.
const MAX_DEPTH: usize = 96;

impl Spec {
    /// Reads the spec from the shared data folder.
    pub fn load(shared: &Path) -> Result<Spec, String> {
        let path = shared.join("data/discord-api-spec/openapi.json");
        let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let doc: Value = serde_json::from_str(&text).map_err(|e| format!("{} is not JSON: {e}", path.display()))?;
        if doc.pointer("/paths").is_none_or(|p| !p.is_object()) {
            return Err(format!("{} has no paths", path.display()));
        }
        Ok(Spec { doc })
    }

    /// The spec from `../shared`, read once per test process; `None` when
    /// the shared folder is absent (and `harness::shared()` has said so).
    pub fn shared() -> Option<Arc<Spec>> {
        static SPEC: OnceLock<Option<Arc<Spec>>> = OnceLock::new();
        SPEC.get_or_init(|| {
            let dir = crate::harness::shared()?;
            match Spec::load(&dir) {
                Ok(spec) => Some(Arc::new(spec)),
                Err(e) => panic!("the Discord API spec is unusable: {e}"),
            }
        })
        .clone()
    }

    /// The JSON request schema of an operation, e.g.
    /// `("post", "/interactions/{interaction_id}/{interaction_token}/callback")`.
    pub fn request_schema(&self, method: &str, path: &str) -> Option<&Value> {
        let op = self.doc.get("paths")?.get(path)?.get(method)?;
        op.pointer("/requestBody/content/application~1json/schema")
    }

    /// Checks a request body against the operation's schema. An operation
    /// the spec does not describe is itself a problem.
    pub fn check_request(&self, method: &str, path: &str, body: &Value) -> Problems {
        let Some(schema) = self.request_schema(method, path) else {
            return vec![format!("the spec has no JSON request body for {} {path}", method.to_uppercase())];
        };
        let mut problems = Vec::new();
        self.check(schema, body, "", 0, &mut problems);
        problems
    }

    /// Checks any value against a named component schema (for tests).
    pub fn check_component(&self, name: &str, value: &Value) -> Problems {
        let schema = serde_json::json!({ "$ref": format!("#/components/schemas/{name}") });
        let mut problems = Vec::new();
        self.check(&schema, value, "", 0, &mut problems);
        problems
    }

    fn resolve(&self, reference: &str) -> Option<&Value> {
        let pointer = reference.strip_prefix('#')?;
        self.doc.pointer(pointer)
    }

    fn check(&self, schema: &Value, value: &Value, at: &str, depth: usize, out: &mut Problems) {
        let Some(schema) = schema.as_object() else {
            return; // `true`/`false` schemas do not occur in request bodies
        };
        if depth > MAX_DEPTH {
            out.push(format!("{at}: nested deeper than {MAX_DEPTH} schema levels"));
            return;
        }
        let here = || if at.is_empty() { "(body)".to_owned() } else { at.to_owned() };
        if let Some(Value::String(reference)) = schema.get("$ref") {
            match self.resolve(reference) {
                Some(target) => self.check(target, value, at, depth + 1, out),
                None => out.push(format!("{}: unresolvable $ref {reference}", here())),
            }
        }
        if let Some(types) = schema.get("type") {
            let allowed: Vec<&str> = match types {
                Value::String(t) => vec![t.as_str()],
                Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
                _ => vec![],
            };
            if !allowed.is_empty() && !allowed.iter().any(|t| has_type(value, t, schema)) {
                out.push(format!("{}: expected {}, got {}", here(), allowed.join(" or "), describe(value)));
                return;
            }
        }
        if let Some(expected) = schema.get("const") {
            if !same(value, expected) {
                out.push(format!("{}: must be {expected}, got {}", here(), short(value)));
            }
        }
        if let Some(Value::Array(options)) = schema.get("enum") {
            if !options.iter().any(|o| same(value, o)) {
                out.push(format!("{}: {} is not one of {}", here(), short(value), Value::Array(options.clone())));
            }
        }
        if let Some(Value::Array(all)) = schema.get("allOf") {
            for sub in all {
                self.check(sub, value, at, depth + 1, out);
            }
        }
        if let Some(Value::Array(any)) = schema.get("anyOf") {
            self.alternatives(any, value, at, depth, false, out);
        }
        if let Some(Value::Array(one)) = schema.get("oneOf") {
            self.alternatives(one, value, at, depth, true, out);
        }
        match value {
            Value::String(s) => self.check_string(schema, s, &here(), out),
            Value::Number(_) => check_number(schema, value, &here(), out),
            Value::Array(items) => self.check_array(schema, items, at, depth, out),
            Value::Object(map) => self.check_object(schema, map, at, depth, out),
            _ => {}
        }
        // Integers encoded as strings: bounds apply to the number they encode.
        if let (Value::String(s), Some(n)) = (value, value.as_str().and_then(int_string)) {
            if !s.is_empty() && declares(schema, "integer") {
                check_number(schema, &Value::from(n as f64), &here(), out);
            }
        }
    }

    fn alternatives(
        &self,
        alts: &[Value],
        value: &Value,
        at: &str,
        depth: usize,
        exactly_one: bool,
        out: &mut Problems,
    ) {
        let mut best: Option<(usize, Problems)> = None;
        let mut matched = 0;
        let here = if at.is_empty() { "(body)" } else { at };
        // The closest alternative is the one whose discriminator (its JSON
        // type, its `type` property) fits, then the one with fewest problems.
        let off_type = format!("{here}: expected ");
        let off_tag = format!("{at}/type: ");
        for alt in alts {
            let mut p = Vec::new();
            self.check(alt, value, at, depth + 1, &mut p);
            if p.is_empty() {
                matched += 1;
                continue;
            }
            let mismatched = p.iter().any(|x| x.starts_with(&off_type) || x.starts_with(&off_tag));
            let score = p.len() + if mismatched { 10_000 } else { 0 };
            if best.as_ref().is_none_or(|(b, _)| score < *b) {
                best = Some((score, p));
            }
        }
        let best = best.map(|(_, p)| p);
        let at = here;
        if matched == 0 {
            out.push(format!("{at}: matches none of the {} alternatives; the closest fails with:", alts.len()));
            out.extend(best.unwrap_or_default().into_iter().map(|p| format!("    {p}")));
        } else if exactly_one && matched > 1 {
            out.push(format!("{at}: matches {matched} of the oneOf alternatives, expected exactly one"));
        }
    }

    fn check_string(&self, schema: &Map<String, Value>, s: &str, at: &str, out: &mut Problems) {
        // A string standing for an integer was judged as a number.
        if declares(schema, "integer") && !declares(schema, "string") {
            return;
        }
        let chars = s.chars().count() as u64;
        if let Some(max) = schema.get("maxLength").and_then(Value::as_u64) {
            if chars > max {
                out.push(format!("{at}: {chars} characters, more than maxLength {max}"));
            }
        }
        if let Some(min) = schema.get("minLength").and_then(Value::as_u64) {
            if chars < min {
                out.push(format!("{at}: {chars} characters, fewer than minLength {min}"));
            }
        }
        if let Some(Value::String(pattern)) = schema.get("pattern") {
            if let Some(false) = known_pattern(pattern, s) {
                out.push(format!("{at}: {s:?} does not match {pattern}"));
            }
        }
        match schema.get("format").and_then(Value::as_str) {
            Some("uri") if !is_uri(s) => out.push(format!("{at}: {s:?} is not an http(s) or attachment:// URL")),
            Some("date-time")
                if time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).is_err() =>
            {
                out.push(format!("{at}: {s:?} is not an RFC 3339 date-time"))
            }
            _ => {}
        }
    }

    fn check_array(&self, schema: &Map<String, Value>, items: &[Value], at: &str, depth: usize, out: &mut Problems) {
        let here = if at.is_empty() { "(body)" } else { at };
        if let Some(max) = schema.get("maxItems").and_then(Value::as_u64) {
            if items.len() as u64 > max {
                out.push(format!("{here}: {} items, more than maxItems {max}", items.len()));
            }
        }
        if let Some(min) = schema.get("minItems").and_then(Value::as_u64) {
            if (items.len() as u64) < min {
                out.push(format!("{here}: {} items, fewer than minItems {min}", items.len()));
            }
        }
        if schema.get("uniqueItems") == Some(&Value::Bool(true)) {
            for (i, a) in items.iter().enumerate() {
                if items[..i].iter().any(|b| same(a, b)) {
                    out.push(format!("{here}/{i}: duplicate item {} in a uniqueItems array", short(a)));
                }
            }
        }
        if let Some(item_schema) = schema.get("items") {
            for (i, item) in items.iter().enumerate() {
                self.check(item_schema, item, &format!("{at}/{i}"), depth + 1, out);
            }
        }
    }

    fn check_object(
        &self,
        schema: &Map<String, Value>,
        map: &Map<String, Value>,
        at: &str,
        depth: usize,
        out: &mut Problems,
    ) {
        let here = if at.is_empty() { "(body)" } else { at };
        if let Some(Value::Array(required)) = schema.get("required") {
            for key in required.iter().filter_map(Value::as_str) {
                if !map.contains_key(key) {
                    out.push(format!("{here}: missing required property {key:?}"));
                }
            }
        }
        if let Some(max) = schema.get("maxProperties").and_then(Value::as_u64) {
            if map.len() as u64 > max {
                out.push(format!("{here}: {} properties, more than maxProperties {max}", map.len()));
            }
        }
        if let Some(min) = schema.get("minProperties").and_then(Value::as_u64) {
            if (map.len() as u64) < min {
                out.push(format!("{here}: {} properties, fewer than minProperties {min}", map.len()));
            }
        }
        let properties = schema.get("properties").and_then(Value::as_object);
        for (key, v) in map {
            let path = format!("{at}/{key}");
            match properties.and_then(|p| p.get(key)) {
                Some(prop) => self.check(prop, v, &path, depth + 1, out),
                None => match schema.get("additionalProperties") {
                    Some(Value::Bool(false)) => out.push(format!("{path}: property not allowed here")),
                    Some(extra @ Value::Object(_)) => self.check(extra, v, &path, depth + 1, out),
                    _ => {}
                },
            }
        }
    }
}

/// Whether the schema's `type` names `t`.
fn declares(schema: &Map<String, Value>, t: &str) -> bool {
    match schema.get("type") {
        Some(Value::String(s)) => s == t,
        Some(Value::Array(ts)) => ts.iter().any(|x| x == t),
        _ => false,
    }
}

fn has_type(value: &Value, t: &str, schema: &Map<String, Value>) -> bool {
    match t {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        // Snowflakes are strings in the spec; new attachments carry integer
        // ids, which the API accepts.
        "string" => {
            value.is_string() || (value.is_u64() && schema.get("format").and_then(Value::as_str) == Some("snowflake"))
        }
        "number" => value.is_number(),
        // The live API accepts integers encoded as strings.
        "integer" => {
            value.is_i64()
                || value.is_u64()
                || value.as_f64().is_some_and(|f| f.fract() == 0.0)
                || value.as_str().and_then(int_string).is_some()
        }
        _ => true,
    }
}

fn int_string(s: &str) -> Option<i128> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    if digits.is_empty() || digits.len() > 30 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Equality with the API's coercions: `"4"` equals `4`.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::String(s), Value::Number(n)) | (Value::Number(n), Value::String(s)) => {
            int_string(s).zip(n.as_f64()).is_some_and(|(i, f)| i as f64 == f)
        }
        _ => a == b,
    }
}

fn check_number(schema: &Map<String, Value>, value: &Value, at: &str, out: &mut Problems) {
    let Some(n) = value.as_f64() else { return };
    if let Some(max) = schema.get("maximum").and_then(Value::as_f64) {
        if n > max {
            out.push(format!("{at}: {n} is above maximum {max}"));
        }
    }
    if let Some(min) = schema.get("minimum").and_then(Value::as_f64) {
        if n < min {
            out.push(format!("{at}: {n} is below minimum {min}"));
        }
    }
    if let Some(max) = schema.get("exclusiveMaximum").and_then(Value::as_f64) {
        if n >= max {
            out.push(format!("{at}: {n} is not below exclusiveMaximum {max}"));
        }
    }
    if let Some(min) = schema.get("exclusiveMinimum").and_then(Value::as_f64) {
        if n <= min {
            out.push(format!("{at}: {n} is not above exclusiveMinimum {min}"));
        }
    }
}

/// The two patterns the spec uses; `None` for any other (not checked).
fn known_pattern(pattern: &str, s: &str) -> Option<bool> {
    match pattern {
        "^(0|[1-9][0-9]*)$" => {
            Some(s == "0" || (!s.starts_with('0') && !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())))
        }
        "^#(([0-9a-fA-F]{2}){3}|([0-9a-fA-F]){3})$" => {
            let hex = s.strip_prefix('#').unwrap_or("");
            Some(s.starts_with('#') && (hex.len() == 6 || hex.len() == 3) && hex.bytes().all(|b| b.is_ascii_hexdigit()))
        }
        _ => None,
    }
}

/// Discord refuses embed and button URLs that are not absolute http(s)
/// (or `attachment://`) URLs.
fn is_uri(s: &str) -> bool {
    match url::Url::parse(s) {
        Ok(u) => matches!(u.scheme(), "http" | "https" | "attachment") && (u.has_host() || u.scheme() == "attachment"),
        Err(_) => false,
    }
}

fn describe(v: &Value) -> String {
    let kind = match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    };
    format!("{kind} {}", short(v))
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 80 {
        format!("{}…", s.chars().take(80).collect::<String>())
    } else {
        s
    }
}

// ---------------------------------------------------------------------------
// Limits the spec cannot express, checked with or without the spec.

/// Discord's per-message limits (content, embeds, components) and Parley's
/// mention policy: `allowed_mentions` present with an empty `parse` (and no
/// users or roles) on every message that carries text.
pub fn check_message(msg: &Value, at: &str) -> Problems {
    let mut out = Vec::new();
    let Some(obj) = msg.as_object() else {
        return vec![format!("{at}: a message must be an object, got {}", describe(msg))];
    };
    let content = obj.get("content").and_then(Value::as_str).unwrap_or("");
    let n = content.chars().count();
    if n > 2000 {
        out.push(format!("{at}/content: {n} characters, more than 2000"));
    }
    let embeds = obj.get("embeds").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
    if embeds.len() > 10 {
        out.push(format!("{at}/embeds: {} embeds, more than 10", embeds.len()));
    }
    let mut total = 0;
    for (i, e) in embeds.iter().enumerate() {
        total += check_embed(e, &format!("{at}/embeds/{i}"), &mut out);
    }
    if total > 6000 {
        out.push(format!("{at}/embeds: {total} characters over all embeds, more than 6000"));
    }
    if let Some(rows) = obj.get("components").and_then(Value::as_array) {
        check_components(rows, &format!("{at}/components"), &mut out);
    }
    let carries_text = !content.is_empty() || !embeds.is_empty();
    if carries_text {
        match obj.get("allowed_mentions") {
            None | Some(Value::Null) => out.push(format!(
                "{at}: no allowed_mentions; Discord would then ping whatever the text mentions (set it with an empty parse)"
            )),
            Some(am) => {
                let parse_empty = am.get("parse").and_then(Value::as_array).is_some_and(Vec::is_empty);
                if !parse_empty {
                    out.push(format!("{at}/allowed_mentions: parse must be present and empty, got {am}"));
                }
                for key in ["users", "roles"] {
                    if am.get(key).and_then(Value::as_array).is_some_and(|a| !a.is_empty()) {
                        out.push(format!("{at}/allowed_mentions/{key}: must be empty, got {am}"));
                    }
                }
            }
        }
    }
    out
}

fn chars(v: Option<&Value>) -> usize {
    v.and_then(Value::as_str).map_or(0, |s| s.chars().count())
}

/// Checks one embed's per-field limits; returns the characters it counts
/// towards the 6,000 total.
fn check_embed(e: &Value, at: &str, out: &mut Problems) -> usize {
    let limit = |out: &mut Problems, what: &str, n: usize, max: usize| {
        if n > max {
            out.push(format!("{at}/{what}: {n} characters, more than {max}"));
        }
    };
    let title = chars(e.get("title"));
    let description = chars(e.get("description"));
    let footer = chars(e.pointer("/footer/text"));
    let author = chars(e.pointer("/author/name"));
    limit(out, "title", title, 256);
    limit(out, "description", description, 4096);
    limit(out, "footer/text", footer, 2048);
    limit(out, "author/name", author, 256);
    let mut total = title + description + footer + author;
    if let Some(fields) = e.get("fields").and_then(Value::as_array) {
        if fields.len() > 25 {
            out.push(format!("{at}/fields: {} fields, more than 25", fields.len()));
        }
        for (i, f) in fields.iter().enumerate() {
            let name = chars(f.get("name"));
            let value = chars(f.get("value"));
            limit(out, &format!("fields/{i}/name"), name, 256);
            limit(out, &format!("fields/{i}/value"), value, 1024);
            if name == 0 || value == 0 {
                out.push(format!("{at}/fields/{i}: name and value must not be empty"));
            }
            total += name + value;
        }
    }
    if let Some(url) = e.get("url").and_then(Value::as_str) {
        if !is_uri(url) {
            out.push(format!("{at}/url: {url:?} is not an http(s) URL"));
        }
    }
    total
}

fn check_components(rows: &[Value], at: &str, out: &mut Problems) {
    if rows.len() > 5 {
        out.push(format!("{at}: {} action rows, more than 5", rows.len()));
    }
    let mut ids: Vec<&str> = Vec::new();
    for (r, row) in rows.iter().enumerate() {
        let items = row.get("components").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
        if items.is_empty() || items.len() > 5 {
            out.push(format!("{at}/{r}: an action row holds 1 to 5 components, this one {}", items.len()));
        }
        for (c, item) in items.iter().enumerate() {
            let here = format!("{at}/{r}/components/{c}");
            let label = chars(item.get("label"));
            if label > 80 {
                out.push(format!("{here}/label: {label} characters, more than 80"));
            }
            if item.get("type").and_then(Value::as_u64) == Some(2) {
                let link = item.get("style").and_then(Value::as_u64) == Some(5);
                if label == 0 && item.get("emoji").is_none_or(Value::is_null) {
                    out.push(format!("{here}: a button needs a label or an emoji"));
                }
                if link && item.get("custom_id").is_some_and(|v| !v.is_null()) {
                    out.push(format!("{here}: a link button cannot have a custom_id"));
                }
                if !link && item.get("url").is_some_and(|v| !v.is_null()) {
                    out.push(format!("{here}: only link buttons (style 5) have a url"));
                }
            }
            match item.get("custom_id").and_then(Value::as_str) {
                Some(id) => {
                    let n = id.chars().count();
                    if n == 0 || n > 100 {
                        out.push(format!("{here}/custom_id: {n} characters, must be 1 to 100"));
                    }
                    if ids.contains(&id) {
                        out.push(format!("{here}/custom_id: {id:?} is used twice in one message"));
                    }
                    ids.push(id);
                }
                None if item.get("url").is_none() && item.get("type").and_then(Value::as_u64) == Some(2) => {
                    out.push(format!("{here}: a button needs a custom_id or a url"))
                }
                None => {}
            }
        }
    }
}

/// A new message must show something: Discord refuses one without
/// content, embeds, components, files or a poll (50006).
pub fn check_not_empty(msg: &Value, at: &str) -> Problems {
    let some = |key: &str| match msg.get(key) {
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(_)) => true,
        _ => false,
    };
    if ["content", "embeds", "components", "attachments", "poll", "sticker_ids"].iter().any(|k| some(k)) {
        Vec::new()
    } else {
        vec![format!("{at}: an empty message (no content, embeds or components): Discord answers 50006")]
    }
}

/// Autocomplete answers: at most 25 choices, names 1 to 100 characters.
pub fn check_autocomplete(data: &Value, at: &str) -> Problems {
    let mut out = Vec::new();
    let choices = data.get("choices").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
    if choices.len() > 25 {
        out.push(format!("{at}/choices: {} choices, more than 25", choices.len()));
    }
    for (i, c) in choices.iter().enumerate() {
        let n = chars(c.get("name"));
        if n == 0 || n > 100 {
            out.push(format!("{at}/choices/{i}/name: {n} characters, must be 1 to 100"));
        }
        if c.get("value").is_none() {
            out.push(format!("{at}/choices/{i}: no value"));
        }
    }
    out
}

/// Command registration rules the spec cannot express: lower-case names
/// without spaces, required options before optional ones, at most 4,000
/// characters of names, descriptions and choices per command.
pub fn check_commands(commands: &Value) -> Problems {
    let mut out = Vec::new();
    let Some(list) = commands.as_array() else {
        return vec!["(body): command registration must be an array".to_owned()];
    };
    let mut names = Vec::new();
    for (i, cmd) in list.iter().enumerate() {
        let at = format!("/{i}");
        let name = cmd.get("name").and_then(Value::as_str).unwrap_or("");
        let kind = cmd.get("type").and_then(Value::as_u64).unwrap_or(1);
        if kind == 1 {
            check_command_name(name, &at, &mut out);
        } else {
            // User and message commands: a 1–32 character name (spaces and
            // capitals allowed), no description, no options.
            if name.trim().is_empty() || name.chars().count() > 32 {
                out.push(format!("{at}/name: {name:?} is not a valid name for a user or message command"));
            }
            if chars(cmd.get("description")) > 0 {
                out.push(format!("{at}/description: user and message commands take no description"));
            }
            if cmd.get("options").and_then(Value::as_array).is_some_and(|o| !o.is_empty()) {
                out.push(format!("{at}/options: user and message commands take no options"));
            }
        }
        if names.contains(&(name, kind)) {
            out.push(format!("{at}/name: {name:?} registered twice"));
        }
        names.push((name, kind));
        let mut total = name.chars().count() + chars(cmd.get("description"));
        if let Some(options) = cmd.get("options").and_then(Value::as_array) {
            total += check_options(options, &format!("{at}/options"), &mut out);
        }
        if total > 4000 {
            out.push(format!("{at}: {total} characters of names, descriptions and choices, more than 4000"));
        }
    }
    out
}

fn check_command_name(name: &str, at: &str, out: &mut Problems) {
    let ok = !name.is_empty()
        && name.chars().count() <= 32
        && name.chars().all(|c| c == '-' || c == '_' || (c.is_alphanumeric() && !c.is_uppercase()));
    if !ok {
        out.push(format!("{at}/name: {name:?} is not a valid command name (1-32 lower-case letters, digits, - or _)"));
    }
}

fn check_options(options: &[Value], at: &str, out: &mut Problems) -> usize {
    let mut total = 0;
    let mut seen_optional = false;
    for (i, o) in options.iter().enumerate() {
        let here = format!("{at}/{i}");
        let name = o.get("name").and_then(Value::as_str).unwrap_or("");
        check_command_name(name, &here, out);
        total += name.chars().count() + chars(o.get("description"));
        if chars(o.get("description")) == 0 {
            out.push(format!("{here}/description: must not be empty"));
        }
        let kind = o.get("type").and_then(Value::as_u64).unwrap_or(0);
        let required = o.get("required").and_then(Value::as_bool).unwrap_or(false);
        if kind > 2 {
            if required && seen_optional {
                out.push(format!("{here}: required option {name:?} comes after an optional one"));
            }
            seen_optional |= !required;
        }
        if o.get("autocomplete") == Some(&Value::Bool(true))
            && o.get("choices").is_some_and(|c| c.as_array().is_some_and(|a| !a.is_empty()))
        {
            out.push(format!("{here}: autocomplete and choices cannot both be set"));
        }
        if let Some(choices) = o.get("choices").and_then(Value::as_array) {
            if choices.len() > 25 {
                out.push(format!("{here}/choices: {} choices, more than 25", choices.len()));
            }
            for c in choices {
                total += chars(c.get("name")) + chars(c.get("value"));
            }
        }
        if let Some(sub) = o.get("options").and_then(Value::as_array) {
            total += check_options(sub, &format!("{here}/options"), out);
        }
    }
    total
}
