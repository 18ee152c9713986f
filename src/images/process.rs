//! One photo made into its published variants: decoded once (a JPEG at the smallest DCT
//! scale that still covers the largest width wanted), turned as its EXIF orientation says,
//! resized with SIMD (each width once, from the next wider one), encoded from pixels alone (so no EXIF, GPS or other metadata reaches
//! a published file), and cached in `.qostil/images/` by the source's content hash and the
//! variant's parameters: a photo that did not change is never decoded again.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use fast_image_resize as fir;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder};
use rayon::prelude::*;

use crate::config::{ImageFormat, ImagesConfig};

/// Changes whenever a variant's bytes would (the encoders, the resizing filter): the
/// cache keys include it.
const ENCODER_VERSION: &str = "jpeg-encoder-0.6/libwebp-sys-0.9/png-0.18/fir-5-lanczos3-chained/v2";

/// Photos larger than this many pixels are refused (a decompression bomb, or a scan no
/// page needs).
const MAX_PIXELS: u64 = 200_000_000;

/// The encoding of a published variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Encoding {
    Webp,
    Jpeg,
    Png,
}

impl Encoding {
    pub fn extension(self) -> &'static str {
        match self {
            Encoding::Webp => "webp",
            Encoding::Jpeg => "jpg",
            Encoding::Png => "png",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Encoding::Webp => "image/webp",
            Encoding::Jpeg => "image/jpeg",
            Encoding::Png => "image/png",
        }
    }
}

/// A photo's size (after its EXIF orientation) and the kind of its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub width: u32,
    pub height: u32,
    pub kind: Encoding,
}

/// One published variant, made or found in the cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Made {
    pub width: u32,
    pub height: u32,
    pub encoding: Encoding,
    /// The variant's file in the cache.
    pub cache: PathBuf,
}

/// A photo processed: its size and its variants (format by format, each narrow to wide),
/// and how many variants had to be encoded (0 when all came from the cache).
#[derive(Debug, Clone)]
pub struct Processed {
    pub header: Header,
    pub variants: Vec<Made>,
    pub encoded: usize,
}

/// The formats a photo of `kind` is published in, in `images.formats` order, each once.
pub fn encodings(config: &ImagesConfig, kind: Encoding) -> Vec<Encoding> {
    let mut out = Vec::new();
    for f in &config.formats {
        let e = match f {
            ImageFormat::Webp => Encoding::Webp,
            ImageFormat::Jpeg => Encoding::Jpeg,
            ImageFormat::Png => Encoding::Png,
            ImageFormat::Original => kind,
        };
        if !out.contains(&e) {
            out.push(e);
        }
    }
    out
}

/// The widths a photo `width` pixels wide is published at: those of `images.widths` not
/// above it, or its own width when it is narrower than all of them (never upscaled).
pub fn widths_for(config: &ImagesConfig, width: u32) -> Vec<u32> {
    let fit: Vec<u32> = config
        .widths
        .iter()
        .copied()
        .filter(|&w| w <= width)
        .collect();
    if fit.is_empty() {
        vec![width.max(1)]
    } else {
        fit
    }
}

/// The height of a variant `width` wide of a photo `w`×`h`, at least 1.
pub fn scaled_height(w: u32, h: u32, width: u32) -> u32 {
    ((u64::from(h) * u64::from(width) + u64::from(w) / 2) / u64::from(w.max(1))).max(1) as u32
}

/// Makes (or finds in `cache_dir`) every variant of the photo in `bytes`.
pub fn process(bytes: &[u8], config: &ImagesConfig, cache_dir: &Path) -> Result<Processed, String> {
    let hash = xxhash_rust::xxh3::xxh3_128(bytes);
    let header = match read_header_cache(cache_dir, hash) {
        Some(h) => h,
        None => {
            let h = guarded(|| header_of(bytes))?;
            write_header_cache(cache_dir, hash, &h);
            h
        }
    };
    let mut wanted = Vec::new();
    for encoding in encodings(config, header.kind) {
        for width in widths_for(config, header.width) {
            let key = variant_key(hash, width, encoding, config.quality);
            let cache = cache_dir.join(format!("{key:032x}.{}", encoding.extension()));
            wanted.push(Made {
                width,
                height: scaled_height(header.width, header.height, width),
                encoding,
                cache,
            });
        }
    }
    let missing: Vec<&Made> = wanted.iter().filter(|m| !m.cache.is_file()).collect();
    if !missing.is_empty() {
        make_missing(bytes, header, &missing, config.quality)?;
    }
    Ok(Processed {
        header,
        encoded: missing.len(),
        variants: wanted,
    })
}

