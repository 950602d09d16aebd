//! Social cards: with a base URL, every page and section gets a 1200x630
//! PNG, `card.png` beside its `index.html`, for Open Graph and Twitter
//! previews (`og:image` must be an absolute URL: no base URL, no card).
//! The theme draws it as SVG, the Tera template [`TEMPLATE`], with the
//! page's context; medsite rasterises it with resvg and the font compiled
//! into the binary (DejaVu Sans, `src/builtin/fonts/`), never the system's
//! fonts, so the bytes are the same on every machine.
//!
//! The same SVG always gives the same PNG: [`rasterise`] keeps the PNG of
//! each SVG it made in this process, so `watch` rasterises only cards
//! whose SVG changed.
//!
//! This module is the only boundary of the `social-cards` cargo feature.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::content::Site;
use crate::diagnostics::Diagnostic;
use crate::templates::Templates;

/// The theme's card template.
pub const TEMPLATE: &str = "card.svg";
/// A card's file name, beside the page's `index.html`.
pub const FILE: &str = "card.png";
pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 630;

/// Why an SVG could not become a card.
#[derive(Debug, Clone, PartialEq)]
pub enum CardError {
    /// Not SVG; the position is in the rendered SVG, 1-based.
    Parse {
        message: String,
        line: u32,
        column: u32,
    },
    /// The SVG is not 1200x630.
    Size { width: f32, height: f32 },
    /// Built without the `social-cards` feature.
    Unavailable(&'static str),
}

impl std::fmt::Display for CardError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CardError::Parse {
                message,
                line,
                column,
            } => write!(
                f,
                "the card is not valid SVG: {message} (line {line}, column {column} of the rendered SVG)"
            ),
            CardError::Size { width, height } => write!(
                f,
                "the card must be {WIDTH}x{HEIGHT} (the <svg> element's width and height), not {width}x{height}"
            ),
            CardError::Unavailable(message) => f.write_str(message),
        }
    }
}

/// Whether `site` gets cards: a base URL, and a [`TEMPLATE`] among its
/// templates. A template of the site's or its theme's in a binary built
/// without the `social-cards` feature is an error naming the feature.
pub fn wanted(site: &Site, templates: &Templates) -> Result<bool, Diagnostic> {
    if site.config.base_url.is_none() || !templates.has(TEMPLATE) {
        return Ok(false);
    }
    match raster::UNAVAILABLE {
        None => Ok(true),
        Some(message) => Err(Diagnostic::error(
            templates.display_path(TEMPLATE).unwrap_or(TEMPLATE),
            "social-cards",
            message,
        )),
    }
}

/// The built-in theme's card template: only in a binary that can draw it.
pub fn built_in_template() -> Option<(&'static str, &'static str)> {
    raster::UNAVAILABLE
        .is_none()
        .then_some((TEMPLATE, include_str!("builtin/theme/templates/card.svg")))
}

/// `text` in lines of at most `width` characters, broken between words
/// (a longer word gets a line of its own): the `wrap` filter, for card
/// titles, since SVG text does not wrap.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

/// At most this many PNGs are kept; past it, the memory starts afresh.
const KEPT: usize = 4096;

/// The PNG of `svg`, made once per process for each distinct SVG.
pub fn rasterise(svg: &[u8]) -> Result<Arc<[u8]>, CardError> {
    static MADE: Mutex<Option<HashMap<u128, Arc<[u8]>>>> = Mutex::new(None);
    let key = xxhash_rust::xxh3::xxh3_128(svg);
    let lock = || MADE.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(png) = lock().as_ref().and_then(|made| made.get(&key)) {
        return Ok(Arc::clone(png));
    }
    let png: Arc<[u8]> = raster::png(svg)?.into();
    let mut made = lock();
    let made = made.get_or_insert_with(HashMap::new);
    if made.len() >= KEPT {
        made.clear();
    }
    made.insert(key, Arc::clone(&png));
    Ok(png)
}

#[cfg(feature = "social-cards")]
mod raster;

#[cfg(not(feature = "social-cards"))]
mod raster {
    //! Stand-ins when medsite is built without the `social-cards` feature:
    //! [`super::wanted`] refuses a card template before any is called.
    pub const UNAVAILABLE: Option<&str> = Some(
        "social cards need medsite built with the `social-cards` cargo feature (on by default): rebuild without `--no-default-features`, or add `--features social-cards`, or remove this template",
    );

    pub fn png(_: &[u8]) -> Result<Vec<u8>, super::CardError> {
        Err(super::CardError::Unavailable(
            UNAVAILABLE.unwrap_or_default(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_breaks_between_words_within_the_width() {
        assert_eq!(
            wrap("Diagnostic medical sonographer  careers", 20),
            ["Diagnostic medical", "sonographer careers"]
        );
        assert_eq!(
            wrap("Electroencephalographic x", 5),
            ["Electroencephalographic", "x"]
        );
        assert!(wrap("  ", 10).is_empty());
    }
}
