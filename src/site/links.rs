//! Links to content files: `[x](@/news/x.md)` in a page of one language points to
//! `content/<lang>/news/x.md` and becomes that page's (or section's) URL. The site knows
//! every content file it built by language and path; a link to any other file is an error
//! at the link's line, with a hint when the other language has the file.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::content::markdown::ContentLink;
use crate::content::Document;
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::Lang;

use super::output_list::section_source;
use super::schedule::TimedState;
use super::{PageId, SectionId, Site};

/// What a content file of the site became.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentFile {
    Page(PageId),
    /// A section's `_index.md`.
    Section(SectionId),
}

/// A content file's path inside its language's folder: `news/x.md`, `news/_index.md`.
/// A page bundle's file is its folder's `index.md`: `news/x/index.md`.
pub fn content_path(doc: &Document) -> String {
    if doc.bundle {
        format!("{}/index.md", doc.rel_key())
    } else {
        format!("{}.md", doc.rel_key())
    }
}

/// Every built content file by language and path inside the language's folder.
pub(super) fn index_content_files(site: &Site) -> BTreeMap<(Lang, String), ContentFile> {
    let pages = site.pages.iter().enumerate().map(|(i, page)| {
        let key = (page.lang(), content_path(&page.doc));
        (key, ContentFile::Page(PageId(i)))
    });
    let sections = site.sections.iter().enumerate().filter_map(|(i, section)| {
        let doc = section.index.as_ref()?;
        Some((
            (section.lang, content_path(doc)),
            ContentFile::Section(SectionId(i)),
        ))
    });
    pages.chain(sections).collect()
}

impl Site {
    /// The URL of content file `path` (`news/x.md`) of `lang`: where `@/news/x.md` leads.
    /// A page is read through `Site::page`, so that `serve` knows the output showing the
    /// link depends on that page.
    pub fn content_url(&self, lang: Lang, path: &str) -> Option<String> {
        match self.content_files.get(&(lang, path.to_string()))? {
            ContentFile::Page(id) => Some(self.page(*id).url.clone()),
            ContentFile::Section(id) => Some(self.section(*id).url.clone()),
        }
    }

    /// The file `path` of another language than `lang` that the site has, with what
    /// `lang` has of it: `(other file's source, its URL, the source and path of its `lang`
    /// translation)`.
    fn other_language_file(&self, lang: Lang, path: &str) -> Option<OtherLanguage> {
        self.config
            .languages
            .iter()
            .filter(|&&other| other != lang)
            .find_map(|&other| {
                let file = *self.content_files.get(&(other, path.to_string()))?;
                let (source, url, twin) = match file {
                    ContentFile::Page(id) => {
                        let page = &self.pages[id.0];
                        let twin = self.groups[page.group.0]
                            .get(&lang)
                            .map(|t| &*self.pages[t.0].doc);
                        (page.doc.source.clone(), page.url.clone(), twin)
                    }
                    ContentFile::Section(id) => {
                        let section = self.section(id);
                        let twin = self.section_groups[section.group.0]
                            .get(&lang)
                            .and_then(|t| self.section(*t).index.as_ref());
                        (section_source(section), section.url.clone(), twin)
                    }
                };
                Some(OtherLanguage {
                    lang: other,
                    source,
                    url,
                    translation: twin.map(|d| (d.source.clone(), content_path(d))),
                })
            })
    }
}

/// A file of another language with the path a link asked for.
struct OtherLanguage {
    lang: Lang,
    source: String,
    url: String,
    /// The source and content path of its translation in the link's language.
    translation: Option<(String, String)>,
}

/// Every `@/` link in the built documents (pages and sections' `_index.md`) must name a
/// content file of the document's language that the site built. `all` holds every loaded
/// document, built or not (drafts), to say why a file that exists was not built.
pub(super) fn check_content_links(site: &Site, all: &[Arc<Document>], diags: &mut Diagnostics) {
    let loaded: BTreeMap<&str, &Document> = all.iter().map(|d| (d.source.as_str(), &**d)).collect();
    let docs = site
        .pages
        .iter()
        .map(|p| &*p.doc)
        .chain(site.sections.iter().filter_map(|s| s.index.as_ref()));
    for doc in docs {
        for link in &doc.links {
            if site
                .content_files
                .contains_key(&(doc.lang, link.path.clone()))
            {
                continue;
            }
            diags.push(broken_link(site, &loaded, doc, link));
        }
    }
}

