//! Dates a question names — "in december", "the feb 2 update", "on 3 March
//! 2022" — so that ranking can prefer articles published then.
//!
//! Pure and forgiving: words that are not dates are ignored, "may" counts
//! as a month only beside a number, and nothing here can fail.

use time::Date;

/// A month, with the day and year when the question gives them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NamedDate {
    pub month: time::Month,
    pub day: Option<u8>,
    pub year: Option<i32>,
}

impl NamedDate {
    /// Whether an article published on `date` fits: same month (and day
    /// and year where named), or the day before or after a named day (a
    /// report of yesterday's call).
    pub fn matches(&self, date: Date) -> bool {
        if self.year.is_some_and(|y| y != date.year()) {
            return false;
        }
        match self.day {
            None => date.month() == self.month,
            Some(d) => [date.previous_day(), Some(date), date.next_day()]
                .into_iter()
                .flatten()
                .any(|x| x.month() == self.month && x.day() == d),
        }
    }
}

const MONTHS: [(&str, time::Month); 23] = {
    use time::Month::*;
    [
        ("january", January),
        ("jan", January),
        ("february", February),
        ("feb", February),
        ("march", March),
        ("april", April),
        ("apr", April),
        ("may", May),
        ("june", June),
        ("jun", June),
        ("july", July),
        ("jul", July),
        ("august", August),
        ("aug", August),
        ("september", September),
        ("sept", September),
        ("sep", September),
        ("october", October),
        ("oct", October),
        ("november", November),
        ("nov", November),
        ("december", December),
        ("dec", December),
    ]
};

fn number(word: &str) -> Option<u32> {
    let digits = word.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    if digits.is_empty() || digits.len() > 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let suffix = &word[digits.len()..];
    matches!(suffix, "" | "st" | "nd" | "rd" | "th").then(|| digits.parse().ok()).flatten()
}

/// The dates named in `text`, in order (at most 4).
pub fn named(text: &str) -> Vec<NamedDate> {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let mut out = Vec::new();
    for (i, w) in words.iter().enumerate() {
        let Some(&(_, month)) = MONTHS.iter().find(|(name, _)| name == w) else { continue };
        let before = i.checked_sub(1).and_then(|j| number(words[j]));
        let after = words.get(i + 1).and_then(|x| number(x));
        let day = |n: Option<u32>| n.filter(|d| (1..=31).contains(d)).map(|d| d as u8);
        let year_at = |j: usize| words.get(j).and_then(|x| number(x)).filter(|y| (1990..=2100).contains(y));
        let (day, year) = match (day(before), day(after)) {
            (Some(d), _) => (Some(d), year_at(i + 1)),
            (None, Some(d)) => (Some(d), year_at(i + 2)),
            (None, None) => (None, year_at(i + 1)),
        };
        if *w == "may" && day.is_none() && year.is_none() {
            continue;
        }
        out.push(NamedDate { month, day, year: year.map(|y| y as i32) });
        if out.len() == 4 {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;
    use time::Month::*;

    #[test]
    fn months_days_and_years_are_read() {
        let cases: &[(&str, &[NamedDate])] = &[
            ("what happened in december", &[NamedDate { month: December, day: None, year: None }]),
            ("in the feb 2 update what did they say", &[NamedDate { month: February, day: Some(2), year: None }]),
            ("on 3rd March 2022, who called", &[NamedDate { month: March, day: Some(3), year: Some(2022) }]),
            ("march 24, 2025 talks", &[NamedDate { month: March, day: Some(24), year: Some(2025) }]),
            ("may the talks go on", &[]),
            ("on 9 may what was said", &[NamedDate { month: May, day: Some(9), year: None }]),
            ("decision on sanctions", &[]),
            ("", &[]),
        ];
        for (text, want) in cases {
            assert_eq!(named(text), *want, "{text}");
        }
    }

    #[test]
    fn a_named_day_matches_its_neighbours_and_a_month_its_days() {
        let feb2 = NamedDate { month: February, day: Some(2), year: None };
        assert!(feb2.matches(date!(2026 - 02 - 02)));
        assert!(feb2.matches(date!(2026 - 02 - 03)));
        assert!(!feb2.matches(date!(2026 - 02 - 05)));
        let dec = NamedDate { month: December, day: None, year: Some(2021) };
        assert!(dec.matches(date!(2021 - 12 - 30)));
        assert!(!dec.matches(date!(2022 - 12 - 30)));
    }
}
