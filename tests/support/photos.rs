//! Photos made on the spot for the photo fixture, its tests and bench/photos (no binary
//! images in git): JPEGs with EXIF orientation and GPS tags, PNGs with transparency.
#![allow(dead_code)]

use std::path::Path;

/// The GPS latitude written into test photos (43° 14′ N, Almaty), to look for in outputs.
pub const GPS_LATITUDE: [u32; 2] = [43, 14];

/// A picture `width`×`height`: its left half red, its right half blue, with a gradient and
/// a noise-like texture so that encoders have work to do.
pub fn pixels(width: u32, height: u32) -> Vec<u8> {
    let mut data = Vec::with_capacity((width * height * 3) as usize);
    let mut seed: u32 = 0x9e37_79b9;
    for y in 0..height {
        for x in 0..width {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            let noise = (seed & 0x1f) as u8;
            let shade = ((y * 96) / height.max(1)) as u8;
            if x < width / 2 {
                data.extend_from_slice(&[200 + noise / 2, shade / 3 + noise, noise]);
            } else {
                data.extend_from_slice(&[noise, shade / 3 + noise, 200 + noise / 2]);
            }
        }
    }
    data
}

/// An EXIF block ("Exif\0\0" and a little-endian TIFF) with an orientation and, when `gps`,
/// a GPS latitude.
pub fn exif(orientation: u16, gps: bool) -> Vec<u8> {
    let mut t: Vec<u8> = b"II*\0".to_vec();
    t.extend_from_slice(&8u32.to_le_bytes());
    let entries: u16 = if gps { 2 } else { 1 };
    t.extend_from_slice(&entries.to_le_bytes());
    // Orientation: SHORT, 1 value, in the entry.
    t.extend_from_slice(&0x0112u16.to_le_bytes());
    t.extend_from_slice(&3u16.to_le_bytes());
    t.extend_from_slice(&1u32.to_le_bytes());
    t.extend_from_slice(&orientation.to_le_bytes());
    t.extend_from_slice(&[0, 0]);
    let gps_ifd = 8 + 2 + 12 * u32::from(entries) + 4;
    if gps {
        // GPSInfo: LONG offset of the GPS IFD.
        t.extend_from_slice(&0x8825u16.to_le_bytes());
        t.extend_from_slice(&4u16.to_le_bytes());
        t.extend_from_slice(&1u32.to_le_bytes());
        t.extend_from_slice(&gps_ifd.to_le_bytes());
    }
    t.extend_from_slice(&0u32.to_le_bytes());
    if gps {
        // GPS IFD: LatitudeRef "N", Latitude 3 RATIONALs after the IFD.
        t.extend_from_slice(&2u16.to_le_bytes());
        t.extend_from_slice(&1u16.to_le_bytes());
        t.extend_from_slice(&2u16.to_le_bytes());
        t.extend_from_slice(&2u32.to_le_bytes());
        t.extend_from_slice(b"N\0\0\0");
        t.extend_from_slice(&2u16.to_le_bytes());
        t.extend_from_slice(&5u16.to_le_bytes());
        t.extend_from_slice(&3u32.to_le_bytes());
        let rationals = gps_ifd + 2 + 24 + 4;
        t.extend_from_slice(&rationals.to_le_bytes());
        t.extend_from_slice(&0u32.to_le_bytes());
        for v in [GPS_LATITUDE[0], GPS_LATITUDE[1], 0] {
            t.extend_from_slice(&v.to_le_bytes());
            t.extend_from_slice(&1u32.to_le_bytes());
        }
    }
    let mut block = b"Exif\0\0".to_vec();
    block.extend_from_slice(&t);
    block
}

/// A JPEG `width`×`height` as stored, with EXIF `orientation` (6: shown turned a quarter
/// clockwise) and GPS tags when `gps`.
pub fn jpeg(width: u16, height: u16, orientation: u16, gps: bool, quality: u8) -> Vec<u8> {
    let data = pixels(u32::from(width), u32::from(height));
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, quality);
    encoder
        .add_app_segment(1, &exif(orientation, gps))
        .expect("an EXIF segment");
    encoder
        .encode(&data, width, height, jpeg_encoder::ColorType::Rgb)
        .expect("encode a JPEG");
    out
}

/// A PNG `width`×`height` whose left half is transparent.
pub fn png_with_alpha(width: u32, height: u32) -> Vec<u8> {
    use image::ImageEncoder;
    let rgb = pixels(width, height);
    let mut rgba = Vec::with_capacity((width * height * 4) as usize);
    for (i, p) in rgb.chunks_exact(3).enumerate() {
        let x = i as u32 % width;
        let alpha = if x < width / 2 { 0 } else { 255 };
        rgba.extend_from_slice(&[p[0], p[1], p[2], alpha]);
    }
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(&rgba, width, height, image::ExtendedColorType::Rgba8)
        .expect("encode a PNG");
    out
}

/// The photos of tests/fixtures/photos, into its bundle folder under `site`:
/// `lead.jpg` (2000×1200 stored, EXIF orientation 6 so shown 1200×2000, with GPS),
/// `alpha.png` (800×600, half transparent), `huge.jpg` (5000×3500), `tiny.png` (64×48).
pub fn write_fixture_photos(site: &Path) {
    let bundle = site.join("content/kk/news/festival");
    std::fs::create_dir_all(&bundle).expect("the bundle folder");
    let write = |name: &str, bytes: Vec<u8>| {
        std::fs::write(bundle.join(name), bytes).expect("write a photo");
    };
    write("lead.jpg", jpeg(2000, 1200, 6, true, 90));
    write("alpha.png", png_with_alpha(800, 600));
    write("huge.jpg", jpeg(5000, 3500, 1, true, 85));
    write("tiny.png", png_with_alpha(64, 48));
}
