//! The `/timeline` chart: a PNG of statements per week (or month), one
//! stacked bar per week split by side or speaker, the busiest weeks
//! labelled, and its alt text.
//!
//! The only module that knows plotters and png. It draws what a
//! [`Timeline`] already counted; it must not search, count or decide what
//! is on the topic, and it never panics on a timeline's content.
//!
//! Look: dark text on a light, warm card (not a transparent background):
//! Discord shows images as they are in both themes, so a card of its own is
//! the one way to be readable on dark and on light; the series colours are
//! the Okabe–Ito palette, told apart with colour-vision deficiencies.

use std::sync::OnceLock;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::answer::{Grain, Timeline};

/// The chart's size in pixels.
pub const WIDTH: u32 = 960;
pub const HEIGHT: u32 = 540;
/// Discord's attachment limit without boosts; the chart stays far below.
pub const MAX_PNG_BYTES: usize = 8 << 20;
/// Discord's limit on an attachment's description (alt text).
pub const ALT_MAX: usize = 1024;
/// The file name the chart is attached as.
pub const FILE_NAME: &str = "timeline.png";

const FONT: &str = "parley-sans";
const FONT_BYTES: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");

const CARD: RGBColor = RGBColor(0xF4, 0xF1, 0xEA);
const INK: RGBColor = RGBColor(0x1F, 0x23, 0x28);
const MUTED: RGBColor = RGBColor(0x57, 0x60, 0x6A);
const GRID: RGBColor = RGBColor(0xD8, 0xD3, 0xC8);
/// Okabe–Ito: blue, vermillion, bluish green, orange; then grey (others)
/// and reddish purple (reports).
const PALETTE: [RGBColor; 4] =
    [RGBColor(0x00, 0x72, 0xB2), RGBColor(0xD5, 0x5E, 0x00), RGBColor(0x00, 0x9E, 0x73), RGBColor(0xE6, 0x9F, 0x00)];
const OTHERS_COLOUR: RGBColor = RGBColor(0x99, 0x99, 0x99);
const REPORTS_COLOUR: RGBColor = RGBColor(0xCC, 0x79, 0xA7);

/// Why no chart could be made.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the chart font could not be loaded")]
    Font,
    #[error("drawing the chart: {0}")]
    Draw(String),
    #[error("encoding the chart as PNG: {0}")]
    Encode(#[from] png::EncodingError),
    #[error("the chart is {0} bytes, over Discord's limit")]
    TooLarge(usize),
}

/// Registers the shipped font with plotters, once per process: plotters
/// keeps its fonts in a process-wide table of its own, so this is the one
/// static Parley holds.
fn font() -> Result<(), Error> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| plotters::style::register_font(FONT, FontStyle::Normal, FONT_BYTES).is_ok());
    if ok {
        Ok(())
    } else {
        Err(Error::Font)
    }
}

fn draw_err<E: std::fmt::Debug>(e: E) -> Error {
    Error::Draw(format!("{e:?}"))
}

/// A short label for a bucket's first day.
pub fn bucket_label(start: time::Date, grain: Grain) -> String {
    let month = &format!("{}", start.month())[..3];
    match grain {
        Grain::Week => format!("{month} {}", start.day()),
        Grain::Month => format!("{month} {}", start.year()),
    }
}

/// Text from outside, safe to draw: one line, no control characters, cut.
fn clean(s: &str, max: usize) -> String {
    let invisible =
        |c: char| matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{FEFF}');
    let one: String = s.chars().filter(|c| !invisible(*c)).map(|c| if c.is_control() { ' ' } else { c }).collect();
    let one = one.split_whitespace().collect::<Vec<_>>().join(" ");
    if one.chars().count() <= max {
        one
    } else {
        let cut: String = one.chars().take(max.saturating_sub(1)).collect();
        format!("{}…", cut.trim_end())
    }
}

fn colour(series: &str, i: usize) -> RGBColor {
    match series {
        crate::answer::OTHERS_SERIES => OTHERS_COLOUR,
        crate::answer::REPORTS_SERIES => REPORTS_COLOUR,
        _ => PALETTE[i % PALETTE.len()],
    }
}

