//! The words quote extraction recognises: speech verbs, titles and roles,
//! institution heads, anonymous-source heads, pronouns.
//!
//! Plain sorted-by-meaning word lists and small predicates over one
//! lower-cased word. No parsing here, no state.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

/// Verbs that report speech and may be followed by a clause without "that"
/// ("X said the talks…") or close a quote ("…,” X said).
const SAY_VERBS: &[&str] = &[
    "said", "says", "say", "told", "tells", "wrote", "writes", "added", "adds", "posted", "posts", "tweeted", "tweets",
];

/// Verbs that report a statement only when followed by "that" (or closing a
/// quote): "insisted that", "warned that".
const THAT_VERBS: &[&str] = &[
    "highlights",
    "shows",
    "showed",
    "points",
    "demanding",
    "insisting",
    "claiming",
    "arguing",
    "warning",
    "warn",
    "argue",
    "claim",
    "insist",
    "note",
    "stress",
    // Present-tense forms for plural subjects ("Critics suggest that …").
    "suggest",
    "deny",
    "admit",
    "confirm",
    "explain",
    "predict",
    "maintain",
    "allege",
    "concede",
    "acknowledge",
    "reiterate",
    "declare",
    "assert",
    "emphasise",
    "emphasize",
    "contend",
    "complain",
    "insisted",
    "insists",
    "claimed",
    "claims",
    "warned",
    "warns",
    "denied",
    "denies",
    "stressed",
    "stresses",
    "stated",
    "states",
    "noted",
    "notes",
    "announced",
    "announces",
    "argued",
    "argues",
    "confirmed",
    "confirms",
    "explained",
    "explains",
    "emphasised",
    "emphasized",
    "emphasises",
    "emphasizes",
    "acknowledged",
    "acknowledges",
    "admitted",
    "admits",
    "reiterated",
    "reiterates",
    "declared",
    "declares",
    "asserted",
    "asserts",
    "alleged",
    "alleges",
    "predicted",
    "predicts",
    "conceded",
    "concedes",
    "replied",
    "replies",
    "responded",
    "suggested",
    "suggests",
    "underlined",
    "underlines",
    "underscored",
    "underscores",
    "maintained",
    "maintains",
    "repeated",
    "repeats",
    "recalled",
    "recalls",
    "remarked",
    "observed",
    "reckons",
    "reckoned",
    "opined",
    "forecast",
    "forecasts",
    "reassured",
    "advised",
    "specified",
    "complained",
    "cautioned",
    "assured",
    "assures",
    "promised",
    "promises",
    "vowed",
    "pledged",
    "reported",
    "reports",
    "clarified",
    "highlighted",
    "pointed",
    "concluded",
    "countered",
    "agreed",
    "indicated",
    "signalled",
    "signaled",
    "hinted",
    "boasted",
    "lamented",
    "announced",
    "informed",
    "stated",
    "swore",
    "testified",
    "contended",
    "answered",
    "concludes",
    "finds",
    "observes",
    "estimates",
    "estimated",
    "notes",
    "demanded",
    "demands",
    "proposed",
    "proposes",
    "requested",
    "recommended",
    "threatened",
    "threatens",
    "stipulated",
    "reaffirmed",
    "reaffirms",
    "affirmed",
    "affirms",
    "revealed",
    "reveals",
    "confessed",
    "confesses",
    "disclosed",
    "discloses",
    "mentioned",
    "mentions",
    // The forms the lists above missed: presents that are no plural noun,
    // bases for plural subjects ("Officials estimate that …").
    "responds",
    "indicates",
    "informs",
    "agrees",
    "clarifies",
    "specifies",
    "cautions",
    "complains",
    "testifies",
    "contends",
    "stipulates",
    "recommends",
    "reassures",
    "advises",
    "observe",
    "indicate",
    "clarify",
    "recommend",
    "propose",
    "reveal",
    "disclose",
    "affirm",
    "reaffirm",
    "reckon",
    "testify",
    "announce",
    "respond",
];

/// The nouns of `speech_nouns.txt`, each with the words that may open the
/// statement after it (none for a noun that only introduces a quote).
static SPEECH_NOUNS: LazyLock<HashMap<&'static str, Vec<&'static str>>> = LazyLock::new(|| {
    include_str!("speech_nouns.txt")
        .lines()
        .filter_map(|l| l.split('#').next()?.split_once('|'))
        .map(|(noun, after)| (noun.trim(), after.split_whitespace().collect()))
        .filter(|(noun, _)| !noun.is_empty())
        .collect()
});

/// A noun that names a speech act ("Tarn's reply was blunt: “…”", "Vorn's
/// demand that …").
pub fn speech_noun(w: &str) -> bool {
    SPEECH_NOUNS.contains_key(w)
}

/// The words that may open the statement a speech noun names ("demand" →
/// "that", "for"); empty when the noun only introduces a quote.
pub fn speech_noun_openers(w: &str) -> Option<&'static [&'static str]> {
    SPEECH_NOUNS.get(w).map(Vec::as_slice)
}

