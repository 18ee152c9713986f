//! Benchmark corpus generator: a complete bilingual qostil (or Hugo) site with N article
//! pairs, recombined from the sentences of the portal's real articles.
//!
//! ```text
//! cargo run --release --example gen_corpus -- --pairs N --seed S --out DIR [--format qostil|hugo]
//! ```
//!
//! The same arguments give a byte-identical tree: every choice comes from a SplitMix64
//! stream seeded from `--seed` and the article number, and files are written in a fixed
//! order. Article `i` is the same whatever `--pairs` is (its link points to an earlier
//! article), so a small corpus is a prefix of a bigger one with the same seed.
//! See bench/README.md.

#[path = "gen_corpus/hugo.rs"]
mod hugo;
#[path = "gen_corpus/text.rs"]
mod text;
#[path = "gen_corpus/vocab.rs"]
mod vocab;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use vocab::{LangText, AUTHORS, KK, RU, TABLE_ROWS, TAGS};

/// Written at the root of every generated site; a non-empty `--out` folder without it is
/// never deleted.
const MARKER: &str = ".gen_corpus";

/// Article size bounds (whole file, bytes).
const MIN_TARGET: usize = 2300;
const MAX_TARGET: usize = 5300;
const MAX_BYTES: usize = 6000;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Qostil,
    Hugo,
}

impl Format {
    fn name(self) -> &'static str {
        match self {
            Format::Qostil => "qostil",
            Format::Hugo => "hugo",
        }
    }
}

struct Args {
    pairs: usize,
    seed: u64,
    out: PathBuf,
    format: Format,
}

const USAGE: &str = "usage: gen_corpus --pairs N --seed S --out DIR [--format qostil|hugo]";

fn parse_args() -> Result<Args, String> {
    let mut pairs = None;
    let mut seed = None;
    let mut out = None;
    let mut format = Format::Qostil;
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--pairs" => {
                let v = value("--pairs")?;
                pairs = Some(
                    v.parse::<usize>()
                        .map_err(|_| format!("--pairs: not a number: {v}"))?,
                );
            }
            "--seed" => {
                let v = value("--seed")?;
                seed = Some(
                    v.parse::<u64>()
                        .map_err(|_| format!("--seed: not a number: {v}"))?,
                );
            }
            "--out" => out = Some(PathBuf::from(value("--out")?)),
            "--format" => {
                format = match value("--format")?.as_str() {
                    "qostil" => Format::Qostil,
                    "hugo" => Format::Hugo,
                    other => {
                        return Err(format!("--format: expected qostil or hugo, found {other}"))
                    }
                }
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument: {other}")),
        }
    }
    let pairs = pairs.ok_or("--pairs is required")?;
    if pairs == 0 || pairs > 999_999 {
        return Err("--pairs must be between 1 and 999999".into());
    }
    Ok(Args {
        pairs,
        seed: seed.ok_or("--seed is required")?,
        out: out.ok_or("--out is required")?,
        format,
    })
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("error: {e}");
            }
            eprintln!("{USAGE}");
            return if e.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            };
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

// ---------------------------------------------------------------------------------------
// Deterministic randomness

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// SplitMix64: tiny, well-mixed, and fixed here, so a seed means the same corpus forever
/// (no dependency whose stream could change between versions).
struct Rng(u64);

impl Rng {
    fn new(parts: &[u64]) -> Self {
        let mut s = 0x0510_5711_u64;
        for p in parts {
            s = splitmix64(s ^ splitmix64(*p));
        }
        Rng(s)
    }
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        splitmix64(self.0)
    }
    /// Uniform in `0..n` (n > 0); the modulo bias is irrelevant at these sizes.
    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    /// `k` distinct indices below `n`, in the order drawn.
    fn distinct(&mut self, n: usize, k: usize) -> Vec<usize> {
        let mut out = Vec::with_capacity(k);
        while out.len() < k.min(n) {
            let x = self.below(n);
            if !out.contains(&x) {
                out.push(x);
            }
        }
        out
    }
}

// ---------------------------------------------------------------------------------------
// Inputs read from the repository

struct Region {
    key: String,
    kk: String,
    ru: String,
}

struct Inputs {
    repo: PathBuf,
    kk: Vec<String>,
    ru: Vec<String>,
    regions: Vec<Region>,
}

fn load_inputs() -> Result<Inputs, String> {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let kk = text::load_sentences(&repo, "kk")?;
    let ru = text::load_sentences(&repo, "ru")?;
    let path = repo.join("taxonomies/regions.yaml");
    let src = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let map: serde_yaml::Mapping =
        serde_yaml::from_str(&src).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut regions = Vec::new();
    for (k, v) in &map {
        let key = k
            .as_str()
            .ok_or("regions.yaml: non-string key")?
            .to_string();
        let name = |lang: &str| {
            v.get(lang)
                .and_then(|n| n.as_str())
                .map(str::to_string)
                .ok_or_else(|| format!("regions.yaml: {key}: no {lang} name"))
        };
        regions.push(Region {
            kk: name("kk")?,
            ru: name("ru")?,
            key,
        });
    }
    if regions.is_empty() {
        return Err("regions.yaml declares no region".into());
    }
    Ok(Inputs {
        repo,
        kk,
        ru,
        regions,
    })
}