/// The step of the count axis: 1, 2, 5, 10, 20, 50… with at most six lines.
fn tick_step(max: u32) -> u32 {
    let mut base = 1u32;
    loop {
        for m in [1u32, 2, 5] {
            let step = base.saturating_mul(m);
            if max / step <= 5 || step == u32::MAX {
                return step;
            }
        }
        base = base.saturating_mul(10);
    }
}

/// What a chart of this timeline counts, in words: its title.
pub fn title(t: &Timeline) -> String {
    let reports = t.series.iter().any(|s| s == crate::answer::REPORTS_SERIES);
    let what = match (reports, t.series.len()) {
        (true, 1) => "Reports",
        (true, _) => "Statements and reports",
        _ => "Statements",
    };
    let who = t.person.as_deref().map(|p| format!(" by {}", clean(p, 40))).unwrap_or_default();
    format!("{what}{who} on “{}” per {}", clean(&t.topic, 60), t.grain.as_str())
}

/// The chart's alt text: what it shows, the window, the busiest weeks and
/// the totals per series, within [`ALT_MAX`].
pub fn alt_text(t: &Timeline) -> String {
    let mut out = format!("Bar chart: {}", title(t));
    if let (Some(first), Some(last)) = (t.buckets.first(), t.buckets.last()) {
        out.push_str(&format!(", {} to {}", first.start, last.start));
    }
    out.push('.');
    let totals: Vec<String> = t
        .series
        .iter()
        .enumerate()
        .map(|(i, s)| {
            format!("{} {}", clean(s, 40), t.buckets.iter().map(|b| b.counts.get(i).copied().unwrap_or(0)).sum::<u32>())
        })
        .collect();
    if !totals.is_empty() {
        out.push_str(&format!(" Totals: {}.", totals.join(", ")));
    }
    let busy: Vec<String> = t
        .busiest
        .iter()
        .filter_map(|&i| t.buckets.get(i))
        .map(|b| format!("{} of {} ({})", t.grain.as_str(), b.start, b.total()))
        .collect();
    if !busy.is_empty() {
        out.push_str(&format!(" Busiest: {}.", busy.join("; ")));
    }
    if out.chars().count() > ALT_MAX {
        out = out.chars().take(ALT_MAX - 1).collect::<String>() + "…";
    }
    out
}

/// The chart as PNG bytes.
pub fn render(t: &Timeline) -> Result<Vec<u8>, Error> {
    font()?;
    let (w, h) = (WIDTH, HEIGHT);
    let mut buf = vec![0u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
        draw(&root, t)?;
        root.present().map_err(draw_err)?;
    }
    let mut png_bytes = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut png_bytes, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Best);
        let mut writer = enc.write_header()?;
        writer.write_image_data(&buf)?;
    }
    if png_bytes.len() > MAX_PNG_BYTES {
        return Err(Error::TooLarge(png_bytes.len()));
    }
    Ok(png_bytes)
}

fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, plotters::coord::Shift>, t: &Timeline) -> Result<(), Error> {
    let text = |size: f64, c: &RGBColor| (FONT, size).into_font().color(c);
    root.fill(&CARD).map_err(draw_err)?;
    root.draw_text(&title(t), &text(22.0, &INK), (24, 16)).map_err(draw_err)?;
    let statements = t.entries.iter().filter(|e| e.speaker.is_some()).count();
    let reports = t.entries.len() - statements;
    let mut sub = format!("{statements} statement{}", if statements == 1 { "" } else { "s" });
    if reports > 0 {
        sub.push_str(&format!(", {reports} report{}", if reports == 1 { "" } else { "s" }));
    }
    if let (Some(a), Some(b)) = (t.entries.first(), t.entries.last()) {
        sub.push_str(&format!(" · {} to {}", a.date, b.date));
    }
    sub.push_str(" · Parley, from its corpus");
    root.draw_text(&sub, &text(14.0, &MUTED), (24, 48)).map_err(draw_err)?;

    // Legend.
    let mut x = 24i32;
    for (i, s) in t.series.iter().enumerate() {
        let label = clean(s, 28);
        root.draw(&Rectangle::new([(x, 80), (x + 14, 94)], colour(s, i).filled())).map_err(draw_err)?;
        root.draw_text(&label, &text(14.0, &INK), (x + 20, 79)).map_err(draw_err)?;
        let (lw, _) = root.estimate_text_size(&label, &text(14.0, &INK)).map_err(draw_err)?;
        x += 20 + lw as i32 + 24;
    }

    // Plot area.
    let (left, right, top, bottom) = (64i32, WIDTH as i32 - 24, 124i32, HEIGHT as i32 - 56);
    let max = t.buckets.iter().map(|b| b.total()).max().unwrap_or(0).max(1);
    let step = tick_step(max);
    let top_value = max.div_ceil(step) * step;
    let y_of = |v: u32| bottom - ((f64::from(v) / f64::from(top_value)) * f64::from(bottom - top)) as i32;
    let mut v = 0;
    while v <= top_value {
        let y = y_of(v);
        root.draw(&PathElement::new(vec![(left, y), (right, y)], GRID.stroke_width(1))).map_err(draw_err)?;
        let style = text(12.0, &MUTED).pos(Pos::new(HPos::Right, VPos::Center));
        root.draw_text(&v.to_string(), &style, (left - 8, y)).map_err(draw_err)?;
        v += step;
    }
    let n = t.buckets.len().max(1) as i32;
    let slot = f64::from(right - left) / f64::from(n);
    let bar = (slot * 0.72).max(1.0);
    let every = (t.buckets.len() as f64 / 10.0).ceil().max(1.0) as usize;
    for (bi, b) in t.buckets.iter().enumerate() {
        let x0 = left + (slot * bi as f64 + (slot - bar) / 2.0) as i32;
        let x1 = x0 + bar as i32;
        let mut acc = 0u32;
        for (si, count) in b.counts.iter().enumerate() {
            if *count == 0 {
                continue;
            }
            let (y1, y0) = (y_of(acc), y_of(acc + count));
            let c = colour(t.series.get(si).map_or("", String::as_str), si);
            root.draw(&Rectangle::new([(x0, y0), (x1, y1)], c.filled())).map_err(draw_err)?;
            acc += count;
        }
        let centre = (x0 + x1) / 2;
        if bi % every == 0 {
            let style = text(12.0, &MUTED).pos(Pos::new(HPos::Center, VPos::Top));
            root.draw_text(&bucket_label(b.start, t.grain), &style, (centre, bottom + 8)).map_err(draw_err)?;
        }
        if t.busiest.contains(&bi) {
            let style = text(13.0, &INK).pos(Pos::new(HPos::Center, VPos::Bottom));
            let label = format!("{}: {}", bucket_label(b.start, t.grain), b.total());
            root.draw_text(&label, &style, (centre, y_of(acc) - 4)).map_err(draw_err)?;
        }
    }
    root.draw(&PathElement::new(vec![(left, bottom), (right, bottom)], INK.stroke_width(1))).map_err(draw_err)?;
    let note = format!(
        "Each bar: one {} (starting {}).",
        t.grain.as_str(),
        if t.grain == Grain::Week { "Monday" } else { "the 1st" }
    );
    root.draw_text(&note, &text(12.0, &MUTED), (24, HEIGHT as i32 - 24)).map_err(draw_err)?;
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::answer::{Bucket, TimelineEntry};
    use crate::article::{ArticleId, Source};
    use time::macros::date;

    /// A timeline of `weeks` weeks with two sides and reports.
    pub(crate) fn sample(weeks: usize) -> Timeline {
        let source = Source {
            article_id: ArticleId::parse("2031-03-03-ferry-talks").unwrap(),
            title: "Ferry talks".into(),
            outlet: "Quill Daily".into(),
            url: None,
            published: None,
            also_reported_by: vec![],
        };
        let mut entries = Vec::new();
        let mut buckets = Vec::new();
        for w in 0..weeks {
            let start = date!(2031 - 03 - 03) + time::Duration::weeks(w as i64);
            let counts = vec![(w % 3) as u32 + 1, (w % 2) as u32 * 2, 1];
            for (i, c) in counts.iter().enumerate() {
                for _ in 0..*c {
                    entries.push(TimelineEntry {
                        date: start,
                        speaker: (i < 2).then(|| ["Ada Quill", "Bran Tor"][i].to_owned()),
                        side: (i < 2).then(|| ["Northmark", "Southreach"][i].to_owned()),
                        text: "The ferry will sail.".into(),
                        source: source.clone(),
                        ord: None,
                    });
                }
            }
            buckets.push(Bucket { start, counts });
        }
        let busiest = crate::engine::timeline::busiest(&buckets);
        Timeline {
            topic: "ferry \u{202e}corridor\n".into(),
            person: None,
            since: None,
            until: None,
            grain: Grain::Week,
            entries,
            series: vec!["Northmark".into(), "Southreach".into(), "reports".into()],
            buckets,
            busiest,
            undated: 0,
        }
    }

    /// Decodes a PNG: (width, height, RGB(A) bytes, bytes per pixel).
    pub(crate) fn decode(bytes: &[u8]) -> (u32, u32, Vec<u8>, usize) {
        let mut reader = png::Decoder::new(std::io::Cursor::new(bytes)).read_info().expect("a PNG header");
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).expect("a PNG frame");
        buf.truncate(info.buffer_size());
        (info.width, info.height, buf, info.color_type.samples())
    }

    #[test]
    fn the_chart_is_a_png_with_bars_in_every_series_colour() {
        let t = sample(8);
        let bytes = render(&t).expect("a chart");
        assert!(bytes.len() < 200 * 1024, "{} bytes", bytes.len());
        let (w, h, pixels, n) = decode(&bytes);
        assert_eq!((w, h), (WIDTH, HEIGHT));
        let px: Vec<&[u8]> = pixels.chunks(n).collect();
        let has = |c: RGBColor| px.iter().filter(|p| p[0] == c.0 && p[1] == c.1 && p[2] == c.2).count();
        assert!(has(CARD) > px.len() / 2, "the card is the background");
        for c in [PALETTE[0], PALETTE[1], REPORTS_COLOUR] {
            assert!(has(c) > 200, "bars of {c:?}");
        }
        // Text was drawn: dark ink pixels (title, labels).
        assert!(px.iter().filter(|p| p[0] < 0x60 && p[1] < 0x60 && p[2] < 0x60).count() > 500, "text");
    }

    #[test]
    fn many_weeks_and_hostile_labels_still_render() {
        let mut t = sample(60);
        t.series[0] = "\u{0}".repeat(500);
        t.topic = "ж".repeat(10_000);
        let bytes = render(&t).expect("a chart");
        let (w, h, _, _) = decode(&bytes);
        assert_eq!((w, h), (WIDTH, HEIGHT));
        assert!(alt_text(&t).chars().count() <= ALT_MAX);
    }

    #[test]
    fn alt_text_says_what_the_chart_shows() {
        let t = sample(4);
        let alt = alt_text(&t);
        assert!(
            alt.starts_with(
                "Bar chart: Statements and reports on “ferry corridor” per week, 2031-03-03 to 2031-03-24."
            ),
            "{alt}"
        );
        assert!(alt.contains("Northmark 7") && alt.contains("Busiest: week of"), "{alt}");
    }

    #[test]
    fn axis_steps_are_round() {
        assert_eq!(tick_step(1), 1);
        assert_eq!(tick_step(5), 1);
        assert_eq!(tick_step(7), 2);
        assert_eq!(tick_step(23), 5);
        assert_eq!(tick_step(180), 50);
        assert!(u32::MAX / tick_step(u32::MAX) <= 5);
    }
}