/// Verbs that only close a quote ("…?” she asked).
const QUOTE_ONLY_VERBS: &[&str] = &[
    "retorted",
    "echoed",
    "elaborated",
    "summarised",
    "summarized",
    "emailed",
    "texted",
    "wondered",
    "wonders",
    "queried",
    "replies",
    "confesses",
    "confessed",
    "reveals",
    "revealed",
    "tells",
    "summed",
    "concluded",
    "remarked",
    "insisted",
    "told",
    "asked",
    "asks",
    "continued",
    "continues",
    "joked",
    "quipped",
    "shouted",
    "exclaimed",
    "recounted",
    "commented",
    "comments",
    "went",
    "wrote",
    "urged",
    "urges",
    "added",
    "observes",
    "concludes",
    "continues",
    "says",
    "adds",
    "notes",
    "argues",
    "declared",
    "explained",
];

/// Every verb above, once in a hash table: 0 = bare clause, 1 = "that"
/// verb, 2 = only after a quote. Looked up for every word of every text.
static VERBS: LazyLock<HashMap<&'static str, u8>> = LazyLock::new(|| {
    let mut m = HashMap::new();
    for (list, kind) in [(QUOTE_ONLY_VERBS, 2), (THAT_VERBS, 1), (SAY_VERBS, 0)] {
        for w in list {
            m.insert(*w, kind);
        }
    }
    m
});

/// A speech verb: `Some(true)` when it may take a bare clause ("said the…").
pub fn speech_verb(w: &str) -> Option<bool> {
    match VERBS.get(w) {
        Some(0) => Some(true),
        Some(1) => Some(false),
        _ => None,
    }
}

/// Any verb that attributes a direct quote ("…,” she asked).
pub fn quote_verb(w: &str) -> bool {
    VERBS.contains_key(w)
}

/// Verbs that make a statement of their object only through quoted words:
/// "called the meeting “long and useful”", "praised “solid results”".
const EVALUATIVE_VERBS: &[&str] = &[
    "called",
    "calls",
    "described",
    "describes",
    "branded",
    "brands",
    "labelled",
    "labeled",
    "labels",
    "termed",
    "terms",
    "praised",
    "praises",
    "hailed",
    "hails",
    "dismissed",
    "dismisses",
    "attacked",
    "attacks",
    "welcomed",
    "welcomes",
    "slammed",
    "slams",
    "denounced",
    "denounces",
    "criticised",
    "criticized",
    "criticises",
    "criticizes",
    "condemned",
    "condemns",
    "lambasted",
    "blasted",
    "derided",
    "mocked",
    "ridiculed",
];

pub fn evaluative_verb(w: &str) -> bool {
    EVALUATIVE_VERBS.contains(&w)
}

/// Verbs of a held or defended view ("believes", "defended"): a quoted
/// sentence right after one of them is the subject's.
const STANCE_VERBS: &[&str] = &[
    "believes",
    "believed",
    "thinks",
    "thought",
    "feels",
    "felt",
    "fears",
    "feared",
    "hopes",
    "hoped",
    "insists",
    "insisted",
    "defended",
    "defends",
    "rejected",
    "rejects",
    "blamed",
    "blames",
    "questioned",
    "questions",
    "accused",
    "accuses",
    "urged",
    "urges",
];

pub fn stance_verb(w: &str) -> bool {
    STANCE_VERBS.contains(&w)
}

/// Verbs that may open a sentence before their speaker, as sports and
/// business copy writes "Said Tarn: “…”".
pub fn inverted_cue(w: &str) -> bool {
    matches!(w, "said" | "says" | "added" | "adds" | "asked" | "replied")
}

/// Participles of speech that take a clause with no "that" ("…,
/// claiming the mayor was …").
pub fn clause_participle(w: &str) -> bool {
    matches!(
        w,
        "saying"
            | "suggesting"
            | "claiming"
            | "insisting"
            | "arguing"
            | "warning"
            | "stressing"
            | "noting"
            | "admitting"
            | "acknowledging"
            | "declaring"
            | "asserting"
            | "explaining"
            | "stating"
            | "predicting"
            | "conceding"
            | "complaining"
            | "maintaining"
    )
}

/// Participles that attribute with an elided subject: ", adding that …".
pub fn participle_cue(w: &str) -> bool {
    matches!(
        w,
        "adding"
            | "saying"
            | "stressing"
            | "insisting"
            | "warning"
            | "noting"
            | "arguing"
            | "claiming"
            | "stating"
            | "explaining"
            | "writing"
            | "reiterating"
            | "declaring"
            | "asserting"
            | "suggesting"
            | "promising"
            | "vowing"
            | "pledging"
            | "announcing"
            | "confirming"
            | "denying"
            | "acknowledging"
            | "admitting"
            | "emphasising"
            | "emphasizing"
            | "underlining"
            | "recalling"
            | "telling"
            | "predicting"
    )
}

