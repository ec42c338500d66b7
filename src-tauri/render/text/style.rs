//! What a caption looks like and where it may go. Every length is relative (to the asset
//! or to the font size) so one style fits every size an asset is drawn at.

use serde::{Deserialize, Serialize};

/// Where a caption may go, relative to the asset (0..1 on both axes), so one zone fits
/// every size the asset is drawn at.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Zone {
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
}

impl Default for Zone {
    fn default() -> Self {
        Zone::BOTTOM_BAND
    }
}

impl Zone {
    /// With no zone from the kit, captions sit in a band along the bottom.
    pub const BOTTOM_BAND: Zone = Zone {
        x: 0.06,
        y: 0.74,
        width: 0.88,
        height: 0.20,
    };

    /// Keeps the zone inside the image whatever the input says.
    pub fn clamped(self) -> Zone {
        let finite = |v: f32, fallback: f32| if v.is_finite() { v } else { fallback };
        let x = finite(self.x, 0.0).clamp(0.0, 0.98);
        let y = finite(self.y, 0.0).clamp(0.0, 0.98);
        Zone {
            x,
            y,
            width: finite(self.width, 1.0).clamp(0.02, 1.0 - x),
            height: finite(self.height, 1.0).clamp(0.02, 1.0 - y),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Align {
    Left,
    #[default]
    Center,
    Right,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Face {
    /// League Spartan Black: the bold poster face.
    #[default]
    Poster,
    /// Inter Regular: readable body text.
    Sans,
    /// Inter Bold.
    SansBold,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Outline {
    pub color: [u8; 4],
    /// Visible outline thickness outside the fill, as a fraction of the font size.
    pub width: f32,
}

/// A soft shadow under the outline and the fill.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Shadow {
    pub color: [u8; 4],
    /// Offset right and down, as fractions of the font size.
    pub offset: [f32; 2],
    /// Blur radius, as a fraction of the font size.
    pub blur: f32,
}

impl Default for Shadow {
    fn default() -> Self {
        Self {
            color: [0, 0, 0, 160],
            offset: [0.04, 0.06],
            blur: 0.08,
        }
    }
}

/// A background behind the text: a band across the whole asset, or a box around the
/// text, with rounded corners.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Band {
    pub color: [u8; 4],
    /// Space between the text and the band's edge, as a fraction of the font size.
    pub padding: f32,
    /// Corner radius, as a fraction of the font size.
    pub radius: f32,
    /// True: the band spans the asset's whole width; false: a box around the text.
    pub full_width: bool,
}

impl Default for Band {
    fn default() -> Self {
        Self {
            color: [0, 0, 0, 170],
            padding: 0.3,
            radius: 0.25,
            full_width: false,
        }
    }
}

/// How big the text is.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SizeRule {
    /// The largest size, up to `Style::max_size`, that fits the zone in at most
    /// `Style::max_lines` lines.
    #[default]
    Fit,
    /// This size, as a fraction of the asset's height, wrapped at the zone's width.
    Fixed(f32),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Style {
    /// The bundled face; also what is drawn when `font` names no loaded kit font.
    pub face: Face,
    /// A font the kit ships, by the `family` its kit.json declares for it. Left out of
    /// the JSON when absent, so styles without one keep their exact bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub font: Option<String>,
    pub fill: [u8; 4],
    pub outline: Option<Outline>,
    pub align: Align,
    pub max_lines: u32,
    /// Line advance as a multiple of the font size.
    pub line_height: f32,
    pub uppercase: bool,
    /// Largest font size, as a fraction of the asset's height; the text shrinks from
    /// there until it fits the zone.
    pub max_size: f32,
    pub shadow: Option<Shadow>,
    pub band: Option<Band>,
    pub size: SizeRule,
}

impl Default for Style {
    fn default() -> Self {
        Self {
            face: Face::Poster,
            font: None,
            fill: [255, 255, 255, 255],
            outline: Some(Outline {
                color: [0, 0, 0, 255],
                width: 0.07,
            }),
            align: Align::Center,
            max_lines: 3,
            line_height: 1.1,
            uppercase: false,
            max_size: 0.085,
            shadow: None,
            band: None,
            size: SizeRule::Fit,
        }
    }
}

impl Style {
    /// How far ink may reach outside the glyph outlines, as a fraction of the font size.
    pub(crate) fn outline_reach(&self) -> f32 {
        self.outline
            .map(|outline| outline.width.clamp(0.0, 0.5))
            .unwrap_or(0.0)
    }
}
