//! The tantivy schema and the English analyzer.

use tantivy::schema::{
    DateOptions, DateTimePrecision, Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions,
    Value, FAST, STORED, STRING,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, StopWordFilter, TextAnalyzer,
};
use tantivy::{Index, TantivyDocument};

pub const KIND_ARTICLE: &str = "article";
pub const KIND_PASSAGE: &str = "passage";
pub const KIND_QUOTE: &str = "quote";

/// The analyzer of every text field: words, lower case, ASCII folding,
/// English stop words, English stemming.
pub const ENGLISH: &str = "parley_en";

pub fn english() -> TextAnalyzer {
    let builder = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter);
    match StopWordFilter::new(Language::English) {
        Some(stop) => builder.filter(stop).filter(Stemmer::new(Language::English)).build(),
        None => builder.filter(Stemmer::new(Language::English)).build(),
    }
}

pub fn register_analyzers(index: &Index) {
    index.tokenizers().register(ENGLISH, english());
}

/// The schema's fields.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub kind: Field,
    pub article_id: Field,
    pub title: Field,
    pub outlet: Field,
    pub outlet_key: Field,
    pub url: Field,
    pub published: Field,
    pub published_text: Field,
    pub language: Field,
    /// JSON array of "Outlet <url>" for syndicated copies.
    pub also: Field,
    // article documents
    pub hash: Field,
    pub len: Field,
    pub mtime: Field,
    pub url_key: Field,
    pub text_key: Field,
    /// Near-duplicate band keys (hex), see `web::dedup::bands`.
    pub bands: Field,
    // passage documents
    pub ord: Field,
    pub body: Field,
    /// `vectors::key` of the passage text: joins a passage to its vector.
    pub pkey: Field,
    // quote documents
    pub quote_text: Field,
    pub speaker: Field,
    pub speaker_key: Field,
    pub quote_kind: Field,
    pub confidence: Field,
    pub payload: Field,
}

impl Fields {
    pub fn build() -> (Fields, Schema) {
        let mut b = Schema::builder();
        let text = |stored: bool| {
            let o = TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(ENGLISH)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            );
            if stored {
                o.set_stored()
            } else {
                o
            }
        };
        let f = Fields {
            kind: b.add_text_field("kind", STRING),
            article_id: b.add_text_field("article_id", STRING | STORED | FAST),
            title: b.add_text_field("title", text(true)),
            outlet: b.add_text_field("outlet", STORED),
            outlet_key: b.add_text_field("outlet_key", STRING),
            url: b.add_text_field("url", STORED),
            published: b.add_date_field(
                "published",
                DateOptions::default().set_indexed().set_fast().set_precision(DateTimePrecision::Seconds),
            ),
            published_text: b.add_text_field("published_text", STORED),
            language: b.add_text_field("language", STRING | STORED),
            also: b.add_text_field("also", STORED),
            hash: b.add_u64_field("hash", NumericOptions::default().set_stored().set_fast()),
            len: b.add_u64_field("len", NumericOptions::default().set_stored().set_fast()),
            mtime: b.add_i64_field("mtime", NumericOptions::default().set_stored().set_fast()),
            url_key: b.add_text_field("url_key", STRING),
            text_key: b.add_text_field("text_key", STRING),
            bands: b.add_text_field("bands", STRING),
            ord: b.add_u64_field("ord", NumericOptions::default().set_stored().set_indexed()),
            body: b.add_text_field("body", text(true)),
            pkey: b.add_u64_field("pkey", NumericOptions::default().set_stored().set_indexed().set_fast()),
            quote_text: b.add_text_field("quote_text", text(false)),
            speaker: b.add_text_field("speaker", STRING),
            speaker_key: b.add_text_field("speaker_key", STRING),
            quote_kind: b.add_text_field("quote_kind", STRING),
            confidence: b.add_f64_field("confidence", NumericOptions::default().set_stored().set_fast()),
            payload: b.add_text_field("payload", STORED),
        };
        (f, b.build())
    }

    pub fn text<'d>(&self, doc: &'d TantivyDocument, field: Field) -> Option<&'d str> {
        doc.get_first(field).and_then(|v| v.as_str())
    }

    pub fn u64(&self, doc: &TantivyDocument, field: Field) -> u64 {
        doc.get_first(field).and_then(|v| v.as_u64()).unwrap_or(0)
    }
}