/// A finite auxiliary or copula: what makes the words before it a clause's
/// subject ("the firms, keen to hire, were …").
pub fn finite_aux(w: &str) -> bool {
    matches!(
        w,
        "was"
            | "were"
            | "is"
            | "are"
            | "had"
            | "has"
            | "have"
            | "would"
            | "will"
            | "could"
            | "can"
            | "should"
            | "must"
            | "did"
            | "do"
            | "does"
            | "might"
            | "may"
    )
}

/// A lower-case word that reads as the verb after a subject: an
/// auxiliary, an adverb, a past or a present in -s ("Tarn has …", "Quill
/// defended …", "Tarn insists …").
pub fn verb_form(w: &str) -> bool {
    finite_aux(w)
        || irregular_past(w)
        || aux_or_adverb(w)
        || w.ends_with("ed")
        || (w.ends_with('s') && !w.ends_with("ss"))
        || matches!(w, "hit" | "quit" | "put" | "set" | "cut" | "let" | "said")
}

/// A common irregular past tense ("prices rose"): with the "-ed" forms,
/// what shows that a few words after "said" are a clause.
pub fn irregular_past(w: &str) -> bool {
    matches!(
        w,
        "rose"
            | "fell"
            | "grew"
            | "came"
            | "went"
            | "was"
            | "were"
            | "had"
            | "did"
            | "made"
            | "took"
            | "saw"
            | "knew"
            | "got"
            | "won"
            | "lost"
            | "left"
            | "began"
            | "broke"
            | "held"
            | "kept"
            | "met"
            | "ran"
            | "sent"
            | "stood"
            | "spent"
            | "paid"
            | "brought"
            | "bought"
            | "built"
            | "fought"
            | "meant"
            | "found"
            | "gave"
    )
}

/// An "-ly" adverb ("repeatedly"), not a noun that ends so ("family").
fn adverb_like(w: &str) -> bool {
    w.len() > 4
        && w.ends_with("ly")
        && !matches!(
            w,
            "italy"
                | "family"
                | "assembly"
                | "july"
                | "rally"
                | "ally"
                | "supply"
                | "reply"
                | "only"
                | "monopoly"
                | "anomaly"
        )
}

/// Words between a subject and its verb that do not break the link
/// ("Zelenskyy also said", "he has repeatedly warned").
pub fn aux_or_adverb(w: &str) -> bool {
    adverb_like(w) || listed_aux_or_adverb(w)
}

/// `aux_or_adverb` for a word as written: a capitalised word ending in
/// "-ly" is a name ("Kelly", "Connolly", "Desailly"), not an adverb.
pub fn aux_or_adverb_as_written(w: &str, capitalised: bool) -> bool {
    listed_aux_or_adverb(w) || (!capitalised && adverb_like(w))
}

fn listed_aux_or_adverb(w: &str) -> bool {
    matches!(
        w,
        "often"
            | "always"
            | "usually"
            | "still"
            | "routinely"
            | "has"
            | "have"
            | "had"
            | "also"
            | "again"
            | "repeatedly"
            | "previously"
            | "earlier"
            | "later"
            | "then"
            | "once"
            | "reportedly"
            | "publicly"
            | "separately"
            | "further"
            | "recently"
            | "today"
            | "yesterday"
            | "himself"
            | "herself"
            | "themselves"
            | "already"
            | "subsequently"
            | "first"
            | "twice"
            | "privately"
            | "explicitly"
            | "openly"
            | "bluntly"
            | "flatly"
            | "firmly"
            | "strongly"
            | "simply"
            | "just"
            | "even"
            | "now"
            | "last"
            | "week"
            | "night"
            | "month"
            | "year"
            | "tonight"
            | "on"
    ) || weekday(w)
}

/// Letters after a name, as written ("QC", "MP"): rank, office or honour,
/// never part of the name.
pub fn post_nominal(w: &str) -> bool {
    member_letters(w) || matches!(w, "QC" | "KC" | "MS" | "OBE" | "MBE" | "CBE" | "KBE" | "DBE" | "JP" | "PhD")
}

/// Letters for a member of a legislature, as written: "the Salford MP" is
/// a seat, held by one person.
pub fn member_letters(w: &str) -> bool {
    matches!(w, "MP" | "MEP" | "MSP" | "AM" | "MLA" | "TD")
}

/// Months (lower case), which open dates, not names ("In January the …").
pub fn month(w: &str) -> bool {
    matches!(
        w,
        "january"
            | "february"
            | "march"
            | "april"
            | "may"
            | "june"
            | "july"
            | "august"
            | "september"
            | "october"
            | "november"
            | "december"
    )
}

/// Days of the week (lower case): they stand between names, verbs and
/// cues ("said on Monday") without being any of them.
pub fn weekday(w: &str) -> bool {
    matches!(w, "monday" | "tuesday" | "wednesday" | "thursday" | "friday" | "saturday" | "sunday")
}