/// Makes the `missing` variants of a photo: decoded once, for the widest of them; each
/// width resized once, from the next wider one (fewer pixels to read than the whole
/// decode, and the formats of a width share it); the formats of a width encoded in
/// parallel (a photo replaced in `serve` is ready sooner).
fn make_missing(
    bytes: &[u8],
    header: Header,
    missing: &[&Made],
    quality: u8,
) -> Result<(), String> {
    let mut widths: Vec<u32> = missing.iter().map(|m| m.width).collect();
    widths.sort_unstable_by(|a, b| b.cmp(a));
    widths.dedup();
    let largest = widths.first().copied().unwrap_or(header.width);
    let mut source = guarded(|| decode(bytes, header, largest))?;
    for width in widths {
        let height = scaled_height(header.width, header.height, width);
        let resized = guarded(|| resize(&source, width, height))?;
        let here: Vec<&&Made> = missing.iter().filter(|m| m.width == width).collect();
        here.par_iter()
            .map(|made| {
                let encoded = guarded(|| encode(&resized, made.encoding, quality))?;
                write_cache(&made.cache, &encoded)
                    .map_err(|e| format!("cannot write {}: {e}", made.cache.display()))
            })
            .collect::<Result<Vec<()>, String>>()?;
        source = resized;
    }
    Ok(())
}

/// Runs a decoder or an encoder, turning a panic in it (a crate's bug on a strange file)
/// into an error about the file instead of the end of the build.
fn guarded<T>(f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .unwrap_or_else(|_| Err("the image decoder failed on this file".to_string()))
}

fn variant_key(hash: u128, width: u32, encoding: Encoding, quality: u8) -> u128 {
    let text =
        format!("{hash:032x}/{width}/{encoding:?}/{quality}/m{WEBP_METHOD}/{ENCODER_VERSION}");
    xxhash_rust::xxh3::xxh3_128(text.as_bytes())
}

fn header_path(cache_dir: &Path, hash: u128) -> PathBuf {
    cache_dir.join(format!("{hash:032x}.size"))
}

/// The header cache: `width height kind` of a source by its content hash, so that a photo
/// whose variants are all cached is not even parsed.
fn read_header_cache(cache_dir: &Path, hash: u128) -> Option<Header> {
    let text = std::fs::read_to_string(header_path(cache_dir, hash)).ok()?;
    let mut parts = text.split_whitespace();
    let width = parts.next()?.parse().ok()?;
    let height = parts.next()?.parse().ok()?;
    let kind = match parts.next()? {
        "jpg" => Encoding::Jpeg,
        "png" => Encoding::Png,
        _ => return None,
    };
    Some(Header {
        width,
        height,
        kind,
    })
}

fn write_header_cache(cache_dir: &Path, hash: u128, h: &Header) {
    let text = format!("{} {} {}\n", h.width, h.height, h.kind.extension());
    // A header that cannot be cached is only parsed again next time.
    let _ = write_cache(&header_path(cache_dir, hash), text.as_bytes());
}

/// Writes a cache file whole or not at all (a temporary file renamed into place), so that
/// a killed build never leaves half a variant to be published by the next.
fn write_cache(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

fn is_jpeg(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xD8, 0xFF])
}

fn is_png(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\x89PNG\r\n\x1a\n")
}

/// Whether an orientation turns the picture a quarter: width and height swap.
fn swaps(o: Orientation) -> bool {
    matches!(
        o,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    )
}

fn checked(width: u32, height: u32) -> Result<(), String> {
    if width == 0 || height == 0 {
        return Err("the image is empty".into());
    }
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(format!(
            "the image has {width}×{height} pixels; at most {MAX_PIXELS} are accepted"
        ));
    }
    Ok(())
}

/// The size (as shown, after the orientation) and kind of a photo, without decoding it.
pub fn header_of(bytes: &[u8]) -> Result<Header, String> {
    if is_jpeg(bytes) {
        let mut decoder = jpeg_decoder::Decoder::new(Cursor::new(bytes));
        decoder
            .read_info()
            .map_err(|e| format!("not a readable JPEG: {e}"))?;
        let info = decoder.info().ok_or("not a readable JPEG")?;
        let (w, h) = (u32::from(info.width), u32::from(info.height));
        checked(w, h)?;
        let turned = jpeg_orientation(&decoder).is_some_and(swaps);
        let (width, height) = if turned { (h, w) } else { (w, h) };
        Ok(Header {
            width,
            height,
            kind: Encoding::Jpeg,
        })
    } else if is_png(bytes) {
        let mut decoder = image::codecs::png::PngDecoder::new(Cursor::new(bytes))
            .map_err(|e| format!("not a readable PNG: {e}"))?;
        let (w, h) = decoder.dimensions();
        checked(w, h)?;
        let turned = decoder.orientation().is_ok_and(swaps);
        let (width, height) = if turned { (h, w) } else { (w, h) };
        Ok(Header {
            width,
            height,
            kind: Encoding::Png,
        })
    } else {
        Err("neither a JPEG nor a PNG file".into())
    }
}

