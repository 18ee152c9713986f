//! Prints the search normalisation of words read from standard input, one per line, as
//! `word<TAB>stem`: `cargo run --example stem -- kk < words.txt`. The browser-side tests
//! compare search.js against it.

use std::io::{BufRead, Write};

use qostil::lang::Lang;
use qostil::search::normalize::{tokens, Normalizer};

fn main() {
    let lang: Lang = match std::env::args().nth(1).as_deref().map(str::parse) {
        Some(Ok(lang)) => lang,
        _ => {
            eprintln!("usage: stem kk|ru < words");
            std::process::exit(2);
        }
    };
    let normalizer = Normalizer::new(lang);
    let stdin = std::io::stdin();
    let mut out = std::io::BufWriter::new(std::io::stdout());
    for line in stdin.lock().lines().map_while(Result::ok) {
        for token in tokens(&line) {
            let _ = writeln!(out, "{token}\t{}", normalizer.stem(&token));
        }
    }
}
