//! Chart colours and type, read from the page's CSS custom properties so charts follow the light and
//! dark themes (and any future theme) without a second source of truth.
//!
//! The properties live in `assets/style.css` (`--chart-bg`, `--chart-fg`, `--chart-1` …). Native code
//! (tests, the CLI, PNG export) uses [`Theme::light`], which holds the same values as the CSS.

use plotters::style::RGBColor;

/// What a series is, so the theme can pick its colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ColorRole {
    /// The main quantity of a chart.
    Primary,
    /// A second quantity compared with the first.
    Secondary,
    /// A third quantity.
    Tertiary,
    /// A fourth quantity.
    Quaternary,
    /// Context: a reference or a quantity in the background.
    Muted,
    /// A limit or failure threshold.
    Danger,
}

/// Colours and type of one chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Theme {
    /// Chart background.
    pub bg: RGBColor,
    /// Text and title.
    pub fg: RGBColor,
    /// Secondary text: axis descriptions, guide labels.
    pub muted: RGBColor,
    /// Grid lines.
    pub grid: RGBColor,
    /// Axis lines.
    pub axis: RGBColor,
    /// Series colours for the roles Primary, Secondary, Tertiary, Quaternary, Muted, Danger.
    pub palette: [RGBColor; 6],
    /// CSS font family list.
    pub font: String,
    /// Base font size [CSS px].
    pub font_px: f64,
    /// Backend pixels per CSS pixel: 1 for SVG, `devicePixelRatio` for a canvas drawn in device
    /// pixels. Every length a drawing function uses is multiplied by it.
    pub scale: f64,
}

impl Theme {
    /// The light theme, as in `assets/style.css`.
    pub fn light() -> Theme {
        Theme {
            bg: rgb(0xffffff),
            fg: rgb(0x1b2230),
            muted: rgb(0x586173),
            grid: rgb(0xe4e7ec),
            axis: rgb(0x8a93a3),
            palette: [
                rgb(0x1f63c6),
                rgb(0xc4520a),
                rgb(0x0b7f5a),
                rgb(0x8441a4),
                rgb(0x6b7280),
                rgb(0xc0282d),
            ],
            font: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif".into(),
            font_px: 12.0,
            scale: 1.0,
        }
    }

    /// The colour for a role.
    pub fn color(&self, role: ColorRole) -> RGBColor {
        let i = match role {
            ColorRole::Primary => 0,
            ColorRole::Secondary => 1,
            ColorRole::Tertiary => 2,
            ColorRole::Quaternary => 3,
            ColorRole::Muted => 4,
            ColorRole::Danger => 5,
        };
        self.palette[i]
    }

    /// Reads the theme from the computed style of `el` (the chart's container). Properties that are
    /// missing or unreadable keep their light-theme value.
    pub fn from_css(el: &web_sys::Element) -> Theme {
        let mut t = Theme::light();
        let Some(style) = web_sys::window().and_then(|w| w.get_computed_style(el).ok().flatten()) else {
            return t;
        };
        let read = |name: &str| style.get_property_value(name).ok().map(|v| v.trim().to_string());
        let color = |name: &str, slot: &mut RGBColor| {
            if let Some(c) = read(name).as_deref().and_then(parse_color) {
                *slot = c;
            }
        };
        color("--chart-bg", &mut t.bg);
        color("--chart-fg", &mut t.fg);
        color("--chart-muted", &mut t.muted);
        color("--chart-grid", &mut t.grid);
        color("--chart-axis", &mut t.axis);
        for (i, slot) in t.palette.iter_mut().enumerate() {
            color(&format!("--chart-{}", i + 1), slot);
        }
        if let Some(f) = read("--chart-font").filter(|f| !f.is_empty()) {
            t.font = f;
        }
        if let Some(px) = read("--chart-font-px").and_then(|v| v.trim_end_matches("px").parse::<f64>().ok()) {
            if (8.0..=32.0).contains(&px) {
                t.font_px = px;
            }
        }
        t
    }
}

fn rgb(hex: u32) -> RGBColor {
    RGBColor((hex >> 16) as u8, (hex >> 8) as u8, hex as u8)
}

/// Parses `#rgb`, `#rrggbb` or `rgb(r, g, b)` / `rgb(r g b)`.
pub fn parse_color(text: &str) -> Option<RGBColor> {
    let t = text.trim();
    if let Some(h) = t.strip_prefix('#') {
        let v = u32::from_str_radix(h, 16).ok()?;
        return match h.len() {
            6 => Some(rgb(v)),
            3 => {
                let (r, g, b) = ((v >> 8) & 0xf, (v >> 4) & 0xf, v & 0xf);
                Some(RGBColor((r * 17) as u8, (g * 17) as u8, (b * 17) as u8))
            }
            _ => None,
        };
    }
    let inner = t.strip_prefix("rgba(").or_else(|| t.strip_prefix("rgb("))?.strip_suffix(')')?;
    let mut parts =
        inner.split(|c: char| c == ',' || c.is_whitespace() || c == '/').filter(|p| !p.is_empty());
    let mut next = || parts.next()?.parse::<f64>().ok().map(|v| v.clamp(0.0, 255.0).round() as u8);
    Some(RGBColor(next()?, next()?, next()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_colour_forms_css_returns() {
        assert_eq!(parse_color(" #1f63c6"), Some(RGBColor(0x1f, 0x63, 0xc6)));
        assert_eq!(parse_color("#fff"), Some(RGBColor(255, 255, 255)));
        assert_eq!(parse_color("rgb(1, 2, 3)"), Some(RGBColor(1, 2, 3)));
        assert_eq!(parse_color("rgb(1 2 3 / 50%)"), Some(RGBColor(1, 2, 3)));
        assert_eq!(parse_color("tomato"), None);
        assert_eq!(parse_color("#12345"), None);
    }
}
