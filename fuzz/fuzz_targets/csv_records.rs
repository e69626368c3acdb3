//! A CSV file's bytes → `corpus::ingest::read_bulk_from` (what `import`
//! reads), record by record, default and overridden column maps.
#![no_main]
use libfuzzer_sys::fuzz_target;
use parley::corpus::ingest::BulkFormat;

mod common;

fuzz_target!(|data: &[u8]| common::check_bulk(data, BulkFormat::Csv, "fuzz.csv"));
