//! Derived editions: the Latin edition's documents (`kazakh_latin: true`) are the Kazakh
//! documents with their shown text transliterated. They keep the Kazakh file as their
//! `source` (errors name the file the editor writes; the body is read from it), their
//! folder, slug and translation key, so they get the same paths and pair with the Kazakh
//! and Russian pages.

use crate::config::Config;
use crate::lang::Lang;

use super::{Document, Stamped};

/// The documents of every derived edition of `doc` (none unless `doc` is the source of
/// one).
pub fn derived_editions(doc: &Document, config: &Config) -> Vec<Document> {
    config
        .languages
        .iter()
        .filter(|l| l.is_derived() && l.source() == doc.lang)
        .map(|&lang| derived(doc, lang, config))
        .collect()
}

/// `docs` with each one's derived editions after it.
pub fn with_derived_editions(docs: Vec<Stamped>, config: &Config) -> Vec<Stamped> {
    if !config.languages.iter().any(|l| l.is_derived()) {
        return docs;
    }
    use rayon::prelude::*;
    // Transliterating every Kazakh document's shown text is a tenth of a second of a
    // large site's start: on every core.
    let derived: Vec<Vec<Document>> = docs
        .par_iter()
        .map(|(doc, _)| derived_editions(doc, config))
        .collect();
    let mut all = Vec::with_capacity(docs.len() * 2);
    for ((doc, stamp), derived) in docs.into_iter().zip(derived) {
        all.push((doc, stamp));
        all.extend(derived.into_iter().map(|d| (d, stamp)));
    }
    all
}

/// `doc` in the edition `lang`: what a page shows of its front matter, its summary and its
/// headings in `lang`'s script. Taxonomy terms stay as written, so a term has one slug in
/// every Kazakh edition (the term pages transliterate its name). Warnings stay with the
/// source document, which reports them once.
fn derived(doc: &Document, lang: Lang, config: &Config) -> Document {
    let text = |s: &str| config.in_script(lang, s).into_owned();
    let mut d = doc.clone();
    d.lang = lang;
    d.warnings.clear();
    d.summary = text(&doc.summary);
    let meta = &mut d.meta;
    for field in [&mut meta.title, &mut meta.description, &mut meta.summary]
        .into_iter()
        .flatten()
    {
        *field = text(field);
    }
    if let Some(image) = &mut meta.image {
        for field in [&mut image.alt, &mut image.caption, &mut image.credit]
            .into_iter()
            .flatten()
        {
            *field = text(field);
        }
    }
    if let Some(author) = &mut meta.author {
        *author = text(author);
    }
    if let Some(source) = &mut meta.source {
        source.name = text(&source.name);
    }
    meta.aliases = doc_aliases_in(&doc.meta.aliases, doc.lang, lang);
    for heading in &mut d.headings {
        heading.text = text(&heading.text);
    }
    d
}

/// The source page's old URLs under its language's prefix, moved to the edition's
/// (`/kk/old/` → `/kk-latn/old/`); other aliases stay the source page's alone.
fn doc_aliases_in(aliases: &[String], source: Lang, lang: Lang) -> Vec<String> {
    let from = format!("/{source}/");
    aliases
        .iter()
        .filter_map(|a| a.strip_prefix(&from).map(|rest| format!("/{lang}/{rest}")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{FrontMatter, Image};

    fn latin_config() -> Config {
        let text = "title: { kk: \"Жұмысшы\", ru: \"Р\" }\nbase_url: \"https://example.kz\"\n\
                    default_language: kk\nlanguages: [kk, ru]\ntheme: portal\nkazakh_latin: true\n";
        let mut config = crate::config::parse_config(text).unwrap();
        config.latin = Some(std::sync::Arc::new(
            crate::lang::latin::Transliterator::plain(),
        ));
        config
    }

    #[test]
    fn the_latin_document_shows_transliterated_text_and_keeps_paths_and_terms() {
        let config = latin_config();
        let mut meta = FrontMatter {
            title: Some("Жұмысшы мамандықтары".into()),
            slug: Some("zhumysshy".into()),
            aliases: vec!["/kk/old/".into(), "/elsewhere/".into()],
            image: Some(Image {
                src: "photo.jpg".into(),
                alt: Some("Дәнекерлеуші".into()),
                caption: None,
                credit: None,
            }),
            ..Default::default()
        };
        meta.taxonomies
            .insert("tags".into(), vec!["мамандық".into()]);
        let mut doc = Document::bare(Lang::Kk, "news", "x", meta);
        doc.summary = "Қысқаша".into();
        doc.warnings.push(crate::content::Note {
            line: 1,
            col: 1,
            message: "w".into(),
        });
        let derived = derived_editions(&doc, &config);
        assert_eq!(derived.len(), 1);
        let latn = &derived[0];
        assert_eq!(latn.lang, Lang::KkLatn);
        assert_eq!(latn.source, "content/kk/news/x.md");
        assert_eq!(latn.meta.title.as_deref(), Some("Jūmysşy mamandyqtary"));
        assert_eq!(latn.meta.slug.as_deref(), Some("zhumysshy"));
        assert_eq!(latn.meta.aliases, ["/kk-latn/old/"]);
        assert_eq!(latn.meta.taxonomies["tags"], ["мамандық"]);
        assert_eq!(latn.summary, "Qysqaşa");
        assert_eq!(
            latn.meta.image.as_ref().and_then(|i| i.alt.as_deref()),
            Some("Dänekerleuşı")
        );
        assert!(latn.warnings.is_empty());
        let ru = Document::bare(Lang::Ru, "news", "x", FrontMatter::default());
        assert!(derived_editions(&ru, &config).is_empty());
    }
}
