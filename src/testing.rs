//! Helpers for unit tests only (compiled under `cfg(test)`): nothing here
//! reaches the library or the binary.

/// A tiny deterministic generator (xorshift64), so generated test inputs
/// are the same on every run and no crate is needed.
pub(crate) struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// One of `items`, chosen by the next number.
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}