/// Words that negate or hedge a verb: "did not say", "never said".
pub fn negation(w: &str) -> bool {
    matches!(
        w,
        "not"
            | "never"
            | "n't"
            | "didn't"
            | "doesn't"
            | "don't"
            | "hasn't"
            | "haven't"
            | "hadn't"
            | "won't"
            | "wouldn't"
            | "cannot"
            | "can't"
            | "declined"
            | "refused"
            | "did"
            | "does"
            | "do"
            | "would"
            | "could"
            | "might"
            | "may"
            | "will"
            | "should"
            | "to"
            | "must"
            | "shall"
            | "can"
            | "was"
            | "were"
            | "is"
            | "are"
            | "be"
            | "been"
            | "being"
            | "if"
            | "who"
            | "which"
            | "what"
            | "whom"
            | "whose"
            | "whether"
    )
}

/// Words that begin a clause after a comma: "…, though he said …".
pub fn conjunction(w: &str) -> bool {
    matches!(
        w,
        "and"
            | "but"
            | "while"
            | "whilst"
            | "though"
            | "although"
            | "as"
            | "because"
            | "since"
            | "when"
            | "after"
            | "before"
            | "so"
            | "yet"
            | "whereas"
            | "meanwhile"
            | "however"
            | "instead"
            | "now"
            | "still"
    )
}

/// Nationality and organisation adjectives that may precede a title:
/// "Russian Foreign Minister", "US President", "Nato secretary general".
pub fn nationality(w: &str) -> bool {
    matches!(
        w,
        "russian"
            | "ukrainian"
            | "us"
            | "u.s"
            | "american"
            | "german"
            | "french"
            | "british"
            | "uk"
            | "eu"
            | "european"
            | "polish"
            | "hungarian"
            | "chinese"
            | "turkish"
            | "italian"
            | "nato"
            | "un"
            | "belarusian"
            | "finnish"
            | "estonian"
            | "latvian"
            | "lithuanian"
            | "swedish"
            | "dutch"
            | "belgian"
            | "spanish"
            | "canadian"
            | "japanese"
            | "indian"
            | "israeli"
            | "iranian"
            | "saudi"
            | "emirati"
            | "qatari"
            | "swiss"
            | "austrian"
            | "czech"
            | "slovak"
            | "romanian"
            | "moldovan"
            | "georgian"
            | "kazakh"
            | "danish"
            | "norwegian"
            | "irish"
            | "western"
            | "kremlin"
            | "white"
            | "house"
            | "ukraine's"
            | "russia's"
            | "soviet"
            | "crimean"
            | "chechen"
            | "north"
            | "south"
            | "korean"
            | "brazilian"
            | "greek"
            | "bulgarian"
            | "croatian"
            | "serbian"
            | "slovenian"
            | "portuguese"
            | "australian"
            | "egyptian"
            | "syrian"
            | "armenian"
            | "azerbaijani"
            | "uzbek"
            | "kyrgyz"
            | "tajik"
            | "turkmen"
            | "mongolian"
            | "vietnamese"
            | "cuban"
            | "venezuelan"
            | "mexican"
            | "pakistani"
            | "afghan"
            | "iraqi"
            | "palestinian"
            | "lebanese"
            | "jordanian"
            | "ambassadorial"
            | "g7"
            | "g20"
            | "osce"
            | "iaea"
    )
}

/// Countries and capitals: part of a title ("President of Russia …") or,
/// alone as a subject, an institution ("Moscow has said …").
pub fn place(w: &str) -> bool {
    matches!(
        w,
        "russia"
            | "ukraine"
            | "belarus"
            | "moscow"
            | "kyiv"
            | "kiev"
            | "washington"
            | "beijing"
            | "china"
            | "france"
            | "germany"
            | "britain"
            | "berlin"
            | "paris"
            | "london"
            | "brussels"
            | "warsaw"
            | "poland"
            | "hungary"
            | "budapest"
            | "ankara"
            | "turkey"
            | "iran"
            | "tehran"
            | "israel"
            | "america"
            | "europe"
            | "minsk"
            | "kazakhstan"
            | "uzbekistan"
            | "india"
            | "delhi"
            | "tokyo"
            | "japan"
            | "italy"
            | "rome"
            | "federation"
            | "republic"
            | "kingdom"
            | "states"
            | "united"
            | "nations"
            | "union"
            | "abu"
            | "dhabi"
            | "uae"
            | "qatar"
            | "doha"
            | "riyadh"
            | "geneva"
            | "istanbul"
            | "moldova"
            | "georgia"
            | "armenia"
            | "azerbaijan"
            | "finland"
            | "sweden"
            | "norway"
            | "denmark"
            | "estonia"
            | "latvia"
            | "lithuania"
            | "romania"
            | "slovakia"
            | "netherlands"
            | "belgium"
            | "spain"
            | "canada"
            | "crimea"
            | "donbas"
            | "vatican"
            | "pyongyang"
            | "seoul"
            | "korea"
            | "syria"
            | "damascus"
            | "egypt"
            | "cairo"
            | "brazil"
            | "africa"
    )
}

