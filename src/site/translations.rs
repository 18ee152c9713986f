//! Translations: for any output, where the reader lands in each language — the counterpart
//! when it exists, else the nearest existing page (its section, a parent section, the home),
//! so that the language switch never leads to a 404.

use crate::lang::Lang;

use super::{OutputKind, Section, SectionId, Site};

/// Where an output leads in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alternate {
    pub lang: Lang,
    /// Root-relative URL without the base path.
    pub url: String,
    /// True when `url` is this output's own translation, false for a fallback.
    pub exists: bool,
}

impl Site {
    /// One entry per configured language, in site.yaml order (the output's own included).
    pub fn alternates(&self, kind: &OutputKind) -> Vec<Alternate> {
        self.config
            .languages
            .iter()
            .map(|&lang| self.alternate(kind, lang))
            .collect()
    }

    fn alternate(&self, kind: &OutputKind, lang: Lang) -> Alternate {
        let found = |url: String| Alternate {
            lang,
            url,
            exists: true,
        };
        match kind {
            OutputKind::Chooser | OutputKind::NotFound | OutputKind::Home(_) => {
                found(self.home_url(lang))
            }
            OutputKind::Page(id) => {
                let page = self.page(*id);
                match self.groups[page.group.0].get(&lang) {
                    Some(other) => found(self.page(*other).url.clone()),
                    None => self.nearest(lang, Some(page.section)),
                }
            }
            OutputKind::SectionList { section, page_no } => {
                match self.section_twin(*section, lang) {
                    Some(other) => {
                        let n = (*page_no).min(other.page_count());
                        found(Site::paginated_url(&other.url, n))
                    }
                    None => self.nearest(lang, Some(*section)),
                }
            }
            OutputKind::TaxonomyIndex { taxonomy } => {
                let name = &self.taxonomies[*taxonomy].name;
                match self.taxonomy(lang, name) {
                    Some(t) => found(t.url.clone()),
                    None => self.nearest(lang, None),
                }
            }
            OutputKind::TermList {
                taxonomy,
                term,
                page_no,
            } => {
                let source = &self.taxonomies[*taxonomy];
                let slug = &source.terms[term.0].slug;
                let Some(target) = self.taxonomy(lang, &source.name) else {
                    return self.nearest(lang, None);
                };
                match target.terms.iter().find(|t| &t.slug == slug) {
                    Some(t) => {
                        let pages = t.pages.len().div_ceil(self.config.paginate_by).max(1);
                        found(Site::paginated_url(&t.url, (*page_no).min(pages)))
                    }
                    None => Alternate {
                        lang,
                        url: target.url.clone(),
                        exists: false,
                    },
                }
            }
            OutputKind::Redirect { target, .. } => self.alternate(target, lang),
            OutputKind::SearchPage(_) => found(format!("/{lang}/search/")),
            // Not pages: nothing links across languages from them.
            OutputKind::Feed { .. }
            | OutputKind::Sitemap
            | OutputKind::SitemapPart(_)
            | OutputKind::Robots => self.nearest(lang, None),
        }
    }

    fn home_url(&self, lang: Lang) -> String {
        format!("/{lang}/")
    }

    /// The section of `lang` paired with `section` (by `translation_key`, else by folder).
    pub fn section_twin(&self, section: SectionId, lang: Lang) -> Option<&Section> {
        let group = self.section(section).group;
        self.section_groups[group.0]
            .get(&lang)
            .map(|id| self.section(*id))
    }

    /// The closest existing section of `lang` to `section`: its twin, else the twin of a
    /// parent, else the home (`None`: the home).
    fn nearest(&self, lang: Lang, section: Option<SectionId>) -> Alternate {
        let mut at = section;
        while let Some(id) = at {
            if let Some(twin) = self.section_twin(id, lang) {
                return Alternate {
                    lang,
                    url: twin.url.clone(),
                    exists: false,
                };
            }
            at = self.section(id).parent;
        }
        Alternate {
            lang,
            url: self.home_url(lang),
            exists: false,
        }
    }
}
