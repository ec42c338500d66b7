//! Caption styles and zones as kit.json writes them. These are the kit format's own
//! types, with the format's own defaults; the renderer's types are reached through the
//! `From` conversions below, so a change in the renderer cannot silently change what a
//! signed kit means (a test checks the conversions field by field).

use serde::{Deserialize, Serialize};

use crate::render;

/// A rectangle relative to the asset (0..1 on both axes).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ZoneRect {
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
}

impl ZoneRect {
    /// Captions sit in a band along the bottom unless the kit says otherwise.
    pub const BOTTOM_BAND: ZoneRect = ZoneRect {
        x: 0.06,
        y: 0.74,
        width: 0.88,
        height: 0.20,
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum AlignSpec {
    Left,
    #[default]
    Center,
    Right,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum FaceSpec {
    #[default]
    Poster,
    Sans,
    SansBold,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct OutlineSpec {
    pub color: [u8; 4],
    pub width: f32,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ShadowSpec {
    pub color: [u8; 4],
    pub offset: [f32; 2],
    pub blur: f32,
}

impl Default for ShadowSpec {
    fn default() -> Self {
        Self {
            color: [0, 0, 0, 160],
            offset: [0.04, 0.06],
            blur: 0.08,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BandSpec {
    pub color: [u8; 4],
    pub padding: f32,
    pub radius: f32,
    pub full_width: bool,
}

impl Default for BandSpec {
    fn default() -> Self {
        Self {
            color: [0, 0, 0, 170],
            padding: 0.3,
            radius: 0.25,
            full_width: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SizeSpec {
    #[default]
    Fit,
    Fixed(f32),
}

/// A caption style. Field names and defaults are part of the signed format: see
/// docs/kit-format.md.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StyleSpec {
    pub face: FaceSpec,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub font: Option<String>,
    pub fill: [u8; 4],
    pub outline: Option<OutlineSpec>,
    pub align: AlignSpec,
    pub max_lines: u32,
    pub line_height: f32,
    pub uppercase: bool,
    pub max_size: f32,
    pub shadow: Option<ShadowSpec>,
    pub band: Option<BandSpec>,
    pub size: SizeSpec,
}

impl Default for StyleSpec {
    fn default() -> Self {
        Self {
            face: FaceSpec::Poster,
            font: None,
            fill: [255, 255, 255, 255],
            outline: Some(OutlineSpec {
                color: [0, 0, 0, 255],
                width: 0.07,
            }),
            align: AlignSpec::Center,
            max_lines: 3,
            line_height: 1.1,
            uppercase: false,
            max_size: 0.085,
            shadow: None,
            band: None,
            size: SizeSpec::Fit,
        }
    }
}

impl From<ZoneRect> for render::Zone {
    fn from(zone: ZoneRect) -> Self {
        render::Zone {
            x: zone.x,
            y: zone.y,
            width: zone.width,
            height: zone.height,
        }
    }
}

impl From<AlignSpec> for render::Align {
    fn from(align: AlignSpec) -> Self {
        match align {
            AlignSpec::Left => render::Align::Left,
            AlignSpec::Center => render::Align::Center,
            AlignSpec::Right => render::Align::Right,
        }
    }
}

impl From<FaceSpec> for render::Face {
    fn from(face: FaceSpec) -> Self {
        match face {
            FaceSpec::Poster => render::Face::Poster,
            FaceSpec::Sans => render::Face::Sans,
            FaceSpec::SansBold => render::Face::SansBold,
        }
    }
}

impl From<&StyleSpec> for render::Style {
    fn from(style: &StyleSpec) -> Self {
        render::Style {
            face: style.face.into(),
            font: style.font.clone(),
            fill: style.fill,
            outline: style.outline.map(|outline| render::Outline {
                color: outline.color,
                width: outline.width,
            }),
            align: style.align.into(),
            max_lines: style.max_lines,
            line_height: style.line_height,
            uppercase: style.uppercase,
            max_size: style.max_size,
            shadow: style.shadow.map(|shadow| render::Shadow {
                color: shadow.color,
                offset: shadow.offset,
                blur: shadow.blur,
            }),
            band: style.band.map(|band| render::Band {
                color: band.color,
                padding: band.padding,
                radius: band.radius,
                full_width: band.full_width,
            }),
            size: match style.size {
                SizeSpec::Fit => render::SizeRule::Fit,
                SizeSpec::Fixed(size) => render::SizeRule::Fixed(size),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_formats_default_style_is_the_renderers_default() {
        assert_eq!(
            render::Style::from(&StyleSpec::default()),
            render::Style::default(),
            "a kit that writes no style must keep drawing as it did: change both on purpose"
        );
    }

    #[test]
    fn every_style_field_reaches_the_renderer() {
        let spec: StyleSpec = serde_json::from_str(
            r#"{"face":"sans_bold","font":"Marianne","fill":[1,2,3,4],
                "outline":{"color":[5,6,7,8],"width":0.05},"align":"right","max_lines":2,
                "line_height":1.3,"uppercase":true,"max_size":0.05,
                "shadow":{"color":[9,9,9,9],"offset":[0.1,0.2],"blur":0.3},
                "band":{"color":[4,3,2,1],"padding":0.4,"radius":0.1,"full_width":true},
                "size":{"fixed":0.04}}"#,
        )
        .expect("a complete style in the kit format");
        let drawn = render::Style::from(&spec);
        let expected = render::Style {
            face: render::Face::SansBold,
            font: Some("Marianne".to_owned()),
            fill: [1, 2, 3, 4],
            outline: Some(render::Outline {
                color: [5, 6, 7, 8],
                width: 0.05,
            }),
            align: render::Align::Right,
            max_lines: 2,
            line_height: 1.3,
            uppercase: true,
            max_size: 0.05,
            shadow: Some(render::Shadow {
                color: [9, 9, 9, 9],
                offset: [0.1, 0.2],
                blur: 0.3,
            }),
            band: Some(render::Band {
                color: [4, 3, 2, 1],
                padding: 0.4,
                radius: 0.1,
                full_width: true,
            }),
            size: render::SizeRule::Fixed(0.04),
        };
        assert_eq!(
            drawn, expected,
            "each kit.json field lands in its render field"
        );
    }

    #[test]
    fn the_bottom_band_is_the_renderers_default_zone() {
        assert_eq!(
            render::Zone::from(ZoneRect::BOTTOM_BAND),
            render::Zone::default()
        );
    }
}