/// Title and role words: "President", "Foreign Minister", "spokesman".
pub fn title(w: &str) -> bool {
    if let Some(rest) = w.strip_prefix("co-").or_else(|| w.strip_prefix("vice-")).or_else(|| w.strip_prefix("ex-")) {
        return title(rest);
    }
    role_head(w)
        || matches!(
            w,
            "vice"
                | "lieutenant"
                | "colonel"
                | "major"
                | "captain"
                | "sergeant"
                | "admiral"
                | "marshal"
                | "brigadier"
                | "shadow"
                | "junior"
                | "assistant"
                | "prime"
                | "foreign"
                | "defence"
                | "defense"
                | "state"
                | "press"
                | "special"
                | "deputy"
                | "first"
                | "lady"
                | "national"
                | "security"
                | "policy"
                | "foreign-policy"
                | "interior"
                | "finance"
                | "economy"
                | "energy"
                | "affairs"
                | "trade"
                | "economic"
                | "presidential"
                | "former"
                | "top"
                | "senior"
                | "high"
                | "lead"
                | "chief-of-staff"
                | "mr"
                | "mrs"
                | "ms"
                | "dr"
                | "prof"
                | "gen"
                | "lt"
                | "col"
                | "maj"
                | "capt"
                | "adm"
                | "sen"
                | "rep"
                | "gov"
                | "sir"
                | "dame"
                | "lord"
                | "acting"
                | "then"
                | "current"
                | "outgoing"
                | "incoming"
                | "new"
                | "military"
                | "intelligence"
                | "justice"
                | "health"
                | "culture"
                | "education"
                | "agriculture"
                | "digital"
                | "transformation"
                | "infrastructure"
                | "emergency"
                | "situations"
                | "armed"
                | "forces"
                | "staff"
                | "general"
                | "council"
                | "office"
                | "executive"
                | "european"
                | "commission"
                | "administration"
                | "ministry"
                | "regional"
                | "military-civilian"
                | "city"
                | "oblast"
                | "region"
                | "parliamentary"
                | "investment"
                | "peace"
                | "talks"
                | "delegation"
                | "team"
                | "federal"
                | "ukraine's"
                | "russia's"
                | "nato's"
                | "eu's"
                | "kremlin's"
                | "party"
                | "opposition"
                | "human"
                | "rights"
                | "civil"
                | "local"
                | "district"
                | "supreme"
                | "main"
                | "directorate"
                | "service"
                | "sbu"
                | "gur"
                | "fsb"
                | "representative"
                | "permanent"
                | "un"
                | "holy"
                | "see"
                | "cardinal"
                | "patriarch"
                | "metropolitan"
        )
}

/// Heads of a role noun phrase: "the mayor", "the Kremlin spokesman".
pub fn role_head(w: &str) -> bool {
    matches!(
        w,
        "president"
            | "minister"
            | "chancellor"
            | "secretary"
            | "spokesman"
            | "spokeswoman"
            | "spokesperson"
            | "mayor"
            | "governor"
            | "adviser"
            | "advisor"
            | "aide"
            | "envoy"
            | "ambassador"
            | "chief"
            | "head"
            | "commander"
            | "commander-in-chief"
            | "speaker"
            | "senator"
            | "congressman"
            | "congresswoman"
            | "pope"
            | "king"
            | "queen"
            | "prince"
            | "leader"
            | "director"
            | "commissioner"
            | "chairman"
            | "chairwoman"
            | "chair"
            | "negotiator"
            | "premier"
            | "ombudsman"
            | "prosecutor"
            | "general"
            | "diplomat"
            | "emissary"
            | "representative"
            | "lawmaker"
            | "deputy"
            | "vice-president"
            | "vice-chancellor"
            | "co-chair"
            | "administrator"
            | "coordinator"
            | "official"
            | "chief-of-staff"
            | "counsellor"
            | "counselor"
            | "chairperson"
            | "ceo"
            | "founder"
            | "economist"
            | "analyst"
            | "professor"
            | "researcher"
            | "fellow"
            | "historian"
            | "expert"
            | "author"
            | "journalist"
            | "correspondent"
            | "editor"
            | "patriarch"
            | "metropolitan"
            | "priest"
            | "bishop"
            | "archbishop"
            | "mp"
            | "mep"
            | "senior"
            | "strongman"
            | "autocrat"
            | "dictator"
            | "politician"
            | "general-secretary"
            | "secretary-general"
            | "high-representative"
            | "ombudswoman"
            | "czar"
            | "tsar"
            | "presenter"
            | "councillor"
            | "candidate"
            | "campaigner"
            | "lawyer"
            | "solicitor"
            | "barrister"
            | "activist"
            | "whip"
            // Church, bench, forces, police, schools, firms and the press.
            | "cardinal"
            | "rabbi"
            | "imam"
            | "cleric"
            | "vicar"
            | "chaplain"
            | "judge"
            | "magistrate"
            | "coroner"
            | "attorney"
            | "attorney-general"
            | "solicitor-general"
            | "colonel"
            | "lieutenant"
            | "sergeant"
            | "admiral"
            | "marshal"
            | "brigadier"
            | "inspector"
            | "superintendent"
            | "constable"
            | "detective"
            | "sheriff"
            | "executive"
            | "manager"
            | "captain"
            | "auditor"
            | "auditor-general"
            | "comptroller"
            | "treasurer"
            | "principal"
            | "headteacher"
            | "headmaster"
            | "headmistress"
            | "rector"
            | "scientist"
            | "surgeon"
            | "physician"
            | "strategist"
            | "consultant"
            | "pollster"
            | "commentator"
            | "columnist"
            | "mediator"
            | "delegate"
            | "consul"
            | "emir"
            | "sultan"
            | "sheikh"
            | "ayatollah"
            | "monarch"
            | "taoiseach"
    )
}

