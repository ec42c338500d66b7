//! A remix: the volunteer's caption layers over one asset, and the kit's zones that
//! place them. Locked zones keep the kit's place and style whatever the editor sends.

use serde::{Deserialize, Serialize};

use super::text::style::{Style, Zone};

/// One caption: the single-layer form the CLI and the demo kit use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Caption {
    pub text: String,
    pub zone: Zone,
    pub style: Style,
}

impl Caption {
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            zone: Zone::BOTTOM_BAND,
            style: Style::default(),
        }
    }
}

/// One caption layer. Every field may be omitted in JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Layer {
    pub text: String,
    pub zone: Zone,
    pub style: Style,
    /// Set from the kit: the layer's zone and style cannot be changed.
    pub locked: bool,
}

/// The caption layers drawn over an asset, bottom first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Remix {
    pub layers: Vec<Layer>,
}

impl From<Caption> for Layer {
    fn from(caption: Caption) -> Self {
        Layer {
            text: caption.text,
            zone: caption.zone,
            style: caption.style,
            locked: false,
        }
    }
}

impl From<Caption> for Remix {
    fn from(caption: Caption) -> Self {
        Remix {
            layers: vec![Layer::from(caption)],
        }
    }
}

/// A caption zone as the kit declares it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct ZoneRule {
    pub zone: Zone,
    pub style: Style,
    pub locked: bool,
}

impl Remix {
    /// The remix an asset opens with: one empty layer per kit zone, in the kit's order,
    /// or one layer in the bottom band when the kit gives no zone.
    pub fn from_zones(zones: &[ZoneRule]) -> Remix {
        if zones.is_empty() {
            return Remix {
                layers: vec![Layer::default()],
            };
        }
        Remix {
            layers: zones
                .iter()
                .map(|rule| Layer {
                    text: String::new(),
                    zone: rule.zone,
                    style: rule.style.clone(),
                    locked: rule.locked,
                })
                .collect(),
        }
    }

    /// The remix with the kit's locks enforced: layer `i` belongs to zone `i`; a locked
    /// zone's layer gets the kit's zone and style back (and is recreated, empty, if the
    /// editor dropped it). Layers beyond the kit's zones, or on free zones, are the
    /// volunteer's and are never locked.
    pub fn with_locks(mut self, zones: &[ZoneRule]) -> Remix {
        for (index, rule) in zones.iter().enumerate() {
            if !rule.locked {
                if let Some(layer) = self.layers.get_mut(index) {
                    layer.locked = false;
                }
                continue;
            }
            if index >= self.layers.len() {
                self.layers.resize_with(index + 1, Layer::default);
            }
            let layer = &mut self.layers[index];
            layer.zone = rule.zone;
            layer.style = rule.style.clone();
            layer.locked = true;
        }
        for layer in self.layers.iter_mut().skip(zones.len()) {
            layer.locked = false;
        }
        self
    }
}