fn broken_link(
    site: &Site,
    loaded: &BTreeMap<&str, &Document>,
    doc: &Document,
    link: &ContentLink,
) -> Diagnostic {
    let lang = doc.lang;
    let wanted = format!("content/{lang}/{}", link.path);
    let problem = match loaded.get(wanted.as_str()) {
        Some(target) if target.meta.draft => {
            format!("{wanted} is a draft, built only with --drafts")
        }
        Some(_) => match site.schedule.entries.iter().find(|t| t.source == wanted) {
            Some(t) if t.state == TimedState::Scheduled => format!(
                "{wanted} is scheduled for {}, built only from then on or with --future",
                t.at.format("%Y-%m-%d %H:%M %:z")
            ),
            Some(t) if t.state == TimedState::Expired => {
                format!("{wanted} expired at {}", t.at.format("%Y-%m-%d %H:%M %:z"))
            }
            _ => format!("{wanted} is not built"),
        },
        None => match site.other_language_file(lang, &link.path) {
            Some(OtherLanguage {
                translation: Some((source, path)),
                source: other_source,
                ..
            }) => format!(
                "{wanted} does not exist; the {lang} translation of {other_source} is \
                 {source}: link to @/{path}"
            ),
            Some(other) => format!(
                "{wanted} does not exist; only the {} file {} does: link to its URL {}",
                other.lang, other.source, other.url
            ),
            None => format!("{wanted} does not exist"),
        },
    };
    Diagnostic::error(&doc.source, format!("link @/{}: {problem}", link.path))
        .at(link.line, link.col)
        .with_code("broken-link")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::markdown::ContentLink;
    use crate::content::{FrontMatter, PageDate};
    use crate::lang::Locales;

    const CONFIG: &str = "title: { kk: \"Қ\", ru: \"Р\" }\nbase_url: \"https://example.kz\"\ndefault_language: kk\nlanguages: [kk, ru]\ntheme: portal\n";

    fn doc(lang: Lang, dir: &str, stem: &str, slug: Option<&str>) -> Document {
        let meta = FrontMatter {
            title: Some(stem.to_string()),
            date: PageDate::parse("2025-03-01").ok(),
            slug: slug.map(str::to_string),
            ..FrontMatter::default()
        };
        Document::bare(lang, dir, stem, meta)
    }

    fn site(docs: Vec<Document>) -> Result<Site, Diagnostics> {
        let config = crate::config::parse_config(CONFIG).unwrap();
        let locales = Locales::new().unwrap();
        let docs = docs.into_iter().map(Arc::new).collect();
        let publish = crate::site::Publish {
            drafts: false,
            future: false,
            now: chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now()),
        };
        crate::site::assemble_site(config, docs, &BTreeMap::new(), &locales, &publish)
    }

    #[test]
    fn a_content_url_is_read_through_the_site_model() {
        let mut linking = doc(Lang::Kk, "news", "a", None);
        linking.links.push(ContentLink {
            path: "news/b.md".into(),
            line: 5,
            col: 1,
        });
        let site = site(vec![
            linking,
            doc(Lang::Kk, "news", "b", Some("Жаңа")),
            doc(Lang::Kk, "news", "_index", None),
        ])
        .unwrap();
        let b = site
            .pages
            .iter()
            .position(|p| p.doc.stem == "b")
            .map(PageId)
            .unwrap();
        let (url, read) = crate::site::reading(|| site.content_url(Lang::Kk, "news/b.md"));
        assert_eq!(url.as_deref(), Some("/kk/news/zhana/"));
        assert_eq!(read, [b]);
        let (section, read) = crate::site::reading(|| site.content_url(Lang::Kk, "news/_index.md"));
        assert_eq!(section.as_deref(), Some("/kk/news/"));
        assert!(read.is_empty());
        assert_eq!(site.content_url(Lang::Ru, "news/b.md"), None);
    }

    #[test]
    fn every_broken_link_is_reported_at_its_position() {
        let mut linking = doc(Lang::Kk, "news", "a", None);
        for (path, line) in [("news/zhoq.md", 7), ("news/b.md", 9)] {
            linking.links.push(ContentLink {
                path: path.into(),
                line,
                col: 3,
            });
        }
        let diags = site(vec![linking, doc(Lang::Ru, "news", "b", None)]).unwrap_err();
        let text = diags.to_string();
        assert!(
            text.contains("error: content/kk/news/a.md:7:3: link @/news/zhoq.md: content/kk/news/zhoq.md does not exist\n"),
            "{text}"
        );
        assert!(
            text.contains("error: content/kk/news/a.md:9:3: link @/news/b.md: content/kk/news/b.md does not exist; only the ru file content/ru/news/b.md does: link to its URL /ru/news/b/"),
            "{text}"
        );
        assert!(diags.iter().all(|d| d.code == "broken-link"), "{text}");
    }
}
