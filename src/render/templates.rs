//! Template loading: the site's `templates/` overrides the theme's `templates/` file by file.
//! Every template is parsed on its own first so that all syntax errors are reported together,
//! each with its file, line and column.

use std::collections::BTreeMap;
use std::path::Path;

use tera::{Template, Tera};
use walkdir::WalkDir;

use crate::content::{is_ignored_name, read_utf8, site_relative};
use crate::diag::{Diagnostic, Diagnostics};

/// Parsed templates and the file each name came from.
pub struct TemplateSet {
    pub tera: Tera,
    /// Template name (`page.html`) → site-relative file.
    pub files: BTreeMap<String, String>,
    /// Template name → hash of its source and its dependencies' sources.
    pub hashes: BTreeMap<String, u64>,
}

/// Template name → (site-relative file, text); site templates replace theme templates.
fn discover_templates(
    root: &Path,
    theme: &str,
    diags: &mut Diagnostics,
) -> BTreeMap<String, (String, String)> {
    let mut found = BTreeMap::new();
    let theme_dir = root.join("themes").join(theme).join("templates");
    let site_dir = root.join("templates");
    for dir in [theme_dir, site_dir] {
        if !dir.is_dir() {
            continue;
        }
        let walker = WalkDir::new(&dir)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()));
        for entry in walker {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let file = e
                        .path()
                        .map_or_else(|| site_relative(root, &dir), |p| site_relative(root, p));
                    diags.push(Diagnostic::error(file, format!("cannot read: {e}")));
                    continue;
                }
            };
            if !entry.file_type().is_file() {
                continue;
            }
            let name = site_relative(&dir, entry.path());
            let file = site_relative(root, entry.path());
            match read_utf8(entry.path(), &file) {
                Ok(text) => {
                    found.insert(name, (file, text));
                }
                Err(d) => diags.push(d),
            }
        }
    }
    found
}

/// Loads, parses and links (inheritance, macros) every template, and checks that each of
/// `required` exists.
pub fn load_templates(
    root: &Path,
    theme: &str,
    required: &[&str],
) -> Result<TemplateSet, Diagnostics> {
    let mut diags = Diagnostics::new();
    let theme_dir = format!("themes/{theme}/templates");
    if !root.join(&theme_dir).is_dir() {
        diags.push(
            Diagnostic::error(
                crate::config::CONFIG_FILE,
                format!("theme: `{theme}` not found: there is no folder {theme_dir}/"),
            )
            .at_opt(None),
        );
        return Err(diags);
    }
    let sources = discover_templates(root, theme, &mut diags);
    for (name, (file, text)) in &sources {
        if let Err(e) = Template::new(name, None, text) {
            diags.push(template_diagnostic(file, &e));
        }
    }
    for name in required {
        if !sources.contains_key(*name) {
            diags.push(Diagnostic::error(
                theme_dir.clone(),
                format!("missing template `{name}`: add it to {theme_dir}/ or templates/"),
            ));
        }
    }
    if diags.has_errors() {
        return diags.into_result(TemplateSet {
            tera: Tera::default(),
            files: BTreeMap::new(),
            hashes: BTreeMap::new(),
        });
    }
    let files: BTreeMap<String, String> = sources
        .iter()
        .map(|(n, (f, _))| (n.clone(), f.clone()))
        .collect();
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.set_escape_fn(escape_html_text);
    if let Err(e) =
        tera.add_raw_templates(sources.iter().map(|(n, (_, t))| (n.as_str(), t.as_str())))
    {
        let message = error_chain(&e);
        let file = files
            .iter()
            .find(|(name, _)| message.contains(&format!("'{name}'")))
            .map_or_else(|| theme_dir.clone(), |(_, f)| f.clone());
        diags.push(Diagnostic::error(file, message));
    }
    let texts: BTreeMap<String, String> = sources.into_iter().map(|(n, (_, t))| (n, t)).collect();
    let hashes = super::fingerprint::template_hashes(&texts);
    diags.into_result(TemplateSet {
        tera,
        files,
        hashes,
    })
}

/// Escapes what HTML needs escaped (`& < > " '`). Tera's default also escapes `/`, which
/// turns every URL into `&#x2F;kk&#x2F;news&#x2F;`.
fn escape_html_text(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + input.len() / 8);
    for c in input.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A template error with the position Tera's parser reports (`--> 3:7`).
pub fn template_diagnostic(file: &str, err: &tera::Error) -> Diagnostic {
    let message = error_chain(err);
    let position = message.find("--> ").and_then(|i| {
        let rest = &message[i + 4..];
        let end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == ':'))
            .unwrap_or(rest.len());
        let mut parts = rest[..end].split(':');
        let line = parts.next()?.parse().ok()?;
        let col = parts.next()?.parse().ok()?;
        Some((line, col))
    });
    let summary = message
        .lines()
        .map(str::trim)
        .filter(|l| {
            !l.is_empty()
                && !l.starts_with("-->")
                && !l.starts_with('|')
                && !l.chars().all(|c| c.is_ascii_digit())
        })
        .collect::<Vec<_>>()
        .join(" ");
    Diagnostic::error(file, summary).at_opt(position)
}

/// The messages of an error and all its sources, joined: Tera nests the useful part.
pub fn error_chain(err: &dyn std::error::Error) -> String {
    let mut parts = vec![err.to_string()];
    let mut source = err.source();
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    parts.join(": ")
}
