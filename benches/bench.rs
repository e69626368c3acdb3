//! The synthetic-corpus benchmark (being written).
fn main() {}
