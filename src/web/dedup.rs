//! Near-duplicate bodies: the same wire story republished by several
//! outlets, or one page saved twice with different page furniture.
//!
//! A [`Fingerprint`] is a MinHash signature of the body's word 5-shingles
//! (lower-cased, folded to ASCII, punctuation dropped) with the number of
//! distinct shingles. [`jaccard`] estimates the Jaccard similarity of two
//! bodies' shingle sets; [`similarity`] estimates how much of the shorter
//! body is contained in the longer one, which also catches a wire story
//! republished inside a page with more furniture or a longer update. Pure and
//! deterministic across runs and machines (own hash, no random seeds), so a
//! fingerprint may be stored. It must not decide what a duplicate means for
//! the corpus: that is the engine's job.

use serde::{Deserialize, Serialize};

/// Number of MinHash values per fingerprint.
pub const SIGNATURE_LEN: usize = 256;

/// Words per shingle.
pub const SHINGLE_WORDS: usize = 5;

/// At or above this [`similarity`] two bodies are the same story
/// (measured on the real duplicates in `../shared/data/talks-news`: see
/// docs/QUALITY.md, "Web extraction").
pub const NEAR_DUPLICATE: f32 = 0.6;

/// The MinHash signature of a body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint {
    mins: Vec<u64>,
    /// Distinct shingles seen (0 for an empty body).
    shingles: u32,
}

impl Fingerprint {
    /// Whether the body had no words to fingerprint.
    pub fn is_empty(&self) -> bool {
        self.shingles == 0
    }
}

/// Fingerprints a body of text.
pub fn fingerprint(text: &str) -> Fingerprint {
    let words: Vec<String> = deunicode::deunicode(text)
        .to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect();
    let mut mins = vec![u64::MAX; SIGNATURE_LEN];
    let mut seen = std::collections::HashSet::new();
    let n = SHINGLE_WORDS.min(words.len().max(1));
    for shingle in words.windows(n) {
        let mut h = FNV_OFFSET;
        for w in shingle {
            h = fnv(h, w.as_bytes());
            h = fnv(h, b" ");
        }
        if !seen.insert(h) {
            continue;
        }
        for (i, m) in mins.iter_mut().enumerate() {
            let v = mix(h ^ SEEDS[i % SEEDS.len()].wrapping_mul(i as u64 + 1));
            if v < *m {
                *m = v;
            }
        }
    }
    Fingerprint { mins, shingles: seen.len().min(u32::MAX as usize) as u32 }
}

/// Locality-sensitive keys of the fingerprint: the first 128 MinHash
/// values in 32 bands of 4. Two bodies with Jaccard similarity 0.5 share a
/// band with probability 0.87, at 0.6 with 0.99; unrelated bodies almost
/// never do. An index of band keys finds near-duplicate candidates without
/// comparing against every article.
pub fn bands(fp: &Fingerprint) -> Vec<u64> {
    if fp.is_empty() {
        return Vec::new();
    }
    fp.mins
        .iter()
        .take(128)
        .collect::<Vec<_>>()
        .chunks(4)
        .enumerate()
        .map(|(band, rows)| {
            let mut h = FNV_OFFSET ^ band as u64;
            for r in rows {
                h = fnv(h, &r.to_le_bytes());
            }
            h
        })
        .collect()
}

/// Estimated Jaccard similarity of two bodies' shingle sets, 0.0–1.0. An
/// empty body is similar to nothing.
pub fn jaccard(a: &Fingerprint, b: &Fingerprint) -> f32 {
    if a.is_empty() || b.is_empty() || a.mins.len() != b.mins.len() || a.mins.is_empty() {
        return 0.0;
    }
    let equal = a.mins.iter().zip(&b.mins).filter(|(x, y)| x == y).count();
    equal as f32 / a.mins.len() as f32
}

