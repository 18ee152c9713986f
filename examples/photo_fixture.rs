//! Writes the generated photos of tests/fixtures/photos into a copy of that fixture:
//! `cargo run --example photo_fixture -- <site folder>` (test.sh's build step does, so that
//! the Nu Html Checker sees the `<picture>` markup).

#[path = "../tests/support/photos.rs"]
mod photos;

fn main() {
    let Some(site) = std::env::args_os().nth(1) else {
        eprintln!("usage: photo_fixture <copy of tests/fixtures/photos>");
        std::process::exit(2);
    };
    photos::write_fixture_photos(std::path::Path::new(&site));
}