// ---------------------------------------------------------------------------------------
// Article plans: everything both languages of a pair share

struct Plan {
    id: String,
    date: String,
    title_words: usize,
    author: Option<usize>,
    tags: Vec<usize>,
    regions: Vec<usize>,
    headings: usize,
    list_section: usize,
    list_len: usize,
    table_section: usize,
    table_rows: Vec<usize>,
    table_values: Vec<[u32; 2]>,
    link_target: Option<usize>,
    target_size: usize,
    /// The Russian version is marked `translated_from: kk`.
    translated: bool,
}

const MONTH_DAYS: [usize; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

fn plan(seed: u64, i: usize, regions: usize) -> Plan {
    let mut r = Rng::new(&[seed, i as u64, 0]);
    let mut day = r.below(365);
    let mut month = 0;
    while day >= MONTH_DAYS[month] {
        day -= MONTH_DAYS[month];
        month += 1;
    }
    let headings = r.range(2, 3);
    let n_tags = r.range(1, 4);
    let n_regions = r.range(1, 2);
    let table_values = (0..3)
        .map(|_| {
            let a = r.range(3, 4000) as u32;
            let b = a + r.range(0, 900) as u32;
            [a, b]
        })
        .collect();
    Plan {
        id: format!("a{i:06}"),
        date: format!("2025-{:02}-{:02}", month + 1, day + 1),
        title_words: r.range(8, 14),
        author: if r.chance(60) {
            Some(r.below(AUTHORS.len()))
        } else {
            None
        },
        tags: r.distinct(TAGS.len(), n_tags),
        regions: r.distinct(regions, n_regions),
        headings,
        list_section: r.below(headings),
        list_len: r.range(3, 5),
        table_section: r.below(headings),
        table_rows: r.distinct(TABLE_ROWS.len(), 3),
        table_values,
        link_target: if i == 0 { None } else { Some(r.below(i)) },
        target_size: r.range(MIN_TARGET, MAX_TARGET),
        translated: i.is_multiple_of(10),
    }
}

// ---------------------------------------------------------------------------------------
// Rendering one article

/// A YAML double-quoted scalar.
fn yq(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn yaml_list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| yq(s)).collect();
    format!("[{}]", quoted.join(", "))
}

struct Section {
    heading: String,
    paragraphs: Vec<Vec<String>>,
    list: Vec<String>,
    table: bool,
}

/// The first `n` words (at most) of one random sentence that has at least `min` words;
/// if none turns up, words of several sentences.
fn prefix_words(r: &mut Rng, pool: &[String], min: usize, n: usize) -> Vec<String> {
    for _ in 0..1000 {
        let w = text::words(&pool[r.below(pool.len())]);
        if w.len() >= min {
            return w.into_iter().take(n).collect();
        }
    }
    let mut out = Vec::new();
    while out.len() < min.max(1) {
        out.extend(text::words(&pool[r.below(pool.len())]));
    }
    out.truncate(n.max(min));
    out
}

