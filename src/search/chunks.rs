//! The index's small per-document files: the `d/` chunks of document metadata (url, title,
//! date, summary) and the `t/` chunks of snippet text, with the key that tells whether a
//! text chunk of the last build can be kept.

use serde::Serialize;

use crate::diag::Diagnostic;
use crate::site::{PageId, Site};

use super::shards::Row;
use super::{IndexOutput, DOCS_PER_CHUNK, SNIPPET_TEXT, TEXTS_PER_CHUNK};

/// A document's row in the metadata chunks.
#[derive(Serialize)]
struct DocRow<'a> {
    url: String,
    title: &'a str,
    date: Option<String>,
    summary: &'a str,
}

/// The `d/` chunks: url, title, date and summary of `DOCS_PER_CHUNK` documents each.
/// Returns every document's result row (url, title, date), by number, for the shards.
pub(super) fn write_doc_rows(
    site: &Site,
    ids: &[PageId],
    base: &str,
    out: &mut dyn IndexOutput,
) -> Result<Vec<Row>, Diagnostic> {
    let mut table = Vec::with_capacity(ids.len());
    let urls = crate::render::views::Urls {
        base_url: &site.config.base_url,
        base_path: &site.config.base_path,
    };
    for (n, chunk) in ids.chunks(DOCS_PER_CHUNK).enumerate() {
        let rows: Vec<DocRow<'_>> = chunk
            .iter()
            .map(|id| {
                let page = site.page(*id);
                DocRow {
                    url: urls.link(&page.url),
                    title: page.title(),
                    date: page.doc.meta.date.as_ref().map(|d| d.iso()),
                    summary: &page.doc.summary,
                }
            })
            .collect();
        let json = serde_json::to_vec(&rows).unwrap_or_default();
        out.write(&format!("{base}d/{n}.json"), &json, 0)?;
        table.extend(
            rows.into_iter()
                .map(|r| Row(r.url, r.title.to_string(), r.date)),
        );
    }
    Ok(table)
}

/// The text chunks of a batch of documents, the first numbered `first`: (path, key).
pub(super) fn text_chunks(
    site: &Site,
    base: &str,
    first: usize,
    batch: &[PageId],
) -> Vec<(String, u64)> {
    batch
        .chunks(TEXTS_PER_CHUNK)
        .enumerate()
        .map(|(i, docs)| {
            let path = format!("{base}t/{}.json", first + i);
            (path, text_chunk_key(site, docs))
        })
        .collect()
}

/// What a text chunk is made of: the snippet rules and its documents' files, in order, and
/// for a derived edition the transliteration (an editor's word changes its snippets).
fn text_chunk_key(site: &Site, ids: &[PageId]) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    hasher.update(&(SNIPPET_TEXT as u64).to_le_bytes());
    if let Some(id) = ids.first() {
        let lang = site.page(*id).lang();
        hasher.update(&site.config.script_key(lang).to_le_bytes());
    }
    for id in ids {
        hasher.update(&site.page(*id).doc.content_hash.to_le_bytes());
    }
    hasher.digest()
}
