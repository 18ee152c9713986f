//! Template loading: the site's `templates/` overrides the theme's `templates/` file by file.
//! Every template is parsed on its own first so that all syntax errors are reported together,
//! each with its file, line and column.

use std::collections::BTreeMap;
use std::path::Path;

use tera::{Template, Tera};

use crate::content::shortcodes::Declared;
use crate::diag::{Diagnostic, Diagnostics};
use crate::paths::read_utf8;

/// Parsed templates and the file each name came from.
pub struct TemplateSet {
    pub tera: Tera,
    /// Template name (`page.html`) → site-relative file.
    pub files: BTreeMap<String, String>,
    /// Template name → hash of its source and its dependencies' sources.
    pub hashes: BTreeMap<String, u64>,
    /// Shortcode name (`video` for `shortcodes/video.html`) → the arguments it declares.
    pub shortcodes: BTreeMap<String, Declared>,
}

/// Where shortcode templates live among the templates.
pub const SHORTCODE_DIR: &str = "shortcodes/";

/// The template a shortcode is rendered with.
pub fn shortcode_template(name: &str) -> String {
    format!("{SHORTCODE_DIR}{name}.html")
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
        for file in crate::paths::walk_files(root, &dir, diags) {
            match read_utf8(&file.path, &file.source) {
                Ok(text) => {
                    found.insert(file.rel, (file.source, text));
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
            shortcodes: BTreeMap::new(),
        });
    }
    let files: BTreeMap<String, String> = sources
        .iter()
        .map(|(n, (f, _))| (n.clone(), f.clone()))
        .collect();
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.set_escape_fn(escape_html_text);
    tera.register_filter("truncate", truncate);
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
    let shortcodes = texts
        .iter()
        .filter_map(|(name, text)| {
            let short = name.strip_prefix(SHORTCODE_DIR)?.strip_suffix(".html")?;
            Some((short.to_string(), Declared::of_template(text)))
        })
        .collect();
    diags.into_result(TemplateSet {
        tera,
        files,
        hashes,
        shortcodes,
    })
}

/// Escapes what HTML needs escaped (`& < > " '`) and drops the control characters XML
/// forbids (NUL among them), which content loading already removed from documents. Tera's
/// default also escapes `/`, which turns every URL into `&#x2F;kk&#x2F;news&#x2F;`.
fn escape_html_text(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + input.len() / 8);
    // Copy the runs between special characters whole: those are ASCII, so every split is
    // on a character boundary.
    let mut run_start = 0;
    for (i, byte) in input.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            0x00..=0x08 | 0x0B | 0x0C | 0x0E..=0x1F => "",
            _ => continue,
        };
        out.push_str(&input[run_start..i]);
        out.push_str(entity);
        run_start = i + 1;
    }
    out.push_str(&input[run_start..]);
    out
}

/// Tera's `truncate` filter (`length` graphemes, default 255, then `end`, default `…`), with
/// the same results, but without splitting the whole string into graphemes first: cards
/// truncate every summary they show, and that was a measurable part of rendering.
fn truncate(
    value: &tera::Value,
    args: &std::collections::HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    use unicode_segmentation::UnicodeSegmentation;
    let Some(text) = value.as_str() else {
        return Err(tera::Error::msg(format!(
            "Filter `truncate` was called on an incorrect value: got `{value}` but expected a String"
        )));
    };
    let length = match args.get("length") {
        Some(l) => l.as_u64().and_then(|n| usize::try_from(n).ok()).ok_or_else(|| {
            tera::Error::msg(format!(
                "Filter `truncate` received an incorrect type for arg `length`: got `{l}` but expected a usize"
            ))
        })?,
        None => 255,
    };
    let end = match args.get("end") {
        Some(e) => e.as_str().ok_or_else(|| {
            tera::Error::msg(format!(
                "Filter `truncate` received an incorrect type for arg `end`: got `{e}` but expected a String"
            ))
        })?,
        None => "…",
    };
    // A text of at most `length` characters has at most `length` graphemes.
    if text.chars().count() <= length {
        return Ok(value.clone());
    }
    // In a text of characters that never join their neighbours, a character is a grapheme.
    let cut = if text.chars().all(is_lone_grapheme) {
        text.char_indices().nth(length).map(|(i, _)| i)
    } else {
        text.grapheme_indices(true).nth(length).map(|(i, _)| i)
    };
    Ok(match cut {
        Some(cut) => tera::Value::String(format!("{}{end}", &text[..cut])),
        None => value.clone(),
    })
}

/// Characters that are a grapheme of their own whatever surrounds them: printable ASCII,
/// Latin-1 letters and signs, Cyrillic letters (not its combining marks), dashes and quotes.
/// (`\r` is not: `\r\n` is one grapheme.)
fn is_lone_grapheme(c: char) -> bool {
    matches!(c, ' '..='~' | '\n' | '\t' | '\u{00A0}'..='\u{00FF}' | '\u{0400}'..='\u{0482}'
        | '\u{048A}'..='\u{04FF}' | '\u{2010}'..='\u{201F}' | '\u{2026}')
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

#[cfg(test)]
mod escape_tests {
    #[test]
    fn escapes_the_five_characters_and_keeps_the_rest() {
        assert_eq!(
            super::escape_html_text("«Жұмыс» & <b>\"x\"</b> 'y' /kk/"),
            "«Жұмыс» &amp; &lt;b&gt;&quot;x&quot;&lt;/b&gt; &#39;y&#39; /kk/"
        );
        assert_eq!(super::escape_html_text(""), "");
        assert_eq!(super::escape_html_text("&"), "&amp;");
        assert_eq!(super::escape_html_text("a\0b\u{1}\tc"), "ab\tc");
    }

    /// The filter gives what Tera's own `truncate` gives.
    #[test]
    fn truncate_matches_teras_filter() {
        let texts = [
            "",
            "қысқа",
            "Жұмысшы мамандықтар жылы: е\u{301}ңбек 🇰🇿 адамдары",
            "abcdef",
            "a\r\nb\r\nc\r\nd",
            "«Жұмысшы» — мамандықтар… Ә, ғ, қ, ң, ө, ұ, ү, һ, і. Ёж – «ёлка»",
            "ab\u{0483}cd\u{0489}ef",
            "xy\u{200D}z\u{0301}w",
        ];
        for text in texts {
            for length in [0usize, 1, 2, 3, 5, 6, 7, 10, 20, 40] {
                let template = format!("{{{{ t | truncate(length={length}) }}}}|{{{{ t | truncate(length={length}, end=\"..\") }}}}");
                let mut ours = tera::Tera::default();
                ours.register_filter("truncate", super::truncate);
                let mut theirs = tera::Tera::default();
                let mut ctx = tera::Context::new();
                ctx.insert("t", text);
                assert_eq!(
                    ours.render_str(&template, &ctx).unwrap(),
                    theirs.render_str(&template, &ctx).unwrap(),
                    "{text:?} {length}"
                );
            }
        }
    }
}
