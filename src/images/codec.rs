//! The one place that touches image codecs, behind the `images` cargo
//! feature: [`probe`] reads what a file is (format from its bytes, size,
//! animation) without decoding its pixels, and [`encode`] decodes it once,
//! within limits, and encodes each requested width. Built without the
//! feature, both return an error naming it.
//!
//! Decoding is bounded twice: [`probe`] refuses more than [`MAX_PIXELS`]
//! from the header alone (a 50,000 x 50,000 PNG of a few KiB is refused
//! before a byte of pixels is allocated), and the decoder runs under
//! `image::Limits` (each side, and [`MAX_ALLOC`] bytes in all).

use super::Format;

/// The most pixels an image may have: 50 megapixels, a large camera's
/// photo (8660 x 5770).
#[cfg_attr(
    not(feature = "images"),
    allow(dead_code, reason = "used by the codecs")
)]
pub const MAX_PIXELS: u64 = 50_000_000;
/// The longest side an image may have, in pixels.
pub const MAX_SIDE: u32 = 20_000;
/// The most memory one decode may allocate.
#[cfg_attr(
    not(feature = "images"),
    allow(dead_code, reason = "used by the codecs")
)]
const MAX_ALLOC: u64 = 512 * 1024 * 1024;

/// What a file is, read from its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Probe {
    pub format: Format,
    /// As shown: a JPEG turned by its EXIF orientation has its sides swapped.
    pub width: u32,
    pub height: u32,
    /// More than one frame (GIF, APNG, animated WebP).
    pub animated: bool,
}

/// An image to write: this width, this format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Request {
    pub width: u32,
    pub format: Format,
}

#[cfg(not(feature = "images"))]
const NO_FEATURE: &str = "cannot be read: this medsite was built without the `images` feature, which reads and resizes images; build medsite with it (it is on by default)";

/// Without the feature nothing can be read.
#[cfg(not(feature = "images"))]
pub fn sniff(_bytes: &[u8]) -> Result<Format, String> {
    Err(NO_FEATURE.to_string())
}

/// Without the feature nothing can be read.
#[cfg(not(feature = "images"))]
pub fn probe(_bytes: &[u8], _format: Format) -> Result<Probe, String> {
    Err(NO_FEATURE.to_string())
}

/// Without the feature nothing can be written.
#[cfg(not(feature = "images"))]
pub fn encode(
    _bytes: &[u8],
    _probe: &Probe,
    _requests: &[Request],
) -> Result<Vec<Vec<u8>>, String> {
    Err(NO_FEATURE.to_string())
}

#[cfg(feature = "images")]
pub use with_codecs::{encode, probe, sniff};

#[cfg(feature = "images")]
mod with_codecs {
    use std::io::Cursor;

    use image::codecs::{jpeg, png, webp};
    use image::imageops::FilterType;
    use image::{DynamicImage, ImageDecoder, ImageEncoder, ImageFormat, ImageReader, Limits};

    use super::{Format, MAX_ALLOC, MAX_PIXELS, MAX_SIDE, Probe, Request};

    /// JPEG quality of resized JPEGs: visually lossless for photos.
    const JPEG_QUALITY: u8 = 82;

    fn limits() -> Limits {
        let mut limits = Limits::default();
        limits.max_image_width = Some(MAX_SIDE);
        limits.max_image_height = Some(MAX_SIDE);
        limits.max_alloc = Some(MAX_ALLOC);
        limits
    }

    /// The format `bytes` are in, from their first bytes.
    pub fn sniff(bytes: &[u8]) -> Result<Format, String> {
        match image::guess_format(bytes) {
            Ok(ImageFormat::Png) => Ok(Format::Png),
            Ok(ImageFormat::Jpeg) => Ok(Format::Jpeg),
            Ok(ImageFormat::WebP) => Ok(Format::WebP),
            Ok(ImageFormat::Gif) => Ok(Format::Gif),
            Ok(other) => Err(format!(
                "is a {other:?} image; medsite resizes PNG, JPEG and WebP"
            )),
            Err(_) => Err("is not an image (its bytes are not PNG, JPEG, WebP or GIF)".into()),
        }
    }

    /// A reader of `bytes`; with `sides`, one that refuses large images
    /// itself (the probe refuses them first, with a clearer message).
    fn reader(bytes: &[u8], format: Format, sides: bool) -> ImageReader<Cursor<&[u8]>> {
        let mut reader = ImageReader::with_format(Cursor::new(bytes), format.image_format());
        let mut limits = limits();
        if !sides {
            (limits.max_image_width, limits.max_image_height) = (None, None);
        }
        reader.limits(limits);
        reader
    }