fn render_article(
    seed: u64,
    i: usize,
    p: &Plan,
    lang: &LangText,
    pool: &[String],
    inputs: &Inputs,
    format: Format,
) -> String {
    let mut r = Rng::new(&[seed, i as u64, if lang.code == "kk" { 1 } else { 2 }]);
    let is_kk = lang.code == "kk";
    let title = text::phrase(&prefix_words(&mut r, pool, p.title_words, p.title_words));

    // Front matter.
    let mut fm = String::new();
    let _ = writeln!(fm, "---\ntitle: {}\ndate: {}", yq(&title), p.date);
    if let Some(a) = p.author {
        let name = if is_kk { AUTHORS[a].0 } else { AUTHORS[a].1 };
        let _ = writeln!(fm, "author: {}", yq(name));
    }
    let tags: Vec<&str> = p
        .tags
        .iter()
        .map(|t| if is_kk { TAGS[*t].1 } else { TAGS[*t].2 })
        .collect();
    let regions: Vec<&str> = p
        .regions
        .iter()
        .map(|x| {
            let reg = &inputs.regions[*x];
            if is_kk {
                reg.kk.as_str()
            } else {
                reg.ru.as_str()
            }
        })
        .collect();
    let _ = writeln!(fm, "tags: {}", yaml_list(&tags));
    let _ = writeln!(fm, "regions: {}", yaml_list(&regions));
    if p.translated && !is_kk {
        fm.push_str("translated_from: kk\n");
    }
    if format == Format::Hugo {
        let _ = writeln!(fm, "translationKey: \"news/{}\"", p.id);
    }
    fm.push_str("---\n\n");

    // Lead: two sentences.
    let lead = format!(
        "{} {}",
        pool[r.below(pool.len())],
        pool[r.below(pool.len())]
    );

    // Sections with one paragraph each; list and table where planned.
    let mut sections: Vec<Section> = Vec::new();
    for k in 0..p.headings {
        let mut heading;
        loop {
            let n = r.range(3, 6);
            heading = text::phrase(&prefix_words(&mut r, pool, 3, n));
            if !sections.iter().any(|s| s.heading == heading) {
                break;
            }
        }
        let list = if k == p.list_section {
            (0..p.list_len)
                .map(|_| {
                    let n = r.range(4, 9);
                    text::phrase(&prefix_words(&mut r, pool, 4, n))
                })
                .collect()
        } else {
            Vec::new()
        };
        sections.push(Section {
            heading,
            paragraphs: vec![vec![pool[r.below(pool.len())].clone()]],
            list,
            table: k == p.table_section,
        });
    }

    let (link_sentence, article_url) = match p.link_target {
        Some(j) => (lang.links_article, format!("/{}/news/a{j:06}/", lang.code)),
        None => (lang.links_first, format!("/{}/tags/", lang.code)),
    };
    let links = link_sentence
        .replace("{article}", &article_url)
        .replace("{section}", &format!("/{}/news/", lang.code));

    let table = {
        let mut t = String::new();
        let h = lang.table_head;
        let _ = writeln!(t, "| {} | {} | {} |", h[0], h[1], h[2]);
        t.push_str("| --- | ---: | ---: |\n");
        for (row, v) in p.table_rows.iter().zip(&p.table_values) {
            let label = if is_kk {
                TABLE_ROWS[*row].0
            } else {
                TABLE_ROWS[*row].1
            };
            let _ = writeln!(t, "| {label} | {} | {} |", v[0], v[1]);
        }
        t
    };

    let assemble = |sections: &[Section]| -> String {
        let mut md = String::with_capacity(MAX_BYTES);
        md.push_str(&fm);
        md.push_str(&lead);
        md.push_str("\n\n");
        if format == Format::Hugo {
            md.push_str("<!--more-->\n\n");
        }
        for s in sections {
            let _ = write!(md, "## {}\n\n", s.heading);
            for para in &s.paragraphs {
                md.push_str(&para.join(" "));
                md.push_str("\n\n");
            }
            if !s.list.is_empty() {
                for item in &s.list {
                    let _ = writeln!(md, "- {item}");
                }
                md.push('\n');
            }
            if s.table {
                md.push_str(&table);
                md.push('\n');
            }
        }
        md.push_str(&links);
        md.push('\n');
        md
    };

    // Fill with sentences, round-robin over the sections, up to the planned size.
    let mut size = assemble(&sections).len();
    let mut k = 0;
    let mut misses = 0;
    while size < p.target_size && misses < 8 {
        let s = &pool[r.below(pool.len())];
        if size + s.len() + 2 > MAX_BYTES {
            misses += 1;
            continue;
        }
        let n_sections = sections.len();
        let sec = &mut sections[k % n_sections];
        let last = sec.paragraphs.len() - 1;
        if sec.paragraphs[last].len() < 3 && r.chance(50) {
            sec.paragraphs[last].push(s.clone());
            size += s.len() + 1;
        } else {
            sec.paragraphs.push(vec![s.clone()]);
            size += s.len() + 2;
        }
        k += 1;
    }
    assemble(&sections)
}

// ---------------------------------------------------------------------------------------
// Writing the site

pub struct Out {
    root: PathBuf,
    files: u64,
    bytes: u64,
}

impl Out {
    pub fn write(&mut self, rel: &str, data: &[u8]) -> Result<(), String> {
        let path = self.root.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        fs::write(&path, data).map_err(|e| format!("{}: {e}", path.display()))?;
        self.files += 1;
        self.bytes += data.len() as u64;
        Ok(())
    }

