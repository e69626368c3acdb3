//! A JSON Lines file's bytes → `corpus::ingest::read_bulk_from` (what `import`
//! reads), record by record, default and overridden column maps.
#![no_main]
use libfuzzer_sys::fuzz_target;
use parley::corpus::ingest::{self, BulkFormat};
use parley::corpus::FieldMap;

mod common;
use common::*;

fuzz_target!(|data: &[u8]| {
    let maps = [
        FieldMap::default(),
        FieldMap::default().with_overrides(&["body=text".into(), "date=when".into()]).unwrap_or_default(),
    ];
    for map in &maps {
        let Ok(records) =
            ingest::read_bulk_from(std::io::Cursor::new(data.to_vec()), BulkFormat::JsonLines, "fuzz.jsonl", map)
        else {
            continue;
        };
        for d in records.flatten() {
            assert!(!d.body.trim().is_empty(), "a record without a body");
            assert_body("body", &d.body);
            if let Some(p) = &d.published {
                assert_date("published", p);
            }
            if let Some(u) = &d.url {
                assert!(u.starts_with("http://") || u.starts_with("https://"), "url {u:?}");
            }
        }
    }
});
