//! How long an organizer's texts may be. Alt texts and post texts must post on every
//! network Relais sends to, so their limits come from the networks table; titles,
//! tags and caption suggestions have to fit a card and a poster.

use super::error::Error;
use super::types::{AssetEntry, Localized, LocalizedList};

use crate::networks::{for_network, Network};

const MAX_TITLE_CHARS: usize = 120;
const MAX_TAG_CHARS: usize = 40;
const MAX_TAGS: usize = 30;
/// Beyond this a caption cannot be read on a poster, whatever the font size.
const MAX_CAPTION_CHARS: usize = 140;

/// The strictest limit among the networks that have one.
fn strictest(limit: impl Fn(Network) -> Option<u32>) -> usize {
    Network::ALL
        .iter()
        .filter_map(|network| limit(*network))
        .min()
        .unwrap_or(u32::MAX) as usize
}

pub(super) fn check_asset(index: usize, asset: &AssetEntry) -> Result<(), Error> {
    let at = |name: &str| format!("assets[{index}].{name}");
    let max_alt = strictest(|network| for_network(network).text.max_alt_chars);
    let max_post = strictest(|network| for_network(network).text.max_post_chars);
    localized(&at("title"), &asset.title, MAX_TITLE_CHARS, "a title")?;
    localized(
        &at("alt"),
        &asset.alt,
        max_alt,
        "an image description on every network",
    )?;
    list(
        &at("captions"),
        &asset.captions,
        MAX_CAPTION_CHARS,
        "a caption on a poster",
    )?;
    list(
        &at("post_texts"),
        &asset.post_texts,
        max_post,
        "a post on every network",
    )?;
    if asset.tags.len() > MAX_TAGS {
        return Err(Error::Field {
            field: at("tags"),
            problem: format!("{} tags, at most {MAX_TAGS}", asset.tags.len()),
        });
    }
    for (tag_index, tag) in asset.tags.iter().enumerate() {
        within(
            &at(&format!("tags[{tag_index}]")),
            tag,
            MAX_TAG_CHARS,
            "a tag",
        )?;
    }
    Ok(())
}

pub(super) fn check_title(title: &Localized) -> Result<(), Error> {
    localized("title", title, MAX_TITLE_CHARS, "a title")
}

fn localized(field: &str, text: &Localized, max: usize, what: &str) -> Result<(), Error> {
    within(&format!("{field}.fr"), &text.fr, max, what)?;
    within(&format!("{field}.en"), &text.en, max, what)
}

fn list(field: &str, texts: &LocalizedList, max: usize, what: &str) -> Result<(), Error> {
    for (lang, items) in [("fr", &texts.fr), ("en", &texts.en)] {
        for (index, text) in items.iter().enumerate() {
            within(&format!("{field}.{lang}[{index}]"), text, max, what)?;
        }
    }
    Ok(())
}

fn within(field: &str, text: &str, max: usize, what: &str) -> Result<(), Error> {
    let count = text.chars().count();
    if count > max {
        return Err(Error::Field {
            field: field.to_owned(),
            problem: format!("{count} characters; at most {max} fit {what}"),
        });
    }
    Ok(())
}