    /// Copies `src` (a file or a folder, recursively, in name order) to `rel`.
    pub fn copy(&mut self, src: &Path, rel: &str) -> Result<(), String> {
        if src.is_dir() {
            let mut entries: Vec<PathBuf> = fs::read_dir(src)
                .map_err(|e| format!("{}: {e}", src.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .collect();
            entries.sort();
            for entry in entries {
                let name = entry
                    .file_name()
                    .and_then(|n| n.to_str())
                    .ok_or_else(|| format!("{}: non-UTF-8 name", entry.display()))?
                    .to_string();
                self.copy(&entry, &format!("{rel}/{name}"))?;
            }
            Ok(())
        } else {
            let data = fs::read(src).map_err(|e| format!("{}: {e}", src.display()))?;
            self.write(rel, &data)
        }
    }
}

fn prepare_out(out: &Path) -> Result<(), String> {
    if out.exists() {
        let empty = fs::read_dir(out)
            .map_err(|e| format!("{}: {e}", out.display()))?
            .next()
            .is_none();
        if !empty {
            if !out.join(MARKER).is_file() {
                return Err(format!(
                    "{} exists, is not empty and was not made by gen_corpus ({MARKER} missing); refusing to delete it",
                    out.display()
                ));
            }
            fs::remove_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
        }
    }
    fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))
}

fn tags_yaml() -> String {
    let mut s = String::from(
        "# Generated by examples/gen_corpus.rs: the benchmark corpus's topics, a name per language,\n\
         # so that a topic's Kazakh and Russian term pages are translations of each other.\n",
    );
    for (key, kk, ru) in TAGS {
        let _ = writeln!(s, "{key}: {{ kk: {}, ru: {} }}", yq(kk), yq(ru));
    }
    s
}

/// Terms used by at least one article: indices into `TAGS` and into the regions.
pub struct Used {
    pub tags: BTreeSet<usize>,
    pub regions: BTreeSet<usize>,
}

fn run(args: &Args) -> Result<(), String> {
    let started = Instant::now();
    let inputs = load_inputs()?;
    prepare_out(&args.out)?;
    let mut out = Out {
        root: args.out.clone(),
        files: 0,
        bytes: 0,
    };
    out.write(
        MARKER,
        format!(
            "gen_corpus --pairs {} --seed {} --format {}\n",
            args.pairs,
            args.seed,
            args.format.name()
        )
        .as_bytes(),
    )?;
    let repo = inputs.repo.clone();

    // Site files shared by both formats.
    for lang in ["kk", "ru"] {
        out.copy(
            &repo.join(format!("content/{lang}/_index.md")),
            &format!("content/{lang}/_index.md"),
        )?;
        out.copy(
            &repo.join(format!("content/{lang}/news/_index.md")),
            &format!("content/{lang}/news/_index.md"),
        )?;
    }
    match args.format {
        Format::Qostil => {
            // The portal's site.yaml without its Latin edition: two editions, as the Hugo
            // site has (bench/latin turns the third on for its own comparison).
            let portal = fs::read_to_string(repo.join("site.yaml")).map_err(|e| e.to_string())?;
            let two_editions: String = portal
                .lines()
                .filter(|l| !l.starts_with("kazakh_latin:"))
                .map(|l| format!("{l}\n"))
                .collect();
            out.write("site.yaml", two_editions.as_bytes())?;
            // The portal's site.yaml menu names the About page.
            for lang in ["kk", "ru"] {
                out.copy(
                    &repo.join(format!("content/{lang}/about.md")),
                    &format!("content/{lang}/about.md"),
                )?;
            }
            out.copy(
                &repo.join("taxonomies/regions.yaml"),
                "taxonomies/regions.yaml",
            )?;
            out.write("taxonomies/tags.yaml", tags_yaml().as_bytes())?;
            out.copy(&repo.join("themes/portal"), "themes/portal")?;
        }
        Format::Hugo => hugo::write_site_files(&mut out, &repo)?,
    }

    // Articles.
    let mut used = Used {
        tags: BTreeSet::new(),
        regions: BTreeSet::new(),
    };
    let (mut min, mut max, mut total) = (usize::MAX, 0usize, 0usize);
    for i in 0..args.pairs {
        let p = plan(args.seed, i, inputs.regions.len());
        used.tags.extend(p.tags.iter().copied());
        used.regions.extend(p.regions.iter().copied());
        for (lang, pool) in [(&KK, &inputs.kk), (&RU, &inputs.ru)] {
            let a = render_article(args.seed, i, &p, lang, pool, &inputs, args.format);
            let len = a.len();
            min = min.min(len);
            max = max.max(len);
            total += len;
            out.write(
                &format!("content/{}/news/{}.md", lang.code, p.id),
                a.as_bytes(),
            )?;
        }
    }
    if args.format == Format::Hugo {
        hugo::write_term_pages(&mut out, &inputs, &used)?;
    }

    eprintln!(
        "gen_corpus: {} pairs ({}) → {}: {} files, {:.1} MB; articles {}–{} bytes, mean {}; {:.2} s",
        args.pairs,
        args.format.name(),
        args.out.display(),
        out.files,
        out.bytes as f64 / 1e6,
        min,
        max,
        total / (2 * args.pairs),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Regions for the Hugo module.
impl Inputs {
    pub fn region_names(&self, i: usize) -> (&str, &str, &str) {
        let r = &self.regions[i];
        (&r.key, &r.kk, &r.ru)
    }
}
