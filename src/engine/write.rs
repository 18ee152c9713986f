//! Writing outputs through a staging folder: every output rendered or kept from the previous
//! output (by quick key, else fingerprint), and the search indexes. `build` writes every
//! output this way and `serve` the ones a change can reach: one writer for both.

use rayon::prelude::*;

use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::Lang;
use crate::output::cache::{BuildCache, Saved};
use crate::output::Staging;
use crate::progress::Progress;
use crate::render::Renderer;
use crate::site::{PageId, Site};
use std::path::Path;

/// Writes every language's search index into the output, or keeps the previous build's
/// when that language's documents did not change; returns the files, keyed for the cache.
pub fn write_search_indexes(
    site: &Site,
    root: &Path,
    staging: &Staging,
    cache: &BuildCache,
    langs: &[Lang],
    progress: &dyn Progress,
) -> Result<Vec<Saved>, Diagnostics> {
    write_search_indexes_or_defer(site, root, staging, cache, langs, false, progress)
        .map(|(saved, _)| saved)
}

/// `write_search_indexes`, but with `defer`, a language whose documents changed keeps the
/// previous index as it is, when that index is whole in the output, instead of being made
/// again: `serve` starts at once and refreshes it in the background, as after an edit.
/// Returns the files and the languages whose index was kept out of date.
pub fn write_search_indexes_or_defer(
    site: &Site,
    root: &Path,
    staging: &Staging,
    cache: &BuildCache,
    langs: &[Lang],
    defer: bool,
    progress: &dyn Progress,
) -> Result<(Vec<Saved>, Vec<Lang>), Diagnostics> {
    // One language at a time: an index holds its postings while it is built.
    let mut diags = Diagnostics::new();
    let mut saved = Vec::new();
    let mut deferred = Vec::new();
    // Snippets a source language's index keeps for its derived edition's, made after it.
    let texts = crate::search::SourceTexts::default();
    for &lang in langs {
        let shares_texts = lang.is_derived()
            || langs
                .iter()
                .any(|other| other.is_derived() && other.source() == lang);
        let key = search_input_key(site, lang);
        if let Some(files) = reuse_search_index(cache, staging, lang, Some(key)) {
            saved.extend(files);
        } else if let Some(files) = reuse_search_index(cache, staging, lang, None).filter(|_| defer)
        {
            saved.extend(files);
            deferred.push(lang);
        } else {
            let texts = shares_texts.then_some(&texts);
            match write_search_index(site, root, staging, cache, lang, key, texts) {
                Ok(files) => saved.extend(files),
                Err(d) => diags.extend(d),
            }
        }
        progress.advance(1);
    }
    diags.into_result((saved, deferred))
}

/// Builds one language's index, writing each file as soon as the index makes it, with the
/// terms cache of the last build; returns the files.
fn write_search_index(
    site: &Site,
    root: &Path,
    staging: &Staging,
    cache: &BuildCache,
    lang: Lang,
    key: u64,
    texts: Option<&crate::search::SourceTexts>,
) -> Result<Vec<Saved>, Diagnostics> {
    // A derived edition is indexed with its source language's words (`search::document`):
    // it reads the source's terms cache, which the source's index (made before it, in the
    // order of `languages`) has just brought up to date, and writes none of its own. So the
    // Latin edition's documents are not tokenized and stemmed a second time.
    let words_lang = lang.source();
    let terms_path = crate::output::cache::terms_path(root, words_lang);
    let previous = crate::search::terms::CachedTerms::load(
        &terms_path,
        crate::search::terms_key(site, words_lang),
    );
    let terms = crate::search::TermsCache {
        previous: previous.as_ref(),
        save_to: (words_lang == lang).then_some(terms_path.as_path()),
        texts,
    };
    let mut out = StagedIndex {
        staging,
        cache,
        key,
        saved: Vec::new(),
        diags: Diagnostics::new(),
    };
    if let Err(d) = crate::search::write_index(site, root, lang, terms, &mut out) {
        out.diags.push(d);
    }
    out.diags.into_result(out.saved)
}

/// A language's index files as the build writes them: staged, keyed for the cache (`quick`
/// is the whole index's key, `fingerprint` a text chunk's own), and text chunks kept from the
/// previous output when their documents did not change.
struct StagedIndex<'a> {
    staging: &'a Staging,
    cache: &'a BuildCache,
    key: u64,
    saved: Vec<Saved>,
    diags: Diagnostics,
}

