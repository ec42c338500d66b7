//! The post record, built once and written as it is on every attempt (createdAt
//! included), so a check after a lost answer compares like with like.

use serde_json::{json, Value};
use unicode_segmentation::UnicodeSegmentation;

use super::facets::facets;
use super::{Error, MAX_GRAPHEMES, MAX_TEXT_BYTES, POST_COLLECTION};
use crate::networks::post::Media;

/// A post's words as they will be written.
pub struct Draft<'a> {
    pub text: &'a str,
    pub langs: &'a [&'a str],
    pub created_at: &'a str,
}

/// Checks the text against the limits before anything is sent.
pub fn check_text(text: &str) -> Result<(), Error> {
    let graphemes = text.graphemes(true).count();
    if graphemes > MAX_GRAPHEMES || text.len() > MAX_TEXT_BYTES {
        return Err(Error::TextTooLong {
            graphemes,
            bytes: text.len(),
        });
    }
    Ok(())
}

/// The post record: text, #tag and link facets, languages, and the embed.
pub fn record(draft: &Draft<'_>, embed: Option<Value>) -> Value {
    let mut record = json!({
        "$type": POST_COLLECTION,
        "text": draft.text,
        "createdAt": draft.created_at,
    });
    let facets = facets(draft.text);
    if !facets.is_empty() {
        record["facets"] = Value::Array(facets);
    }
    if !draft.langs.is_empty() {
        record["langs"] = json!(draft.langs);
    }
    if let Some(embed) = embed {
        record["embed"] = embed;
    }
    record
}

fn aspect_ratio(media: &Media<'_>) -> Value {
    json!({"width": media.width, "height": media.height})
}

/// The images embed: each uploaded blob with its alt text and aspect ratio.
pub fn images_embed(images: &[(Value, &Media<'_>)]) -> Value {
    let images: Vec<Value> = images
        .iter()
        .map(|(blob, media)| {
            json!({
                "image": blob,
                "alt": media.alt,
                "aspectRatio": aspect_ratio(media),
            })
        })
        .collect();
    json!({"$type": "app.bsky.embed.images", "images": images})
}

/// The video embed of an animation: the app plays it as a GIF does (looping, silent,
/// no controls).
pub fn animation_embed(blob: Value, media: &Media<'_>) -> Value {
    json!({
        "$type": "app.bsky.embed.video",
        "video": blob,
        "alt": media.alt,
        "aspectRatio": aspect_ratio(media),
        "presentation": "gif",
    })
}

/// Where a written post lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub uri: String,
    pub cid: String,
}

impl Written {
    pub(super) fn from_answer(answer: &Value) -> Option<Self> {
        Some(Self {
            uri: answer.get("uri")?.as_str()?.to_owned(),
            cid: answer.get("cid")?.as_str()?.to_owned(),
        })
    }
}
