//! `qostil import`: turns raw scraped documents into content files with front matter.
//! Each document is converted on its own; one bad document does not stop the others.

pub mod extract;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::content::{is_ignored_name, site_relative};
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::{slug_from_title, Lang};
use extract::*;

#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Folder of raw documents.
    pub input: PathBuf,
    /// Content folder to write into (`content`): files go to `<out>/<lang>/news/<slug>.md`.
    pub out: PathBuf,
    /// The site root, for naming files in messages.
    pub root: PathBuf,
    pub force: bool,
    pub dry_run: bool,
}

/// How the date of an imported document was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DateSource {
    Marker,
    Url,
}

/// One converted document.
#[derive(Debug, Clone)]
pub struct Converted {
    pub lang: Lang,
    pub title: String,
    /// The URL slug, from the title in the document's own language; also the file name.
    pub slug: String,
    pub date: Option<(String, DateSource)>,
    /// What was removed, for the report line (`comment form (3 lines)`, `view counter`, …).
    pub stripped: Vec<String>,
    /// The whole content file: front matter and Markdown body.
    pub text: String,
    /// What `text` is made of, kept so a renamed document is written again whole.
    front: ImportedFields,
    body: String,
}

impl Converted {
    /// Gives the document another slug (another document of the batch took its own): the
    /// file name and the `slug` in the front matter change together.
    fn rename(&mut self, slug: String) -> Result<(), String> {
        self.slug = slug;
        self.text = content_file(&self.front, &self.slug, &self.body)?;
        Ok(())
    }
}

#[derive(Debug, Clone)]
pub struct ImportedDoc {
    /// The raw document, as named in messages.
    pub source: String,
    /// The content file written (or that would be written with --dry-run).
    pub target: String,
    pub converted: Converted,
    pub written: bool,
}

#[derive(Debug, Default)]
pub struct ImportReport {
    pub docs: Vec<ImportedDoc>,
    pub errors: Diagnostics,
}

#[derive(Debug, Clone, Serialize)]
struct SourceMeta {
    name: String,
}

/// The front matter the importer writes, but the slug.
#[derive(Debug, Clone)]
struct ImportedFields {
    title: String,
    date: Option<String>,
    summary: String,
    author: Option<String>,
    source: Option<SourceMeta>,
    date_source: Option<DateSource>,
    imported_from: String,
}

/// The front matter the importer writes, in this order. `slug` is written although it equals
/// the file name: a translator who copies the file to the other language (same path, so the
/// two pair) sees the field to put the translated title's slug in.
#[derive(Serialize)]
struct ImportedFrontMatter<'a> {
    title: &'a str,
    slug: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    draft: Option<bool>,
    summary: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    author: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a SourceMeta>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_source: Option<DateSource>,
    imported_from: &'a str,
}

/// The content file: front matter with `slug`, then the Markdown body.
fn content_file(fields: &ImportedFields, slug: &str, body: &str) -> Result<String, String> {
    let front = ImportedFrontMatter {
        title: &fields.title,
        slug,
        date: fields.date.as_deref(),
        draft: fields.date.is_none().then_some(true),
        summary: &fields.summary,
        author: fields.author.as_deref(),
        source: fields.source.as_ref(),
        date_source: fields.date_source,
        imported_from: &fields.imported_from,
    };
    let yaml =
        crate::yaml::to_string(&front).map_err(|e| format!("cannot write front matter: {e}"))?;
    Ok(format!("---\n{yaml}---\n\n{body}"))
}

