//! The documents cache: every content file's loaded `Document`, kept between builds in
//! `.qostil/documents` with the file's stamp, so that a rebuild reads and parses only the
//! files that changed. A stamp is the file's size, modification and change times and inode:
//! writing a file, or replacing it by a rename, changes its change time, which no tool can
//! set back.
//!
//! Timestamps are coarse (a few milliseconds on Linux, seconds elsewhere), so a file written
//! twice within one tick, or during a build, can keep its stamp. Like Git's "racily clean"
//! index entries, a file whose times are not well before the build that read it is not cached
//! (`Stamp::is_settled`): the next build reads it again.
//!
//! The cache is only a shortcut: a line that cannot be read, or a cache written for another
//! version or other taxonomies, means the file is loaded from the sources. One line per
//! document: `<stamp> <source>\t<Document as JSON>`.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fs;
use std::io::{self, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::Document;

const HEADER: &str = "qostil documents 2";

/// How long before the build's start a file's last change must be for its entry to be kept.
const SETTLE: Duration = Duration::from_secs(2);

pub use crate::paths::Stamp;

/// Whether the file last changed well before `started` (see the module's comment).
fn is_settled(stamp: &Stamp, started: SystemTime) -> bool {
    let Ok(started) = started.duration_since(SystemTime::UNIX_EPOCH) else {
        return false;
    };
    let limit = started.saturating_sub(SETTLE).as_nanos();
    stamp.modified_ns < limit && stamp.changed_ns < limit
}

/// What must be the same for a cached document to stand for a new load: qostil's version
/// and the site's taxonomies (front matter keys become taxonomy terms by them).
pub fn key(taxonomies: &[String]) -> String {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    // The cache's format: documents gained `warnings`, `links`, then dates kept as written,
    // then typeset titles and summaries and `shortcodes`, then `words`, `headings` and
    // `summary_opens_body`, then bundles, `files` and the image's caption and credit, then
    // `site_images`.
    hasher.update(b"documents-10\n");
    for name in taxonomies {
        hasher.update(name.as_bytes());
        hasher.update(b"\n");
    }
    format!("{:016x}", hasher.digest())
}

/// The documents cache as the last build left it.
#[derive(Default)]
pub struct DocumentCache {
    text: Vec<u8>,
    /// Hash of a source → its line. Lines are found by a hash of the source (checked against
    /// the line's own) so that reading the cache allocates nothing per line.
    lines: HashMap<u64, Line>,
}

struct Line {
    stamp: Stamp,
    /// xxh3 of the source, the tab and the JSON: a line changed by anything but qostil
    /// (even into other valid JSON) is a miss.
    checksum: u64,
    source: Range<usize>,
    whole: Range<usize>,
    json: Range<usize>,
}

fn source_hash(source: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(source)
}

/// Whether a document goes into the cache: its file had settled when the build began, and
/// its source fits a line (the line's separators cannot be part of it).
fn is_kept(doc: &Document, stamp: &Stamp, started: SystemTime) -> bool {
    is_settled(stamp, started) && !doc.source.contains(['\t', '\n', '\r'])
}

impl DocumentCache {
    /// The cache at `path`, if it was written with `key`; empty otherwise.
    pub fn load(path: &Path, key: &str) -> DocumentCache {
        let Ok(text) = fs::read(path) else {
            return DocumentCache::default();
        };
        let header = format!("{HEADER} {key}\n");
        if !text.starts_with(header.as_bytes()) {
            return DocumentCache::default();
        }
        let mut lines = HashMap::new();
        let mut at = header.len();
        while let Some(len) = text[at..].iter().position(|&b| b == b'\n') {
            if let Some(line) = split_line(&text, at..at + len + 1) {
                lines.insert(source_hash(&text[line.source.clone()]), line);
            }
            at += len + 1;
        }
        DocumentCache { text, lines }
    }

    fn find(&self, source: &str, stamp: Stamp) -> Option<&Line> {
        let line = self.lines.get(&source_hash(source.as_bytes()))?;
        let checked = self.text.get(line.source.start..line.json.end)?;
        (line.stamp == stamp
            && self.text.get(line.source.clone())? == source.as_bytes()
            && xxhash_rust::xxh3::xxh3_64(checked) == line.checksum)
            .then_some(line)
    }

    /// The cached document of `source` if the file still has `stamp`.
    pub fn get(&self, source: &str, stamp: Stamp) -> Option<Document> {
        let line = self.find(source, stamp)?;
        let doc: Document = serde_json::from_slice(self.text.get(line.json.clone())?).ok()?;
        (doc.source == source).then_some(doc)
    }

    /// The whole line (with its newline) of `source` if the cache has it with `stamp`.
    fn line(&self, source: &str, stamp: Stamp) -> Option<&[u8]> {
        let line = self.find(source, stamp)?;
        self.text.get(line.whole.clone())
    }

    /// Whether saving these documents for a build that began at `started` would write this
    /// cache again: the same sources with the same stamps, those not kept left aside.
    pub fn is_current(&self, docs: &[(&Document, Stamp)], started: SystemTime) -> bool {
        let mut kept = 0;
        for (doc, stamp) in docs.iter().filter(|(d, s)| is_kept(d, s, started)) {
            if self.find(&doc.source, *stamp).is_none() {
                return false;
            }
            kept += 1;
        }
        kept == self.lines.len()
    }
}

/// `<len> <modified> <changed> <inode> <source>\t<json>\n`, its parts as ranges of `text`.
fn split_line(text: &[u8], whole: Range<usize>) -> Option<Line> {
    let line = text.get(whole.clone())?;
    let tab = line.iter().position(|&b| b == b'\t')?;
    let head = std::str::from_utf8(&line[..tab]).ok()?;
    let mut spaces = head.match_indices(' ').map(|(i, _)| i);
    let checksum_at = spaces.nth(3)? + 1;
    let source_at = spaces.next()? + 1;
    let stamp = Stamp::parse(&head[..checksum_at - 1])?;
    let checksum = u64::from_str_radix(&head[checksum_at..source_at - 1], 16).ok()?;
    Some(Line {
        stamp,
        checksum,
        source: whole.start + source_at..whole.start + tab,
        json: whole.start + tab + 1..whole.end - 1,
        whole,
    })
}

/// Writes the cache of this build's documents: those whose files had settled by `started`,
/// each line taken from `previous` when that has it. Beside the final place first, then
/// renamed, so a failure leaves the old cache or none.
pub fn save(
    path: &Path,
    key: &str,
    docs: &[(&Document, Stamp)],
    previous: &DocumentCache,
    started: SystemTime,
) -> io::Result<()> {
    use rayon::prelude::*;
    let lines: Vec<Cow<'_, [u8]>> = docs
        .par_iter()
        .filter(|(doc, stamp)| is_kept(doc, stamp, started))
        .filter_map(|(doc, s)| {
            if let Some(line) = previous.line(&doc.source, *s) {
                return Some(Cow::Borrowed(line));
            }
            let json = serde_json::to_string(doc).ok()?;
            let checked = format!("{}\t{json}", doc.source);
            let line = format!(
                "{s} {:016x} {checked}
",
                xxhash_rust::xxh3::xxh3_64(checked.as_bytes())
            );
            Some(Cow::Owned(line.into_bytes()))
        })
        .collect();
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    let tmp: PathBuf = path.with_extension(format!("tmp-{}", std::process::id()));
    let result = (|| {
        let mut out = io::BufWriter::new(fs::File::create(&tmp)?);
        writeln!(out, "{HEADER} {key}")?;
        for line in &lines {
            out.write_all(line)?;
        }
        // No fsync: a line cut short by a crash does not parse and is loaded again.
        out.flush()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(changed_s: u64) -> Stamp {
        Stamp {
            len: 10,
            modified_ns: u128::from(changed_s) * 1_000_000_000,
            changed_ns: u128::from(changed_s) * 1_000_000_000,
            inode: 7,
        }
    }

    fn at(s: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(s)
    }

    #[test]
    fn only_files_that_settled_before_the_build_are_cached() {
        assert!(is_settled(&stamp(100), at(103)));
        assert!(!is_settled(&stamp(100), at(101)));
        assert!(!is_settled(&stamp(100), at(99)));
    }

    fn doc(source: &str) -> Document {
        Document {
            source: source.to_string(),
            summary: "Қысқаша".to_string(),
            body_offset: 3,
            content_hash: 1,
            meta_hash: 2,
            body_line: 4,
            ..Document::bare(crate::lang::Lang::Kk, "news", "x", Default::default())
        }
    }

    #[test]
    fn round_trips_settled_documents_by_source_and_stamp() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("documents");
        let (a, b, tab) = (
            doc("content/kk/a.md"),
            doc("content/kk/b.md"),
            doc("c\td.md"),
        );
        let docs = [(&a, stamp(100)), (&b, stamp(200)), (&tab, stamp(100))];
        let empty = DocumentCache::default();
        save(&path, "k1", &docs, &empty, at(150)).unwrap();
        let cache = DocumentCache::load(&path, "k1");
        assert_eq!(
            cache.get("content/kk/a.md", stamp(100)).unwrap().summary,
            "Қысқаша"
        );
        // Another stamp, an unsettled file, a source a line cannot hold, another key.
        assert!(cache.get("content/kk/a.md", stamp(101)).is_none());
        assert!(cache.get("content/kk/b.md", stamp(200)).is_none());
        assert!(cache.get("c\td.md", stamp(100)).is_none());
        assert!(DocumentCache::load(&path, "k2")
            .get("content/kk/a.md", stamp(100))
            .is_none());
        // It holds a.md alone, which is what saving these again would write.
        assert!(cache.is_current(&docs, at(150)));
        assert!(!cache.is_current(&docs, at(250)));
        assert!(!cache.is_current(&docs[1..], at(150)));
        // Saving again copies the line it has.
        save(&path, "k1", &docs[..1], &cache, at(150)).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), cache.text);
    }
}