/// Estimated share of the shorter body's shingles that also occur in the
/// longer body, 0.0–1.0 (1.0 for copies, and for a story republished
/// whole inside a longer page). An empty body is similar to nothing.
pub fn similarity(a: &Fingerprint, b: &Fingerprint) -> f32 {
    let j = jaccard(a, b);
    if j == 0.0 {
        return 0.0;
    }
    // |A ∩ B| = J (|A| + |B|) / (1 + J)
    let (na, nb) = (a.shingles as f32, b.shingles as f32);
    let common = j * (na + nb) / (1.0 + j);
    (common / na.min(nb)).clamp(0.0, 1.0)
}

/// Whether two bodies are near-duplicates ([`NEAR_DUPLICATE`]).
pub fn is_near_duplicate(a: &Fingerprint, b: &Fingerprint) -> bool {
    similarity(a, b) >= NEAR_DUPLICATE
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;
const SEEDS: [u64; 4] = [0x9e37_79b9_7f4a_7c15, 0xc2b2_ae3d_27d4_eb4f, 0x1656_67b1_9e37_79f9, 0x27d4_eb2f_1656_67c5];

fn fnv(mut h: u64, bytes: &[u8]) -> u64 {
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

/// splitmix64's finaliser: a good 64-bit mixer.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str =
        "Delegates from Ostrava and Vellmar met in the lakeside town of Brenn on Saturday for a second \
        day of talks. Mayor Olek Brandt said the two sides were closer than at any time this year, but warned that no \
        deal was certain. The exchange of prisoners was first on the agenda, followed by the reopening of the grain \
        corridor along the river. A joint statement is expected on Friday if both delegations agree on its wording.";

    #[test]
    fn identical_and_lightly_edited_copies_are_near_duplicates() {
        let a = fingerprint(STORY);
        assert_eq!(similarity(&a, &fingerprint(STORY)), 1.0);
        let syndicated = format!(
            "BRENN (Wire) — {} Reporting by Jane Roe; editing by John Doe. Sign up for our newsletter.",
            STORY.replace("Saturday", "Sat.")
        );
        let s = similarity(&a, &fingerprint(&syndicated));
        assert!(s >= NEAR_DUPLICATE, "{s}");
        // Case, punctuation and accents do not matter.
        let shouted = STORY.to_uppercase().replace(',', "").replace("Brenn", "Brénn");
        assert!(similarity(&fingerprint(STORY), &fingerprint(&shouted)) > 0.9);
    }

    #[test]
    fn a_story_inside_a_longer_page_is_found() {
        let furniture: String = (0..300).map(|i| format!("menu item {i} more headlines here ")).collect();
        let page = format!("{furniture} {STORY} {furniture}");
        let (a, b) = (fingerprint(STORY), fingerprint(&page));
        assert!(jaccard(&a, &b) < 0.2, "{}", jaccard(&a, &b));
        assert!(similarity(&a, &b) >= NEAR_DUPLICATE, "{}", similarity(&a, &b));
    }

    #[test]
    fn different_stories_are_not() {
        let other = "The football season in Vellmar opened with a draw on Sunday, as the home side came back from two \
            goals down against a young Ostrava team. The coach praised his players and said the new stadium would be \
            ready for the cup final in May, when a record crowd is expected.";
        let s = similarity(&fingerprint(STORY), &fingerprint(other));
        assert!(s < 0.1, "{s}");
    }

    #[test]
    fn empty_and_tiny_bodies_match_nothing() {
        assert!(fingerprint("").is_empty());
        assert_eq!(similarity(&fingerprint(""), &fingerprint("")), 0.0);
        assert!(!fingerprint("two words").is_empty());
        assert_eq!(similarity(&fingerprint("two words"), &fingerprint("two words")), 1.0);
    }

    #[test]
    fn fingerprints_are_stable() {
        // Stored fingerprints must stay comparable across builds.
        let f = fingerprint("one two three four five six");
        assert_eq!(f.shingles, 2);
        assert_eq!(f.mins.len(), SIGNATURE_LEN);
        assert_eq!(f, fingerprint("One, two; three — four five six!"));
    }
}
