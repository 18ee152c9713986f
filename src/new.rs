//! `qostil new <section> <name>`: a paired kk/ru article skeleton, a draft dated today, never
//! overwriting a file. Both files are named after `<name>` (the same path, so they pair); each
//! gets a `slug` from its own title, so a Russian URL is Russian words and a Kazakh URL
//! Kazakh words.

use std::path::PathBuf;

use serde::Serialize;

use crate::config::load_config;
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::{slug_from_title, slugify, Lang};

pub struct NewOptions {
    pub root: PathBuf,
    pub section: String,
    pub name: String,
    pub title_kk: Option<String>,
    pub title_ru: Option<String>,
}

#[derive(Serialize)]
struct Skeleton<'a> {
    title: &'a str,
    slug: &'a str,
    date: &'a str,
    draft: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    translated_from: Option<Lang>,
}

/// Today's date in UTC, `YYYY-MM-DD`.
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    chrono::DateTime::from_timestamp(i64::try_from(secs).unwrap_or(0), 0).map_or_else(
        || "1970-01-01".to_string(),
        |d| d.format("%Y-%m-%d").to_string(),
    )
}

/// The URL slug for a page titled `title`: from the title, or the file's name when the title
/// has no letters or digits to make one.
fn slug_for(title: &str, file_stem: &str) -> String {
    let slug = slug_from_title(title);
    if slug.is_empty() {
        file_stem.to_string()
    } else {
        slug
    }
}

/// Creates both files, or none: every problem is found before anything is written.
pub fn new_article(options: &NewOptions) -> Result<Vec<String>, Diagnostics> {
    let config = load_config(&options.root)?;
    let slug = slugify(&options.name);
    let section: Vec<String> = options
        .section
        .split('/')
        .filter(|p| !p.is_empty())
        .map(slugify)
        .collect();
    if slug.is_empty() || section.iter().any(String::is_empty) || section.is_empty() {
        return Err(Diagnostic::global(format!(
            "`{}` `{}`: a section and a name with letters or digits are needed",
            options.section, options.name
        ))
        .into());
    }
    let date = today();
    let mut planned = Vec::new();
    let mut diags = Diagnostics::new();
    for &lang in &config.languages {
        let rel = format!("content/{lang}/{}/{slug}.md", section.join("/"));
        let path = options.root.join(&rel);
        if path.exists() {
            diags.push(Diagnostic::error(
                &rel,
                "already exists; qostil new never overwrites",
            ));
            continue;
        }
        let title = match lang {
            Lang::Kk => options.title_kk.as_deref(),
            Lang::Ru => options.title_ru.as_deref(),
        }
        .unwrap_or(&options.name);
        let own_slug = slug_for(title, &slug);
        let skeleton = Skeleton {
            title,
            slug: &own_slug,
            date: &date,
            draft: true,
            translated_from: (lang != config.default_language).then_some(config.default_language),
        };
        let yaml = crate::yaml::to_string(&skeleton).map_err(Diagnostic::global)?;
        planned.push((rel, path, format!("---\n{yaml}---\n\n")));
    }
    if diags.has_errors() {
        return Err(diags);
    }
    let mut created = Vec::new();
    for (rel, path, text) in planned {
        let result = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&path, text));
        result.map_err(|e| Diagnostic::error(&rel, format!("cannot write: {e}")))?;
        created.push(rel);
    }
    Ok(created)
}