/// Heads that make a speaker anonymous: "a senior US official", "US
/// sources" (`anonymous_heads.txt`).
pub fn anonymous_head(w: &str) -> bool {
    ANONYMOUS_HEADS.contains(w)
}

static ANONYMOUS_HEADS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("anonymous_heads.txt")
        .lines()
        .filter_map(|l| l.split('#').next())
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .collect()
});

/// Heads that make a speaker an institution: "the Kremlin", "Russia's
/// Defense Ministry", "Ukraine's general staff".
/// Heads of a body's name before its remit ("the Association of Chief
/// Police Officers", "the Royal College of Nursing"), which
/// [`institution_head`] does not hold because alone they name no speaker.
pub fn body_head(w: &str) -> bool {
    matches!(
        w,
        "association"
            | "federation"
            | "confederation"
            | "college"
            | "chamber"
            | "society"
            | "academy"
            | "league"
            | "inspectorate"
            | "tribunal"
            | "foundation"
            | "conference"
    )
}

pub fn institution_head(w: &str) -> bool {
    matches!(
        w,
        "kremlin"
            | "house"
            | "pentagon"
            | "ministry"
            | "department"
            | "office"
            | "council"
            | "commission"
            | "staff"
            | "force"
            | "forces"
            | "service"
            | "agency"
            | "committee"
            | "assembly"
            | "parliament"
            | "duma"
            | "rada"
            | "government"
            | "administration"
            | "embassy"
            | "bank"
            | "fund"
            | "institute"
            | "organization"
            | "organisation"
            | "union"
            | "command"
            | "guard"
            | "army"
            | "navy"
            | "police"
            | "court"
            | "cabinet"
            | "nato"
            | "un"
            | "eu"
            | "osce"
            | "iaea"
            | "unicef"
            | "unhcr"
            | "who"
            | "imf"
            | "secretariat"
            | "directorate"
            | "presidency"
            | "headquarters"
            | "mission"
            | "coalition"
            | "alliance"
            | "authority"
            | "sbu"
            | "fsb"
            | "gur"
            | "isw"
            | "bureau"
            | "board"
            | "party"
            | "regime"
            | "kyiv"
            | "moscow"
            | "washington"
            | "beijing"
            | "ukraine"
            | "russia"
            | "minsk"
            | "brussels"
            | "berlin"
            | "paris"
            | "london"
            | "ankara"
            | "tehran"
            | "china"
            | "belarus"
            | "iran"
            | "g7"
            | "senate"
            | "congress"
            | "state"
            | "patrol"
            | "fleet"
            | "group"
            | "centre"
            | "center"
            | "network"
            | "monitor"
            | "team"
            | "delegation"
            | "prosecutor's"
            | "ombudsman's"
            | "operator"
            | "company"
            | "utility"
            | "ukrenergo"
            | "naftogaz"
            | "gazprom"
            | "rosatom"
            | "mfa"
            | "mod"
            | "rosaviatsia"
            | "think-tank"
            | "thinktank"
            | "consultancy"
            | "institution"
            | "roskomnadzor"
            | "cabinet's"
            | "hq"
            | "defence"
            | "defense"
            | "watchdog"
            | "brigade"
            | "battalion"
            | "regiment"
            | "corps"
            | "division"
            | "grouping"
            | "trust"
            | "association"
            | "federation"
            | "society"
            | "foundation"
            | "unit"
            | "charity"
            | "executive"
            | "tribunal"
            | "inquiry"
            | "campaign"
            | "movement"
            | "fellowship"
            | "confederation"
            | "chamber"
            | "academy"
    )
}