fn jpeg_orientation<R: std::io::Read>(decoder: &jpeg_decoder::Decoder<R>) -> Option<Orientation> {
    Orientation::from_exif_chunk(decoder.exif_data()?)
}

/// Decoded pixels, turned upright: RGB, or RGBA when the photo has transparency.
pub struct Pixels {
    width: u32,
    height: u32,
    alpha: bool,
    data: Vec<u8>,
}

/// Decodes a photo for variants up to `largest` pixels wide (a JPEG at a reduced scale
/// when that is enough) and turns it upright.
fn decode(bytes: &[u8], header: Header, largest: u32) -> Result<Pixels, String> {
    let image = match header.kind {
        Encoding::Jpeg => decode_jpeg(bytes, header, largest)?,
        _ => decode_png(bytes)?,
    };
    let alpha = image.color().has_alpha();
    let (width, height) = (image.width(), image.height());
    let data = if alpha {
        image.into_rgba8().into_raw()
    } else {
        image.into_rgb8().into_raw()
    };
    Ok(Pixels {
        width,
        height,
        alpha,
        data,
    })
}

fn decode_jpeg(bytes: &[u8], header: Header, largest: u32) -> Result<DynamicImage, String> {
    let mut decoder = jpeg_decoder::Decoder::new(Cursor::new(bytes));
    decoder
        .read_info()
        .map_err(|e| format!("not a readable JPEG: {e}"))?;
    let orientation = jpeg_orientation(&decoder).unwrap_or(Orientation::NoTransforms);
    // The size wanted in the file's own (unturned) axes; the decoder picks the smallest of
    // 1/8, 1/4, 1/2, 1 that is at least that.
    let want_w = largest;
    let want_h = scaled_height(header.width, header.height, largest);
    let (req_w, req_h) = if swaps(orientation) {
        (want_h, want_w)
    } else {
        (want_w, want_h)
    };
    let clamp = |v: u32| u16::try_from(v).unwrap_or(u16::MAX);
    let (w, h) = decoder
        .scale(clamp(req_w), clamp(req_h))
        .map_err(|e| format!("not a readable JPEG: {e}"))?;
    let data = decoder
        .decode()
        .map_err(|e| format!("not a readable JPEG: {e}"))?;
    let info = decoder.info().ok_or("not a readable JPEG")?;
    let (w, h) = (u32::from(w), u32::from(h));
    let rgb = match info.pixel_format {
        jpeg_decoder::PixelFormat::RGB24 => data,
        jpeg_decoder::PixelFormat::L8 => data.iter().flat_map(|&l| [l, l, l]).collect(),
        jpeg_decoder::PixelFormat::CMYK32 => data
            .chunks_exact(4)
            .flat_map(|p| {
                // Adobe's CMYK JPEGs are stored inverted: each channel is already 255 − ink.
                let k = u16::from(p[3]);
                [p[0], p[1], p[2]].map(|c| ((u16::from(c) * k) / 255) as u8)
            })
            .collect(),
        jpeg_decoder::PixelFormat::L16 => {
            return Err("16-bit grayscale JPEGs are not supported".into())
        }
    };
    let buffer = image::RgbImage::from_raw(w, h, rgb)
        .ok_or("the JPEG decoded to fewer pixels than its size")?;
    let mut image = DynamicImage::ImageRgb8(buffer);
    image.apply_orientation(orientation);
    Ok(image)
}

fn decode_png(bytes: &[u8]) -> Result<DynamicImage, String> {
    let mut decoder = image::codecs::png::PngDecoder::new(Cursor::new(bytes))
        .map_err(|e| format!("not a readable PNG: {e}"))?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut image =
        DynamicImage::from_decoder(decoder).map_err(|e| format!("not a readable PNG: {e}"))?;
    image.apply_orientation(orientation);
    Ok(image)
}

/// The pixels resized to `width`×`height` (Lanczos 3, SIMD).
fn resize(pixels: &Pixels, width: u32, height: u32) -> Result<Pixels, String> {
    if (pixels.width, pixels.height) == (width, height) {
        return Ok(Pixels {
            data: pixels.data.clone(),
            ..*pixels
        });
    }
    let kind = if pixels.alpha {
        fir::PixelType::U8x4
    } else {
        fir::PixelType::U8x3
    };
    let src = fir::images::ImageRef::new(pixels.width, pixels.height, &pixels.data, kind)
        .map_err(|e| format!("cannot resize: {e}"))?;
    let mut dst = fir::images::Image::new(width, height, kind);
    let options = fir::ResizeOptions::new()
        .resize_alg(fir::ResizeAlg::Convolution(fir::FilterType::Lanczos3));
    fir::Resizer::new()
        .resize(&src, &mut dst, &options)
        .map_err(|e| format!("cannot resize: {e}"))?;
    Ok(Pixels {
        width,
        height,
        alpha: pixels.alpha,
        data: dst.into_vec(),
    })
}