    /// Size and animation of an image in `format`, from the header only.
    pub fn probe(bytes: &[u8], format: Format) -> Result<Probe, String> {
        let mut decoder = reader(bytes, format, false)
            .into_decoder()
            .map_err(|error| cause("read", &error))?;
        let (width, height) = decoder.dimensions();
        if u64::from(width) * u64::from(height) > MAX_PIXELS || width.max(height) > MAX_SIDE {
            return Err(format!(
                "is {width} x {height} pixels, more than medsite decodes (at most {} megapixels, {MAX_SIDE} pixels a side)",
                MAX_PIXELS / 1_000_000
            ));
        }
        let orientation = decoder.orientation().ok();
        drop(decoder);
        let turned = orientation.is_some_and(|o| {
            use image::metadata::Orientation::*;
            matches!(o, Rotate90 | Rotate270 | Rotate90FlipH | Rotate270FlipH)
        });
        let (width, height) = if turned {
            (height, width)
        } else {
            (width, height)
        };
        Ok(Probe {
            format,
            width,
            height,
            animated: is_animated(bytes, format)?,
        })
    }

    /// Why an image could not be read or decoded; a file cut short says so.
    fn cause(doing: &str, error: &image::ImageError) -> String {
        match error {
            image::ImageError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
                "is cut short: its data ends before the image does".to_string()
            }
            _ => format!("could not be {doing}: {error}"),
        }
    }

    fn is_animated(bytes: &[u8], format: Format) -> Result<bool, String> {
        let cause = |error: image::ImageError| cause("read", &error);
        match format {
            Format::Png => png::PngDecoder::with_limits(Cursor::new(bytes), limits())
                .and_then(|decoder| decoder.is_apng())
                .map_err(cause),
            Format::WebP => webp::WebPDecoder::new(Cursor::new(bytes))
                .map(|decoder| decoder.has_animation())
                .map_err(cause),
            // GIFs are published as they are, animated or not.
            Format::Gif => Ok(true),
            Format::Jpeg => Ok(false),
        }
    }

    /// Decodes `bytes` once and encodes each request, in order.
    pub fn encode(
        bytes: &[u8],
        probe: &Probe,
        requests: &[Request],
    ) -> Result<Vec<Vec<u8>>, String> {
        let mut decoder = reader(bytes, probe.format, true)
            .into_decoder()
            .map_err(|error| cause("decoded", &error))?;
        let orientation = decoder.orientation().ok();
        let mut image =
            DynamicImage::from_decoder(decoder).map_err(|error| cause("decoded", &error))?;
        if let Some(orientation) = orientation {
            image.apply_orientation(orientation);
        }
        requests
            .iter()
            .map(|request| encode_one(&image, probe, *request))
            .collect()
    }

    fn encode_one(
        image: &DynamicImage,
        probe: &Probe,
        request: Request,
    ) -> Result<Vec<u8>, String> {
        let height = scaled_height(probe, request.width);
        let resized = if request.width == image.width() {
            image.clone()
        } else {
            image.resize_exact(request.width, height, FilterType::Lanczos3)
        };
        let mut bytes = Vec::new();
        let result = match request.format {
            Format::Jpeg => {
                let rgb = resized.to_rgb8();
                jpeg::JpegEncoder::new_with_quality(&mut bytes, JPEG_QUALITY).write_image(
                    &rgb,
                    rgb.width(),
                    rgb.height(),
                    image::ExtendedColorType::Rgb8,
                )
            }
            Format::Png => {
                let encoder = png::PngEncoder::new_with_quality(
                    &mut bytes,
                    png::CompressionType::Default,
                    png::FilterType::Adaptive,
                );
                resized.write_with_encoder(encoder)
            }
            Format::WebP => {
                let rgba = resized.to_rgba8();
                webp::WebPEncoder::new_lossless(&mut bytes).write_image(
                    &rgba,
                    rgba.width(),
                    rgba.height(),
                    image::ExtendedColorType::Rgba8,
                )
            }
            Format::Gif => return Err("GIFs are not resized".into()),
        };
        result.map_err(|error| format!("could not be encoded at {} px: {error}", request.width))?;
        Ok(bytes)
    }

    /// The height at `width`, keeping the aspect ratio (at least 1 px).
    fn scaled_height(probe: &Probe, width: u32) -> u32 {
        let height = (u64::from(probe.height) * u64::from(width) + u64::from(probe.width) / 2)
            / u64::from(probe.width);
        height.max(1) as u32
    }
}

#[cfg(all(test, not(feature = "images")))]
mod tests {
    #[test]
    fn without_the_feature_every_image_is_an_error_naming_it() {
        let error = super::sniff(b"\x89PNG\r\n\x1a\n").unwrap_err();
        assert!(error.contains("without the `images` feature"), "{error}");
    }
}
