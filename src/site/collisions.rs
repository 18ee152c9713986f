//! Output paths that would overwrite each other. Every output and every static file is one
//! file in the output folder; two of them at one path, or a file where another needs a
//! folder (`/style.css` as an alias needs `style.css/index.html`), would lose one of them.
//! Also: no path segment longer than file systems allow. All found before anything is
//! written, and named by the content file (and field) that causes them.

use std::collections::{BTreeMap, BTreeSet};

use crate::diag::{Diagnostic, Diagnostics};

use super::{url_to_file_path, Output, OutputKind, Site};

/// Longest file or folder name most file systems accept, in bytes.
pub const MAX_SEGMENT_BYTES: usize = 255;

/// An alias as written in front matter, for messages.
pub struct AliasNote {
    pub written: String,
    pub position: Option<(usize, usize)>,
}

/// What occupies a path of the output folder.
#[derive(Clone, Copy)]
enum Occupant<'a> {
    Output(usize, &'a Output),
    Static { rel: &'a str, source: &'a str },
}

/// Reports every clash between `outputs` (with `aliases` by output index) and `statics`
/// (output path → site-relative source), and over-long path segments.
pub fn check_output_paths(
    site: &Site,
    outputs: &[Output],
    aliases: &BTreeMap<usize, AliasNote>,
    statics: &BTreeMap<String, String>,
    diags: &mut Diagnostics,
) {
    let mut taken: BTreeMap<String, Occupant<'_>> = BTreeMap::new();
    let entries = outputs
        .iter()
        .enumerate()
        .map(|(i, o)| (o.file_path(), Occupant::Output(i, o)))
        .chain(
            statics
                .iter()
                .map(|(rel, source)| (rel.clone(), Occupant::Static { rel, source })),
        );
    for (path, who) in entries {
        match taken.get(&path) {
            Some(first) => diags.push(clash(*first, who, aliases)),
            None => {
                taken.insert(path, who);
            }
        }
    }
    for (path, who) in &taken {
        for folder in ancestors(path) {
            if let Some(file) = taken.get(folder) {
                diags.push(clash(*file, *who, aliases));
            }
        }
    }
    check_search_folders(outputs, aliases, diags);
    check_segments(site, outputs, aliases, diags);
}

/// `a/b/c/index.html` → `a`, `a/b`, `a/b/c`.
fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    path.match_indices('/').map(move |(i, _)| &path[..i])
}

/// The error for two occupants of one path (or a file in the way of a folder): on the
/// alias when there is one, else on the later occupant.
fn clash<'a>(
    first: Occupant<'a>,
    second: Occupant<'a>,
    aliases: &'a BTreeMap<usize, AliasNote>,
) -> Diagnostic {
    let alias_of = |who: Occupant<'a>| match who {
        Occupant::Output(i, o) => aliases.get(&i).map(|a| (o, a)),
        Occupant::Static { .. } => None,
    };
    if let Some((output, alias)) = alias_of(second).or_else(|| alias_of(first)) {
        let other = if alias_of(second).is_some() {
            first
        } else {
            second
        };
        return Diagnostic::error(
            &output.source,
            format!(
                "aliases: `{}` names an existing output, {}; an alias must be an old URL the site no longer has",
                alias.written,
                describe(other)
            ),
        )
        .at_opt(alias.position);
    }
    match (first, second) {
        (Occupant::Output(_, a), Occupant::Output(_, b)) => duplicate_url(a, b),
        (Occupant::Static { rel, source }, Occupant::Output(_, o))
        | (Occupant::Output(_, o), Occupant::Static { rel, source }) => Diagnostic::error(
            source,
            format!(
                "the static file {rel} is in the way of the generated {} ({}); rename or move it",
                o.url, o.source
            ),
        ),
        (Occupant::Static { source, .. }, Occupant::Static { rel, .. }) => Diagnostic::error(
            source,
            format!("the static file is in the way of the static file {rel}"),
        ),
    }
}

/// Two outputs at one URL: named by the later of the two files, naming the other.
fn duplicate_url(first: &Output, second: &Output) -> Diagnostic {
    let (a, b) = if first.source <= second.source {
        (&first.source, &second.source)
    } else {
        (&second.source, &first.source)
    };
    let message = if a == b {
        format!("URL {} is produced twice by this file", second.url)
    } else {
        format!("URL {} is also produced by {a}", second.url)
    };
    Diagnostic::error(b.as_str(), message)
}

fn describe(who: Occupant<'_>) -> String {
    match who {
        Occupant::Output(_, o) => format!("{} (from {})", o.url, o.source),
        Occupant::Static { rel, source } => format!("the static file /{rel} ({source})"),
    }
}

/// A language's search folder holds its index files, which are not outputs: no alias may
/// go there.
fn check_search_folders(
    outputs: &[Output],
    aliases: &BTreeMap<usize, AliasNote>,
    diags: &mut Diagnostics,
) {
    let folders: BTreeSet<&str> = outputs
        .iter()
        .filter(|o| matches!(o.kind, OutputKind::SearchPage(_)))
        .map(|o| o.url.as_str())
        .collect();
    for (&i, alias) in aliases {
        let Some(output) = outputs.get(i) else {
            continue;
        };
        if let Some(folder) = folders.iter().find(|f| output.url.starts_with(**f)) {
            diags.push(
                Diagnostic::error(
                    &output.source,
                    format!(
                        "aliases: `{}` is inside {folder}, where the search index files are",
                        alias.written
                    ),
                )
                .at_opt(alias.position),
            );
        }
    }
}

/// Each too-long segment once, on the first output that has it.
fn check_segments(
    site: &Site,
    outputs: &[Output],
    aliases: &BTreeMap<usize, AliasNote>,
    diags: &mut Diagnostics,
) {
    let mut reported = BTreeSet::new();
    for (i, output) in outputs.iter().enumerate() {
        let path = url_to_file_path(&output.url);
        for segment in path.split('/') {
            if segment.len() <= MAX_SEGMENT_BYTES || !reported.insert(segment.to_string()) {
                continue;
            }
            let (field, position) = match aliases.get(&i) {
                Some(a) => ("aliases".to_string(), a.position),
                None => (field_of(site, &output.kind), None),
            };
            diags.push(
                Diagnostic::error(
                    &output.source,
                    format!(
                        "{field}: makes the URL segment `{}…` of {} bytes; file systems allow {MAX_SEGMENT_BYTES}",
                        &segment[..segment.floor_char_boundary(40)],
                        segment.len()
                    ),
                )
                .at_opt(position),
            );
        }
    }
}

/// The field or name an output's URL segments come from, for messages.
fn field_of(site: &Site, kind: &OutputKind) -> String {
    match kind {
        OutputKind::Page(_) => "slug".to_string(),
        OutputKind::TermList { taxonomy, .. }
        | OutputKind::Feed {
            term: Some((taxonomy, _)),
            ..
        } => site
            .taxonomies
            .get(*taxonomy)
            .map_or_else(|| "term".to_string(), |t| format!("{} (a term)", t.name)),
        OutputKind::SectionList { .. } => "the folder name".to_string(),
        _ => "URL".to_string(),
    }
}
