//! What the organizer's zones allow on an asset, applied to a remix coming from the
//! editor: the window is not trusted to keep locked captions in place.

use super::library::AssetSummary;
use crate::render::{Remix, ZoneRule};

impl AssetSummary {
    /// The asset's zones with their style resolved: a named kit style when the zone
    /// names one, then the zone's own overrides of line limit and alignment.
    pub fn zone_rules(&self) -> Vec<ZoneRule> {
        self.entry
            .zones
            .iter()
            .map(|zone| {
                let mut style = zone
                    .style_id
                    .as_deref()
                    .and_then(|id| self.styles.iter().find(|named| named.id == id))
                    .map(|named| named.style.clone())
                    .unwrap_or_else(|| zone.style.clone());
                if let Some(max_lines) = zone.max_lines {
                    style.max_lines = max_lines;
                }
                if let Some(align) = zone.align {
                    style.align = align;
                }
                ZoneRule {
                    zone: zone.zone.into(),
                    style: (&style).into(),
                    locked: zone.locked,
                }
            })
            .collect()
    }

    /// `remix` as the kit allows it: locked layers get their zone and style back, and
    /// layers of zones that may not move get their place back.
    pub fn constrain(&self, remix: Remix) -> Remix {
        let rules = self.zone_rules();
        let mut remix = remix.with_locks(&rules);
        for (layer, (rule, zone)) in remix
            .layers
            .iter_mut()
            .zip(rules.iter().zip(&self.entry.zones))
        {
            if !zone.movable {
                layer.zone = rule.zone;
            }
        }
        remix
    }
}