/// News agencies and outlets: an "according to Reuters" names a source of
/// news, not a speaker.
pub fn outlet(w: &str) -> bool {
    matches!(
        w,
        "statements"
            | "statement"
            | "comments"
            | "remarks"
            | "messages"
            | "reuters"
            | "ap"
            | "afp"
            | "bloomberg"
            | "tass"
            | "interfax"
            | "ria"
            | "novosti"
            | "cnn"
            | "bbc"
            | "axios"
            | "politico"
            | "times"
            | "journal"
            | "post"
            | "guardian"
            | "telegraph"
            | "economist"
            | "kommersant"
            | "vedomosti"
            | "izvestia"
            | "rbc"
            | "ukrinform"
            | "unian"
            | "pravda"
            | "independent"
            | "nbc"
            | "cbs"
            | "abc"
            | "fox"
            | "news"
            | "media"
            | "newspaper"
            | "report"
            | "reports"
            | "reporting"
            | "dpa"
            | "ansa"
            | "efe"
            | "xinhua"
            | "yonhap"
            | "anadolu"
            | "nhk"
            | "rt"
            | "sky"
            | "france"
            | "spiegel"
            | "welt"
            | "bild"
            | "zeit"
            | "monde"
            | "figaro"
            | "wsj"
            | "nyt"
            | "ft"
            | "semafor"
            | "suspilne"
            | "meduza"
            | "novaya"
            | "gazeta"
            | "rossiya-24"
            | "channel"
            | "television"
            | "tv"
            | "radio"
            | "broadcaster"
            | "outlet"
            | "website"
            | "magazine"
            | "data"
            | "estimates"
            | "figures"
            | "statistics"
            | "survey"
            | "poll"
            | "polls"
            | "analysis"
            | "study"
            | "documents"
            | "document"
            | "records"
            | "calculations"
            | "research"
            | "reporters"
            | "images"
            | "footage"
            | "map"
            | "maps"
            | "tally"
    )
}