impl crate::search::IndexOutput for StagedIndex<'_> {
    fn write(&mut self, path: &str, bytes: &[u8], key: u64) -> Result<(), Diagnostic> {
        // A file made from the whole index is keyed by its bytes: most of them come out the
        // same after an edit, and a hash is cheaper than reading the old file to compare.
        let fingerprint = if key == 0 {
            xxhash_rust::xxh3::xxh3_64(bytes)
        } else {
            key
        };
        if self.keep(path, fingerprint) {
            return Ok(());
        }
        if let Err(e) = self.staging.write(path, bytes) {
            self.diags
                .push(Diagnostic::global(format!("cannot write {path}: {e}")));
        }
        self.saved.push(Saved {
            path: path.to_string(),
            fingerprint,
            quick: self.key,
            stamp: None,
        });
        Ok(())
    }

    fn keep(&mut self, path: &str, key: u64) -> bool {
        let Some(entry) = self.cache.reusable(path) else {
            return false;
        };
        if entry.fingerprint != key {
            return false;
        }
        let Some(stamp) = self.staging.reuse(path, entry.stamp) else {
            return false;
        };
        self.saved.push(Saved {
            path: path.to_string(),
            fingerprint: key,
            quick: self.key,
            stamp,
        });
        true
    }
}

/// A hash of everything a language's search index is made of: qostil's version (the index
/// format and the stemmers), the site's URLs, and the indexed documents' files in order.
fn search_input_key(site: &Site, lang: Lang) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    hasher.update(crate::search::kazakh::RULES_JSON.as_bytes());
    hasher.update(crate::search::FORMAT.as_bytes());
    for part in [&site.config.base_url, &site.config.base_path] {
        hasher.update(part.as_bytes());
        hasher.update(b"\n");
    }
    hasher.update(lang.code().as_bytes());
    // The Latin edition's titles and snippets change with the editor's words too.
    hasher.update(&site.config.script_key(lang).to_le_bytes());
    for page in site.pages.iter().filter(|p| p.lang() == lang) {
        hasher.update(page.url.as_bytes());
        hasher.update(&page.doc.content_hash.to_le_bytes());
        hasher.update(&[u8::from(page.doc.meta.draft)]);
    }
    hasher.digest()
}

/// The previous build's index files of `lang`, when they were made from the same inputs
/// (`key`; `None`: from any inputs, an index to be refreshed) and every one is still as that
/// build left it. They keep their keys.
fn reuse_search_index(
    cache: &BuildCache,
    staging: &Staging,
    lang: Lang,
    key: Option<u64>,
) -> Option<Vec<Saved>> {
    let prefix = format!("{lang}/search/");
    // The search page beside the index is an output of its own, rendered with the others.
    let page = format!("{prefix}index.html");
    if !cache.reusable {
        return None;
    }
    let files: Vec<(&String, &crate::output::cache::Entry)> = cache
        .entries
        .iter()
        .filter(|(path, _)| path.starts_with(&prefix) && **path != page)
        .collect();
    if files.is_empty() || files.iter().any(|(_, e)| key.is_some_and(|k| e.quick != k)) {
        return None;
    }
    files
        .into_iter()
        .map(|(path, e)| {
            let stamp = staging.reuse(path, e.stamp)?;
            Some(Saved {
                path: path.clone(),
                fingerprint: e.fingerprint,
                quick: e.quick,
                stamp,
            })
        })
        .collect()
}

/// One output's result: its file, keys, and whether it was rendered (or reused).
struct OutputResult {
    saved: Saved,
    rendered: bool,
    /// Whether its context was prepared (a templated output its quick key did not vouch for).
    prepared: bool,
    /// The pages its context read, when it was prepared (see `site::reading`).
    reads: Option<Vec<PageId>>,
}

/// What `render_outputs` did.
pub struct Written {
    pub rendered: usize,
    /// Templated outputs whose context was prepared: their quick key was not the previous
    /// build's (the rest were kept without looking at their context).
    pub prepared: usize,
    /// Every output written or kept, for the manifest and the build cache.
    pub saved: Vec<Saved>,
    /// For each output that was prepared (when asked for): its index and the pages it read.
    pub reads: Vec<(usize, Vec<PageId>)>,
}