/// libwebp's effort (0 fastest … 6 smallest; its default is 4). Below 3 it picks each
/// block's prediction mode by distortion alone, without the rate-distortion search: on
/// bench/photos' 12-megapixel photos about 40 % less CPU for the whole build than at 4,
/// and the WebP variants together as large (the 480 and 960 px ones about 11 % larger,
/// the 1600 px ones 1 % smaller); see bench/README.md ("Photos").
const WEBP_METHOD: i32 = 2;

/// Pixels already at a variant's size, encoded.
fn encode(pixels: &Pixels, encoding: Encoding, quality: u8) -> Result<Vec<u8>, String> {
    let (w, h) = (pixels.width, pixels.height);
    let data = pixels.data.as_slice();
    match encoding {
        Encoding::Webp => {
            let layout = if pixels.alpha {
                webp::PixelLayout::Rgba
            } else {
                webp::PixelLayout::Rgb
            };
            let mut webp_config =
                webp::WebPConfig::new().map_err(|()| "cannot set up the WebP encoder")?;
            webp_config.quality = f32::from(quality);
            webp_config.method = WEBP_METHOD;
            webp_config.alpha_compression = 1;
            webp::Encoder::new(data, layout, w, h)
                .encode_advanced(&webp_config)
                .map(|m| m.to_vec())
                .map_err(|e| format!("cannot encode WebP: {e:?}"))
        }
        Encoding::Jpeg => {
            let flattened;
            let rgb = if pixels.alpha {
                flattened = flatten_on_white(data);
                flattened.as_slice()
            } else {
                data
            };
            let (w16, h16) = match (u16::try_from(w), u16::try_from(h)) {
                (Ok(a), Ok(b)) => (a, b),
                _ => return Err(format!("{w}×{h} is too large for a JPEG")),
            };
            let mut out = Vec::new();
            jpeg_encoder::Encoder::new(&mut out, quality)
                .encode(rgb, w16, h16, jpeg_encoder::ColorType::Rgb)
                .map_err(|e| format!("cannot encode JPEG: {e}"))?;
            Ok(out)
        }
        Encoding::Png => {
            use image::ImageEncoder;
            let color = if pixels.alpha {
                image::ExtendedColorType::Rgba8
            } else {
                image::ExtendedColorType::Rgb8
            };
            let mut out = Vec::new();
            image::codecs::png::PngEncoder::new(&mut out)
                .write_image(data, w, h, color)
                .map_err(|e| format!("cannot encode PNG: {e}"))?;
            Ok(out)
        }
    }
}

/// RGBA → RGB over a white background (JPEG has no transparency).
fn flatten_on_white(rgba: &[u8]) -> Vec<u8> {
    rgba.chunks_exact(4)
        .flat_map(|p| {
            let a = u16::from(p[3]);
            [p[0], p[1], p[2]].map(|c| ((u16::from(c) * a + 255 * (255 - a)) / 255) as u8)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_never_upscale() {
        let config = ImagesConfig::default();
        assert_eq!(widths_for(&config, 4000), vec![480, 960, 1600]);
        assert_eq!(widths_for(&config, 1000), vec![480, 960]);
        assert_eq!(widths_for(&config, 300), vec![300]);
        assert_eq!(scaled_height(4000, 3000, 480), 360);
        assert_eq!(scaled_height(3, 1, 1), 1);
    }

    #[test]
    fn original_means_the_file_s_own_format() {
        let config = ImagesConfig::default();
        assert_eq!(
            encodings(&config, Encoding::Png),
            vec![Encoding::Webp, Encoding::Png]
        );
        assert_eq!(
            encodings(&config, Encoding::Jpeg),
            vec![Encoding::Webp, Encoding::Jpeg]
        );
    }

    #[test]
    fn files_that_are_not_photos_are_errors() {
        assert!(header_of(b"GIF89a").unwrap_err().contains("neither"));
        assert!(header_of(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0])
            .unwrap_err()
            .contains("JPEG"));
    }

    #[test]
    fn transparency_is_flattened_on_white() {
        assert_eq!(
            flatten_on_white(&[0, 0, 0, 0, 10, 20, 30, 255]),
            vec![255, 255, 255, 10, 20, 30]
        );
    }
}