/// Pronouns that may stand for a speaker.
pub fn pronoun(w: &str) -> Option<Pronoun> {
    match w {
        "he" | "him" | "his" => Some(Pronoun::He),
        "she" | "her" => Some(Pronoun::She),
        "they" | "them" => Some(Pronoun::They),
        "it" => Some(Pronoun::It),
        _ => None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pronoun {
    He,
    She,
    They,
    It,
}

/// Heads of an unnamed source that is one person ("a Labour spokesman",
/// "an official close to the talks"): "he" or "she" may refer back to it.
const SINGULAR_PERSON: &[&str] = &[
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "official",
    "source",
    "aide",
    "adviser",
    "advisor",
    "diplomat",
    "officer",
    "executive",
    "analyst",
    "expert",
    "insider",
    "member",
    "commander",
    "resident",
    "witness",
    "soldier",
    "man",
    "woman",
    "milblogger",
    "blogger",
    "pilot",
    "representative",
    "negotiator",
    "lawmaker",
    "mp",
    "msp",
    "mep",
    "mla",
    "senator",
    "congressman",
    "congresswoman",
    "backbencher",
    "campaigner",
    "activist",
    "lawyer",
    "solicitor",
    "barrister",
    "councillor",
    "economist",
    "strategist",
    "boss",
    "chief",
    "author",
    "founder",
    "organiser",
    "organizer",
    "coordinator",
    "co-ordinator",
    "editor",
    "correspondent",
    "presenter",
    "nephew",
    "niece",
    "son",
    "daughter",
    "wife",
    "husband",
    // Jobs written before a name like a title: "Singer Ada Quill",
    // "Manager Ivo Tarn", "Agent Ben Sarn".
    "singer",
    "actor",
    "actress",
    "producer",
    "director",
    "writer",
    "novelist",
    "composer",
    "musician",
    "rapper",
    "comedian",
    "artist",
    "designer",
    "agent",
    "manager",
    "coach",
    "striker",
    "midfielder",
    "defender",
    "goalkeeper",
    "winger",
    "brother",
    "sister",
    "father",
    "mother",
    "widow",
];

/// A noun for one person's job or standing that may stand right before
/// their name like a title: "pensions officer Paul Doe", "Kyiv resident
/// Olena Vash" ("man" and "woman" do not).
pub fn person_noun(w: &str) -> bool {
    SINGULAR_PERSON.contains(&w) && !matches!(w, "man" | "woman")
}

/// An unnamed source phrase for one person: "a spokesman for the ministry".
pub fn singular_person(name: &str) -> bool {
    let lower = name.to_lowercase();
    let mut words = lower.split_whitespace();
    matches!(words.next(), Some("a" | "an" | "one" | "another" | "the"))
        && words
            .take_while(|w| !matches!(*w, "of" | "for" | "in" | "at" | "from" | "with" | "close" | "familiar"))
            .any(|w| SINGULAR_PERSON.contains(&w))
}

/// Small numbers written as words ("two Zirkon missiles").
pub fn number_word(w: &str) -> bool {
    matches!(
        w,
        "one" | "two" | "three" | "four" | "five" | "six" | "seven" | "eight" | "nine" | "ten" | "dozens" | "hundreds"
    )
}

/// The pronoun an honorific says a person takes: "Mr Tarn" is "he",
/// "Ms Quill" is "she"; "Dr" says nothing.
pub fn honorific_pronoun(w: &str) -> Option<Pronoun> {
    match w {
        "mr" | "sir" | "lord" | "baron" => Some(Pronoun::He),
        "mrs" | "ms" | "miss" | "lady" | "dame" | "baroness" => Some(Pronoun::She),
        _ => None,
    }
}

/// Words in capitalised names that are no person's: "League One",
/// "Nottingham Forest", "Jupiter Research", "Constitutional Affairs".
pub fn non_person_word(w: &str) -> bool {
    matches!(
        w,
        "league"
            | "cup"
            | "club"
            | "united"
            | "city"
            | "forest"
            | "rovers"
            | "athletic"
            | "wanderers"
            | "madrid"
            | "research"
            | "international"
            | "olympic"
            | "olympics"
            | "affairs"
            | "work"
            | "one"
            | "two"
            | "games"
            | "championship"
            | "championships"
            | "open"
            | "awards"
            | "festival"
            | "prize"
            | "standard"
    )
}

/// Honorifics before a surname ("Mr Fox", "Lord Bach").
pub fn honorific(w: &str) -> bool {
    matches!(w, "mr" | "mrs" | "ms" | "miss" | "dr" | "sir" | "lord" | "lady" | "dame" | "prof" | "baroness" | "baron")
}

/// A lower-case word that may qualify a role noun ("home affairs
/// spokesman", "select committee chairman"): not a function word or a verb
/// form that would make the phrase a clause.
pub fn plain_noun(w: &str) -> bool {
    w.len() > 2
        && w.chars().all(|c| c.is_alphabetic() || c == '-')
        && !w.ends_with("ed")
        && !adverb_like(w)
        && !matches!(
            w,
            "that"
                | "which"
                | "who"
                | "whom"
                | "whose"
                | "has"
                | "have"
                | "had"
                | "was"
                | "were"
                | "are"
                | "will"
                | "would"
                | "can"
                | "could"
                | "should"
                | "must"
                | "may"
                | "might"
                | "not"
                | "and"
                | "but"
                | "the"
                | "for"
                | "with"
                | "from"
                | "into"
                | "onto"
                | "about"
                | "said"
                | "says"
                | "told"
                | "tells"
                | "also"
                | "been"
                | "being"
                | "this"
                | "these"
                | "those"
                | "there"
                | "their"
                | "its"
                | "his"
                | "her"
                | "our"
                | "your"
                | "they"
                | "she"
                | "him"
                | "them"
                | "what"
                | "when"
                | "where"
                | "while"
                | "after"
                | "before"
                | "over"
                | "under"
                | "than"
                | "then"
                | "only"
                | "even"
                | "just"
                | "some"
                | "many"
                | "more"
                | "most"
        )
        && speech_verb(w).is_none()
}

/// Determiners and quantifiers that may open a speaker phrase.
pub fn determiner(w: &str) -> bool {
    matches!(
        w,
        "the"
            | "a"
            | "an"
            | "several"
            | "some"
            | "many"
            | "two"
            | "three"
            | "four"
            | "one"
            | "other"
            | "another"
            | "most"
            | "few"
            | "numerous"
            | "multiple"
            | "various"
            | "both"
            | "its"
            | "his"
            | "her"
            | "their"
            | "all"
            | "these"
            | "those"
            | "no"
            | "any"
            | "more"
    )
}

/// Adjectives and qualifiers inside an anonymous or role phrase:
/// "a senior US official", "two people familiar with the matter".
pub fn qualifier(w: &str) -> bool {
    matches!(
        w,
        "senior"
            | "top"
            | "high-ranking"
            | "high-level"
            | "junior"
            | "former"
            | "unnamed"
            | "anonymous"
            | "western"
            | "local"
            | "regional"
            | "european"
            | "military"
            | "russian"
            | "ukrainian"
            | "american"
            | "government"
            | "administration"
            | "security"
            | "intelligence"
            | "defence"
            | "defense"
            | "diplomatic"
            | "foreign"
            | "state"
            | "presidential"
            | "kremlin"
            | "white"
            | "house"
            | "official"
            | "knowledgeable"
            | "familiar"
            | "close"
            | "with"
            | "to"
            | "in"
            | "of"
            | "at"
            | "from"
            | "on"
            | "matter"
            | "talks"
            | "negotiations"
            | "discussions"
            | "plans"
            | "situation"
            | "delegation"
            | "side"
            | "team"
            | "ministry"
            | "city"
            | "military-civilian"
            | "israeli"
            | "eu"
            | "nato"
            | "un"
            | "us"
            | "u.s"
            | "uk"
            | "british"
            | "french"
            | "german"
            | "polish"
            | "chinese"
            | "turkish"
            | "authorities"
            | "officials"
            | "energy"
            | "national"
            | "deputy"
            | "chief"
            | "press"
            | "police"
            | "emergency"
            | "health"
            | "rescue"
            | "region"
            | "regional-level"
            | "oblast"
            | "occupation"
            | "occupied"
            | "installed"
            | "kremlin-installed"
            | "russian-installed"
            | "moscow-installed"
            | "pro-russian"
            | "pro-kremlin"
            | "separatist"
            | "army"
            | "current"
            | "serving"
            | "retired"
            | "leading"
            | "prominent"
            | "independent"
            | "and"
            | "peace"
            | "economic"
            | "political"
            | "financial"
            | "civilian"
            | "federal"
            | "his"
            | "her"
            | "their"
            | "its"
    )
}