/// The positions of `outputs` in the order they are rendered: each Kazakh article's page
/// followed by its Latin twin's, so that the twin, rendered next on the same thread, reuses
/// the Kazakh body's parsing and typography (`markdown::Edition`). Rayon hands each thread
/// runs of neighbouring positions, so twins are nearly always on the same one (when not,
/// the twin parses its text itself: the same result).
fn twins_side_by_side(site: &Site, outputs: &[usize]) -> Vec<usize> {
    if site.config.latin.is_none() {
        return (0..outputs.len()).collect();
    }
    // Not `site.page`: this is no output's reading (`site::reading`).
    let page_in = |at: usize, lang: Lang| match site.outputs[outputs[at]].kind {
        crate::site::OutputKind::Page(id) if site.pages[id.0].lang() == lang => Some(id),
        _ => None,
    };
    let twin_in =
        |id: PageId, lang: Lang| site.groups[site.pages[id.0].group.0].get(&lang).copied();
    let listed = |lang: Lang| -> std::collections::HashMap<PageId, usize> {
        (0..outputs.len())
            .filter_map(|at| page_in(at, lang).map(|id| (id, at)))
            .collect()
    };
    let (kazakh, latin) = (listed(Lang::Kk), listed(Lang::KkLatn));
    let mut order = Vec::with_capacity(outputs.len());
    for at in 0..outputs.len() {
        if let Some(id) = page_in(at, Lang::KkLatn) {
            // Placed after its Kazakh twin, when that is listed.
            if twin_in(id, Lang::Kk).is_some_and(|kk| kazakh.contains_key(&kk)) {
                continue;
            }
        }
        order.push(at);
        let twin = page_in(at, Lang::Kk)
            .and_then(|id| twin_in(id, Lang::KkLatn))
            .and_then(|id| latin.get(&id));
        order.extend(twin);
    }
    order
}

/// Renders the given outputs in parallel and writes each to the staging folder as soon as it is
/// rendered, so no more than one page per thread is held in memory. Outputs whose inputs
/// did not change (same quick key, else same fingerprint) are reused from the previous build.
pub fn render_outputs(
    site: &Site,
    renderer: &Renderer,
    staging: &Staging,
    cache: &BuildCache,
    outputs: &[usize],
    track_reads: bool,
    progress: &dyn Progress,
) -> Result<Written, Diagnostics> {
    progress.stage("folders", 0);
    let paths: Vec<String> = outputs
        .iter()
        .map(|&i| site.outputs[i].file_path())
        .collect();
    staging
        .prepare_folders(paths.iter().map(String::as_str))
        .map_err(|e| Diagnostic::global(format!("cannot create the output folders: {e}")))?;
    progress.stage("rendering", outputs.len() as u64);
    let site_key = crate::render::site_key(site);
    let mut results: Vec<(usize, Result<OutputResult, Diagnostic>)> =
        twins_side_by_side(site, outputs)
            .par_iter()
            .map(|&at| {
                progress.advance(1);
                let output = &site.outputs[outputs[at]];
                let result = if track_reads {
                    let (result, read) = crate::site::reading(|| {
                        render_one(site, renderer, staging, cache, site_key, output)
                    });
                    result.map(|r| OutputResult {
                        reads: r.reads.map(|_| read),
                        ..r
                    })
                } else {
                    render_one(site, renderer, staging, cache, site_key, output)
                };
                (at, result)
            })
            .collect();
    results.sort_unstable_by_key(|(at, _)| *at);
    let results = results.into_iter().map(|(_, r)| r);
    let mut errors = Vec::new();
    let mut written = Written {
        rendered: 0,
        prepared: 0,
        saved: Vec::with_capacity(outputs.len()),
        reads: Vec::new(),
    };
    for (result, &i) in results.zip(outputs) {
        match result {
            Ok(r) => {
                written.rendered += usize::from(r.rendered);
                written.prepared += usize::from(r.prepared);
                written.saved.push(r.saved);
                if let Some(read) = r.reads {
                    written.reads.push((i, read));
                }
            }
            Err(d) => errors.push(d),
        }
    }
    let mut diags = Diagnostics(errors);
    // A template bug fails every page that uses it: report it once per template and message.
    diags.sort();
    Diagnostics(dedup_by_template(diags.0)).into_result(written)
}