/// Converts every document of `options.input` and writes the results (unless `dry_run`).
pub fn import_dir(options: &ImportOptions) -> ImportReport {
    let mut report = ImportReport::default();
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&options.input) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter(|e| !is_ignored_name(&e.file_name().to_string_lossy()))
            .map(|e| e.path())
            .collect(),
        Err(e) => {
            let name = site_relative(&options.root, &options.input);
            report.errors.push(Diagnostic::error(
                name,
                format!("cannot read the folder: {e}"),
            ));
            return report;
        }
    };
    files.sort();
    let mut taken: BTreeSet<(Lang, String)> = BTreeSet::new();
    for path in files {
        let source = site_relative(&options.root, &path);
        let converted = std::fs::read(&path)
            .map_err(|e| format!("cannot read: {e}"))
            .and_then(|bytes| convert_document(&bytes, &source));
        let mut converted = match converted {
            Ok(c) => c,
            Err(message) => {
                report.errors.push(Diagnostic::error(source, message));
                continue;
            }
        };
        let slug = unique_slug(&converted.slug, converted.lang, &mut taken);
        if slug != converted.slug {
            if let Err(message) = converted.rename(slug) {
                report.errors.push(Diagnostic::error(source, message));
                continue;
            }
        }
        let target_path = options
            .out
            .join(converted.lang.code())
            .join("news")
            .join(format!("{}.md", converted.slug));
        let target = site_relative(&options.root, &target_path);
        if target_path.exists() && !options.force {
            report.errors.push(Diagnostic::error(
                source,
                format!("{target} already exists; use --force to overwrite it"),
            ));
            continue;
        }
        let written = !options.dry_run;
        if written {
            let result = target_path
                .parent()
                .map_or(Ok(()), std::fs::create_dir_all)
                .and_then(|()| std::fs::write(&target_path, &converted.text));
            if let Err(e) = result {
                report
                    .errors
                    .push(Diagnostic::error(target, format!("cannot write: {e}")));
                continue;
            }
        }
        report.docs.push(ImportedDoc {
            source,
            target,
            converted,
            written,
        });
    }
    report
}

fn unique_slug(slug: &str, lang: Lang, taken: &mut BTreeSet<(Lang, String)>) -> String {
    let mut candidate = slug.to_string();
    let mut n = 1;
    while taken.contains(&(lang, candidate.clone())) {
        n += 1;
        candidate = format!("{slug}-{n}");
    }
    taken.insert((lang, candidate.clone()));
    candidate
}

/// Converts one raw document. `Err` is a message for the report (the file is named by the
/// caller).
pub fn convert_document(bytes: &[u8], source: &str) -> Result<Converted, String> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err("empty document: nothing to import".to_string());
    }
    if bytes.contains(&0) {
        return Err("binary file, not a text document".to_string());
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        format!(
            "not a UTF-8 text document (invalid byte at {})",
            e.valid_up_to()
        )
    })?;
    let text = text.trim_start_matches('\u{feff}');
    if text.lines().find(|l| !l.trim().is_empty()).map(str::trim) == Some("---") {
        return Err(
            "starts with a `---` line: this looks like a content file with front matter, not a raw document; skipped"
                .to_string(),
        );
    }

    let mut stripped = Stripped::default();
    let mut date = None;
    let mut source_name = None;
    let mut lines: Vec<String> = Vec::new();
    for raw in text.lines() {
        let mut line = raw.trim().to_string();
        if date.is_none() {
            if let Some((d, rest)) = take_date_marker(&line) {
                date = Some((d, DateSource::Marker));
                stripped.note("date marker");
                line = rest;
            }
        }
        if line.is_empty() {
            continue;
        }
        if is_boilerplate(&line) {
            stripped.note("comment form");
            continue;
        }
        if is_counter(&line) {
            stripped.note("view counter");
            continue;
        }
        if let Some(name) = source_line(&line) {
            source_name.get_or_insert(name);
            stripped.note("source line");
            continue;
        }
        if let Some((name, rest)) = source_phrase(&line) {
            source_name.get_or_insert(name);
            stripped.note("source phrase");
            line = rest;
        }
        lines.push(line);
    }
    let author = match lines.last().and_then(|l| signature(l)) {
        Some(name) if lines.len() > 1 => {
            lines.pop();
            stripped.note("author signature");
            Some(name)
        }
        _ => None,
    };
    let body_text = lines.join("\n");
    let lang = detect_language(&body_text).ok_or_else(|| {
        "language not recognised: the text is neither Kazakh nor Russian".to_string()
    })?;
    if date.is_none() {
        date = url_date(&body_text).map(|d| (d, DateSource::Url));
    }
    let headline = lines.first().filter(|l| is_headline(l)).cloned();
    if headline.is_some() {
        lines.remove(0);
    }
    let first_text = lines.iter().find(|l| image_line(l).is_none()).cloned();
    let Some(first_text) = first_text else {
        return Err("no paragraphs: the document has no text to publish".to_string());
    };
    let summary = summary_from_sentence(&lead_sentence(&first_text));
    let title = headline.unwrap_or_else(|| title_from_sentence(&summary));
    if title.is_empty() {
        return Err(
            "no title could be derived from the first line or the lead sentence".to_string(),
        );
    }
    let slug = slug_from_title(&title);
    if slug.is_empty() {
        return Err(format!(
            "the title «{}» gives no slug (no letters or digits); skipped",
            cut_at_word(&title, 60)
        ));
    }
    let body = markdown_body(&lines, &title);
    let front = ImportedFields {
        title: title.clone(),
        date: date.as_ref().map(|(d, _)| d.clone()),
        summary,
        author,
        source: source_name.map(|name| SourceMeta { name }),
        date_source: date.as_ref().map(|(_, s)| *s),
        imported_from: source.to_string(),
    };
    let text = content_file(&front, &slug, &body)?;
    Ok(Converted {
        lang,
        title,
        slug,
        date,
        stripped: stripped.into_list(),
        text,
        front,
        body,
    })
}

