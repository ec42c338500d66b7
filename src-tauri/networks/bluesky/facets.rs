//! Rich-text facets for #tags and links, with UTF-8 byte offsets as the protocol wants
//! (not characters: « é » is two bytes, an emoji four).

use serde_json::{json, Value};

/// Trailing characters a sentence adds after a link or a tag, not part of it.
fn trim_end(word: &str) -> &str {
    word.trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '»', '"', '\'', '…'])
}

/// The facets of `text`: each `#tag` (not all digits, at most 64 characters) and each
/// `http(s)://` link, in order.
pub fn facets(text: &str) -> Vec<Value> {
    let mut found = Vec::new();
    let mut offset = 0;
    for word in text.split_inclusive(char::is_whitespace) {
        let start = offset;
        offset += word.len();
        let bare = word.trim_end_matches(char::is_whitespace);
        let bare = bare.trim_start_matches(['(', '«', '"', '\'']);
        let lead = word.len() - word.trim_start_matches(['(', '«', '"', '\'']).len();
        let start = start + lead;
        if let Some(tag) = bare.strip_prefix('#') {
            let tag = trim_end(tag);
            if !tag.is_empty()
                && !tag.chars().all(|c| c.is_ascii_digit())
                && tag.chars().count() <= 64
            {
                found.push(json!({
                    "index": {"byteStart": start, "byteEnd": start + 1 + tag.len()},
                    "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": tag}],
                }));
            }
        } else if bare.starts_with("https://") || bare.starts_with("http://") {
            let link = trim_end(bare);
            if url::Url::parse(link).is_ok() {
                found.push(json!({
                    "index": {"byteStart": start, "byteEnd": start + link.len()},
                    "features": [{"$type": "app.bsky.richtext.facet#link", "uri": link}],
                }));
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::facets;

    fn spans(text: &str) -> Vec<&str> {
        facets(text)
            .iter()
            .map(|f| {
                let start = f["index"]["byteStart"].as_u64().unwrap() as usize;
                let end = f["index"]["byteEnd"].as_u64().unwrap() as usize;
                &text[start..end]
            })
            .collect()
    }

    #[test]
    fn tags_and_links_are_found_by_their_byte_offsets_after_accents_and_emoji() {
        let text = "Été 🗳️ : on vote ! #Législatives2026, infos (https://exemple.fr/vote?x=1). #42";
        assert_eq!(
            spans(text),
            ["#Législatives2026", "https://exemple.fr/vote?x=1"]
        );
    }
}