/// One output: reused when its quick key or its fingerprint matches the previous build's and
/// the file is as that build left it; otherwise rendered and written.
fn render_one(
    site: &Site,
    renderer: &Renderer,
    staging: &Staging,
    cache: &BuildCache,
    site_key: u64,
    output: &crate::site::Output,
) -> Result<OutputResult, Diagnostic> {
    let path = output.file_path();
    let previous = cache.reusable(&path);
    let quick = renderer.quick_key(site, site_key, output);
    let reused = |fingerprint: u64, path: String, stamp| OutputResult {
        saved: Saved {
            path,
            fingerprint,
            quick: quick.unwrap_or(0),
            stamp,
        },
        rendered: false,
        prepared: false,
        reads: None,
    };
    if let (Some(q), Some(entry)) = (quick, previous) {
        if entry.quick == q {
            if let Some(stamp) = staging.reuse(&path, entry.stamp) {
                return Ok(reused(entry.fingerprint, path, stamp));
            }
        }
    }
    // From here on the output is prepared: what it reads is known (`Some`).
    let prepared = crate::render::template_name(&output.kind).is_some();
    let (fingerprint, text) =
        renderer.render_changed(site, output, previous.map(|e| e.fingerprint))?;
    let kept = match (&text, previous, fingerprint) {
        (None, Some(entry), Some(f)) => staging.reuse(&path, entry.stamp).map(|s| (f, s)),
        _ => None,
    };
    if let Some((f, stamp)) = kept {
        return Ok(OutputResult {
            prepared,
            reads: Some(Vec::new()),
            ..reused(f, path, stamp)
        });
    }
    let text = match text {
        Some(text) => text,
        None => renderer.render_bytes(site, output)?,
    };
    staging
        .write_if_changed(&path, &text)
        .map_err(|e| Diagnostic::global(format!("cannot write {path}: {e}")))?;
    // Sitemaps and robots.txt have no fingerprint, only a quick key; every file is in the
    // manifest all the same.
    Ok(OutputResult {
        saved: Saved {
            path,
            fingerprint: fingerprint.unwrap_or(0),
            quick: quick.unwrap_or(0),
            stamp: None,
        },
        rendered: true,
        prepared,
        reads: Some(Vec::new()),
    })
}

/// Keeps the first error of each (file, cause) pair: a broken template would otherwise be
/// reported once per page.
fn dedup_by_template(diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut seen = std::collections::BTreeSet::new();
    diags
        .into_iter()
        .filter(|d| {
            let cause = d
                .message
                .split_once("): ")
                .map_or(d.message.as_str(), |(_, c)| c);
            seen.insert((d.file.clone(), cause.to_string()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::OutputKind;

    #[test]
    fn each_kazakh_page_is_rendered_just_before_its_latin_twin() {
        let (_dir, _root, site) = crate::site::test_sites::basic_with("kazakh_latin: true\n");
        // Some outputs left out, backwards: the order must not depend on the list's.
        let outputs: Vec<usize> = (0..site.outputs.len())
            .rev()
            .filter(|i| i % 7 != 3)
            .collect();
        let order = twins_side_by_side(&site, &outputs);
        let mut sorted = order.clone();
        sorted.sort_unstable();
        assert_eq!(
            sorted,
            (0..outputs.len()).collect::<Vec<_>>(),
            "not a permutation"
        );
        let page = |at: usize| match site.outputs[outputs[at]].kind {
            OutputKind::Page(id) => Some(site.page(id)),
            _ => None,
        };
        let mut twins = 0;
        for pair in order.windows(2) {
            let (Some(a), Some(b)) = (page(pair[0]), page(pair[1])) else {
                continue;
            };
            if b.lang() == Lang::KkLatn && a.group == b.group {
                assert_eq!(a.lang(), Lang::Kk);
                twins += 1;
            }
        }
        let kazakh_with_twin_listed = (0..outputs.len())
            .filter_map(page)
            .filter(|p| p.lang() == Lang::Kk)
            .filter(|p| {
                site.groups[p.group.0].get(&Lang::KkLatn).is_some_and(|t| {
                    outputs
                        .iter()
                        .any(|&i| site.outputs[i].kind == OutputKind::Page(*t))
                })
            })
            .count();
        assert!(kazakh_with_twin_listed > 0);
        assert_eq!(twins, kazakh_with_twin_listed);
    }
}
