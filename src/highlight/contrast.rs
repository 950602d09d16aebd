//! WCAG contrast for highlighting themes: every text colour of a theme is
//! darkened or lightened, as little as needed, until it reaches 4.5:1
//! against the background it is drawn on (WCAG 2.2 AA for normal text).
//! Several of syntect's themes draw comments below that.

use syntect::highlighting::{Color, Theme};

/// WCAG AA for normal text.
pub const MINIMUM: f64 = 4.5;

/// Raises every foreground colour of `theme` to [`MINIMUM`] contrast
/// against its own background, or the theme's.
pub fn raise(theme: &mut Theme) {
    let background = theme.settings.background.unwrap_or(Color::WHITE);
    if let Some(foreground) = &mut theme.settings.foreground {
        *foreground = readable(*foreground, background);
    }
    for item in &mut theme.scopes {
        let behind = item.style.background.unwrap_or(background);
        if let Some(foreground) = &mut item.style.foreground {
            *foreground = readable(*foreground, behind);
        }
    }
}

/// `foreground`, mixed towards black or white (whichever contrasts more
/// with `background`) in small steps until it reaches [`MINIMUM`].
pub fn readable(foreground: Color, background: Color) -> Color {
    let towards = if ratio(Color::BLACK, background) >= ratio(Color::WHITE, background) {
        Color::BLACK
    } else {
        Color::WHITE
    };
    // The end of the mix, black or white, always reaches 4.5:1 or more.
    (0..=20)
        .map(|step| mix(foreground, towards, f64::from(step) / 20.0))
        .find(|colour| ratio(*colour, background) >= MINIMUM)
        .unwrap_or(towards)
}

/// WCAG contrast ratio of two opaque colours, from 1 to 21.
pub fn ratio(a: Color, b: Color) -> f64 {
    let (lighter, darker) = {
        let (x, y) = (luminance(a), luminance(b));
        if x > y { (x, y) } else { (y, x) }
    };
    (lighter + 0.05) / (darker + 0.05)
}

/// WCAG relative luminance.
fn luminance(colour: Color) -> f64 {
    let channel = |value: u8| {
        let c = f64::from(value) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(colour.r) + 0.7152 * channel(colour.g) + 0.0722 * channel(colour.b)
}

fn mix(from: Color, to: Color, amount: f64) -> Color {
    let channel = |a: u8, b: u8| {
        let value = f64::from(a) + (f64::from(b) - f64::from(a)) * amount;
        value.round().clamp(0.0, 255.0) as u8
    };
    Color {
        r: channel(from.r, to.r),
        g: channel(from.g, to.g),
        b: channel(from.b, to.b),
        a: 0xff,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use syntect::highlighting::ThemeSet;

    #[test]
    fn black_on_white_is_twenty_one() {
        assert!((ratio(Color::BLACK, Color::WHITE) - 21.0).abs() < 1e-9);
    }

    #[test]
    fn a_readable_colour_is_kept() {
        let dark_blue = Color {
            r: 0,
            g: 0,
            b: 0x80,
            a: 0xff,
        };
        assert_eq!(readable(dark_blue, Color::WHITE), dark_blue);
    }

    #[test]
    fn every_colour_of_every_built_in_theme_reaches_aa_once_raised() {
        for (name, theme) in ThemeSet::load_defaults().themes {
            let mut theme = theme;
            raise(&mut theme);
            let background = theme.settings.background.unwrap_or(Color::WHITE);
            let foregrounds = theme
                .scopes
                .iter()
                .filter_map(|item| Some((item.style.foreground?, item.style.background)))
                .chain(theme.settings.foreground.map(|f| (f, None)));
            for (foreground, behind) in foregrounds {
                let contrast = ratio(foreground, behind.unwrap_or(background));
                assert!(
                    contrast >= MINIMUM,
                    "{name}: {foreground:?} at {contrast:.2}"
                );
            }
        }
    }
}