/// One paragraph per line; images kept with an alt text (the title when empty); everything
/// else escaped so it reads as plain text.
fn markdown_body(lines: &[String], title: &str) -> String {
    let mut body = String::new();
    for line in lines {
        match image_line(line) {
            Some((alt, url)) => {
                let alt = if alt.trim().is_empty() {
                    title
                } else {
                    alt.trim()
                };
                body.push_str(&format!("![{}]({url})", escape_markdown(alt)));
            }
            None => body.push_str(&escape_markdown(line)),
        }
        body.push_str("\n\n");
    }
    body.truncate(body.trim_end().len());
    body.push('\n');
    body
}

/// Counts of what was removed, for the report line.
#[derive(Default)]
struct Stripped(Vec<(String, usize)>);

impl Stripped {
    fn note(&mut self, what: &str) {
        match self.0.iter_mut().find(|(w, _)| w == what) {
            Some((_, n)) => *n += 1,
            None => self.0.push((what.to_string(), 1)),
        }
    }

    fn into_list(self) -> Vec<String> {
        self.0
            .into_iter()
            .map(|(w, n)| {
                if n == 1 {
                    w
                } else {
                    format!("{w} ({n} lines)")
                }
            })
            .collect()
    }
}

/// Where `import` writes by default: `<root>/content`.
pub fn default_out(root: &Path) -> PathBuf {
    root.join("content")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert(text: &str) -> Converted {
        convert_document(text.as_bytes(), "seeds/x.txt").unwrap()
    }

    #[test]
    fn a_document_with_front_matter_or_without_a_slug_is_refused() {
        let err = convert_document(
            b"\n---\ntitle: X\n---\n\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82 \xd0\xbc\xd0\xb8\xd1\x80.\n",
            "seeds/x.txt",
        )
        .unwrap_err();
        assert!(err.contains("`---`"), "{err}");
        let err =
            convert_document("★★★\nПривет всем, это текст новости.\n".as_bytes(), "s").unwrap_err();
        assert!(err.contains("gives no slug"), "{err}");
    }

    #[test]
    fn a_million_character_first_line_gives_a_short_title_and_summary() {
        let text = format!("{}\nВторой абзац.\n", "слово".repeat(200_000));
        let c = convert(&text);
        assert!(
            c.title.chars().count() <= extract::MAX_HEADLINE,
            "{}",
            c.title.len()
        );
        let front = c.text.split("---\n").nth(1).unwrap_or_default();
        assert!(front.len() < 2_000, "{}", front.len());
    }

    #[test]
    fn headline_marker_source_author_and_boilerplate() {
        let c = convert(
            "Президент фестивальге барды\n date 2025-11-03 Фестиваль өтті, деп хабарлайды BAQ.KZ. Көп адам келді.\n18\nЕкінші абзац.\nЖАУАП ҚАЛДЫРУ\nПікіріңізді енгізіңіз!\nАйжарық КӨПТІЛЕУОВ\n",
        );
        assert_eq!(c.lang, Lang::Kk);
        assert_eq!(c.title, "Президент фестивальге барды");
        assert_eq!(c.date, Some(("2025-11-03".into(), DateSource::Marker)));
        assert!(c.text.contains("author: Айжарық Көптілеуов"), "{}", c.text);
        assert!(c.text.contains("name: BAQ.KZ"), "{}", c.text);
        assert!(c.text.contains("summary: Фестиваль өтті."), "{}", c.text);
        assert!(
            c.text
                .ends_with("Фестиваль өтті. Көп адам келді.\n\nЕкінші абзац.\n"),
            "{}",
            c.text
        );
        assert!(!c.text.contains("ЖАУАП"));
        assert_eq!(
            c.stripped,
            [
                "date marker",
                "source phrase",
                "view counter",
                "comment form (2 lines)",
                "author signature"
            ]
        );
    }

    #[test]
    fn undated_document_is_a_draft_and_title_comes_from_the_lead() {
        let c =
            convert("Облыстық мәслихаттың кезекті сессиясы өтті. Жиынға әкім қатысты.\nЕкінші.\n");
        assert_eq!(c.title, "Облыстық мәслихаттың кезекті сессиясы өтті");
        assert_eq!(c.slug, "oblystyq-maslikhattyn-kezekti-sessiyasy-otti");
        assert!(c
            .text
            .contains("\nslug: oblystyq-maslikhattyn-kezekti-sessiyasy-otti\n"));
        assert!(c.text.contains("draft: true"));
        assert!(c.date.is_none());
    }

    #[test]
    fn url_date_and_image_alt() {
        let c = convert("Президент фестивальге барды\nФестиваль өтті.\n![](http://a.kz/wp-content/uploads/2025/02/x.jpeg)\n");
        assert_eq!(c.date, Some(("2025-02-01".into(), DateSource::Url)));
        assert!(c.text.contains(
            "![Президент фестивальге барды](http://a.kz/wp-content/uploads/2025/02/x.jpeg)"
        ));
    }

    #[test]
    fn a_renamed_document_carries_its_new_slug_in_the_front_matter() {
        let mut c = convert("Год рабочих профессий\nПервый абзац новости.\n");
        assert_eq!(c.slug, "god-rabochikh-professiy");
        assert!(
            c.text.contains("\nslug: god-rabochikh-professiy\n"),
            "{}",
            c.text
        );
        c.rename("god-rabochikh-professiy-2".into()).unwrap();
        assert_eq!(c.slug, "god-rabochikh-professiy-2");
        assert!(
            c.text.contains("\nslug: god-rabochikh-professiy-2\n"),
            "{}",
            c.text
        );
        assert!(c.text.ends_with("Первый абзац новости.\n"), "{}", c.text);
    }

    #[test]
    fn bad_documents() {
        assert!(convert_document(b"  \n", "x")
            .unwrap_err()
            .contains("empty"));
        assert!(convert_document(b"\x00\x01PNG", "x")
            .unwrap_err()
            .contains("binary"));
        assert!(convert_document(b"\xff\xfe hello", "x")
            .unwrap_err()
            .contains("UTF-8"));
        assert!(convert_document(
            "The quick brown fox jumps over the lazy dog.\n".as_bytes(),
            "x"
        )
        .unwrap_err()
        .contains("neither Kazakh nor Russian"));
        assert!(convert_document(
            "Жұмысшы мамандықтары жылы туралы тақырып\n![](http://a.kz/x.jpg)\n".as_bytes(),
            "x"
        )
        .unwrap_err()
        .contains("no paragraphs"));
    }

    #[test]
    fn russian_with_kazakh_boilerplate_is_russian() {
        let c = convert("Заголовок новости о колледжах\nПремьер-министр подчеркнул важность подготовки рабочих кадров в колледжах страны.\nИсточник: Сайт Правительства РК\nЖАУАП ҚАЛДЫРУ\nПікіріңізді енгізіңіз!\nмұнда сіздің атыңызды енгізіңіз\n");
        assert_eq!(c.lang, Lang::Ru);
        assert!(c.text.contains("name: Сайт Правительства РК"));
    }
}
