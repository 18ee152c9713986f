//! The Latin transliteration over Markdown files, for reading and measuring:
//!
//!   cargo run --release --example latin_speed -- speed content/kk     # MB/s of to_latin
//!   cargo run --example latin_speed -- print content/kk/news/x.md      # the Latin text
//!   cargo run --example latin_speed -- check content/kk                # ambiguous words
//!   cargo run --example latin_speed -- roundtrip content/kk            # search round trip
//!   cargo run --example latin_speed -- pairs content/kk                # for latin.test.mjs
//!
//! `roundtrip` counts the Kazakh words whose Latin, typed back into search (`to_cyrillic`),
//! stems as the word itself does, and prints those that do not. `pairs` prints, for every
//! Kazakh word, its Latin and an ASCII spelling of it, each with `to_cyrillic` of it
//! (`latin<TAB>cyrillic` lines): tests/browser/latin.test.mjs checks latin.js gives the same.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use qostil::lang::latin::{to_cyrillic, Transliterator};
use qostil::lang::Lang;
use qostil::search::normalize::{tokens, Normalizer};

fn markdown_files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .collect();
        entries.sort();
        for entry in entries {
            markdown_files(&entry, out);
        }
    } else if path.extension().is_some_and(|e| e == "md") {
        out.push(path.to_path_buf());
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((mode, paths)) = args.split_first() else {
        eprintln!("usage: latin_speed speed|print|check|roundtrip PATH...");
        std::process::exit(2);
    };
    let mut files = Vec::new();
    for path in paths {
        markdown_files(Path::new(path), &mut files);
    }
    let texts: Vec<String> = files
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .collect();
    let t = Transliterator::plain();
    match mode.as_str() {
        "print" => {
            for text in &texts {
                println!("{}", t.to_latin(text));
            }
        }
        "check" => {
            for text in &texts {
                for a in t.ambiguous_words(text) {
                    println!("{}\t{}", a.word, a.reason);
                }
            }
        }
        "roundtrip" => roundtrip(&t, &texts),
        "pairs" => pairs(&t, &texts),
        _ => speed(&t, &texts),
    }
}

fn speed(t: &Transliterator, texts: &[String]) {
    // Lines stand in for the text runs of Markdown events.
    let runs: Vec<&str> = texts.iter().flat_map(|t| t.lines()).collect();
    let bytes: usize = runs.iter().map(|r| r.len()).sum();
    let rounds = (200_000_000 / bytes.max(1)).max(1);
    let started = Instant::now();
    let mut out_bytes = 0usize;
    for _ in 0..rounds {
        for run in &runs {
            out_bytes += t.to_latin(run).len();
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let megabytes = (bytes * rounds) as f64 / 1e6;
    println!(
        "to_latin: {megabytes:.0} MB of Cyrillic Markdown lines in {seconds:.2} s = {:.0} MB/s (out {out_bytes} bytes)",
        megabytes / seconds
    );
    // For scale: what rendering the same Markdown to HTML (pulldown-cmark, as the build
    // does) costs, without templates.
    let started = Instant::now();
    let mut html = String::new();
    for _ in 0..rounds {
        for text in texts {
            html.clear();
            pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(text));
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let all: usize = texts.iter().map(String::len).sum();
    let megabytes = (all * rounds) as f64 / 1e6;
    println!(
        "pulldown-cmark to HTML, the same files: {megabytes:.0} MB in {seconds:.2} s = {:.0} MB/s",
        megabytes / seconds
    );
}

/// The distinct Cyrillic words of the texts, lower case.
fn kazakh_words(texts: &[String]) -> BTreeSet<String> {
    let mut words = BTreeSet::new();
    for text in texts {
        for token in tokens(text) {
            if token.chars().any(|c| ('\u{400}'..='\u{4ff}').contains(&c)) {
                words.insert(token);
            }
        }
    }
    words
}

/// A 2021 spelling typed on a keyboard without its letters.
fn ascii(latin: &str) -> String {
    let mut out = String::new();
    for c in latin.chars() {
        match c {
            'ä' => out.push('a'),
            'ö' => out.push('o'),
            'ü' | 'ū' => out.push('u'),
            'ğ' => out.push('g'),
            'ñ' => out.push_str("ng"),
            'ş' => out.push_str("sh"),
            'ç' => out.push_str("ch"),
            'ı' => out.push('i'),
            'q' => out.push('k'),
            c => out.push(c),
        }
    }
    out
}

fn pairs(t: &Transliterator, texts: &[String]) {
    for word in kazakh_words(texts) {
        let latin = t.to_latin(&word).into_owned();
        for typed in [ascii(&latin), latin] {
            println!("{typed}\t{}", to_cyrillic(&typed));
        }
    }
}

fn roundtrip(t: &Transliterator, texts: &[String]) {
    let normalizer = Normalizer::new(Lang::Kk);
    let words = kazakh_words(texts);
    let mut same = 0;
    let mut differ = Vec::new();
    for word in &words {
        let latin = t.to_latin(word).into_owned();
        let back = to_cyrillic(&latin);
        let back_stem: Vec<String> = tokens(&back).map(|w| normalizer.stem(&w)).collect();
        if back_stem == [normalizer.stem(word)] {
            same += 1;
        } else {
            differ.push(format!("{word}\t{latin}\t{back}"));
        }
    }
    for line in &differ {
        println!("{line}");
    }
    println!("{same} of {} words come back to their stem", words.len());
}
