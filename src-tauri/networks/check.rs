//! A post checked against an account's limits before anything is sent, with what is too
//! long or too big and by how much.

use unicode_segmentation::UnicodeSegmentation;

use super::limits::{Counting, TargetLimits, TextLimits};
use super::post::{Class, Classify, Post};

#[derive(
    Debug, Clone, PartialEq, Eq, thiserror::Error, strum::IntoStaticStr, strum::VariantNames,
)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum Problem {
    #[error("the text is {length} characters; {network} takes {max} ({over} too many)", over = length - max)]
    TextTooLong {
        network: &'static str,
        length: u32,
        max: u32,
    },
    #[error("the text is {bytes} bytes; {network} takes {max}")]
    TextTooManyBytes {
        network: &'static str,
        bytes: u32,
        max: u32,
    },
    #[error("{count} images; {network} takes {max} per post")]
    TooManyImages {
        network: &'static str,
        count: u32,
        max: u32,
    },
    #[error("the alt text of image {image} is {length} characters; {network} takes {max}")]
    AltTooLong {
        network: &'static str,
        image: u32,
        length: u32,
        max: u32,
    },
    #[error("image {image} is {bytes} bytes; {network} takes {max}")]
    ImageTooBig {
        network: &'static str,
        image: u32,
        bytes: u64,
        max: u64,
    },
    #[error("the post has neither text nor image")]
    Empty,
}

impl Classify for Problem {
    fn class(&self) -> Class {
        Class::Refused
    }
}

impl crate::messages::Describe for Problem {
    fn codes() -> Vec<String> {
        crate::messages::codes_of(
            "error.post_check",
            <Self as strum::VariantNames>::VARIANTS,
            &[],
        )
    }

    fn describe(&self) -> crate::messages::Message {
        let message =
            crate::messages::Message::new(format!("error.post_check.{}", <&str>::from(self)));
        match self {
            Problem::TextTooLong {
                network,
                length,
                max,
            } => message
                .text("network", network)
                .number("length", *length)
                .number("max", *max)
                .number("over", length - max),
            Problem::TextTooManyBytes {
                network,
                bytes,
                max,
            } => message
                .text("network", network)
                .number("bytes", *bytes)
                .number("max", *max)
                .number("over", bytes - max),
            Problem::TooManyImages {
                network,
                count,
                max,
            } => message
                .text("network", network)
                .number("count", *count)
                .number("max", *max),
            Problem::AltTooLong {
                network,
                image,
                length,
                max,
            } => message
                .text("network", network)
                .number("image", *image)
                .number("length", *length)
                .number("max", *max)
                .number("over", length - max),
            Problem::ImageTooBig {
                network,
                image,
                bytes,
                max,
            } => message
                .text("network", network)
                .number("image", *image)
                .size("size", *bytes)
                .size("max", *max),
            Problem::Empty => message,
        }
    }
}

/// The length of `text` as the network counts it.
pub fn length(text: &str, limits: &TextLimits) -> u32 {
    let count = |part: &str| -> usize {
        match limits.counting {
            Counting::Graphemes => part.graphemes(true).count(),
            Counting::Utf16 => part.encode_utf16().count(),
            Counting::Chars => part.chars().count(),
        }
    };
    let Some(url_length) = limits.url_length else {
        return saturate(count(text));
    };
    // Mastodon counts every http(s) link as `url_length`, whatever its length.
    let mut total = 0usize;
    for word in text.split_inclusive(char::is_whitespace) {
        let bare = word.trim_end_matches(char::is_whitespace);
        if (bare.starts_with("https://") || bare.starts_with("http://")) && bare.len() > 8 {
            total += url_length as usize + count(&word[bare.len()..]);
        } else {
            total += count(word);
        }
    }
    saturate(total)
}

fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Every limit `post` must meet on an account with `limits`; the first one it breaks.
pub fn check(post: &Post<'_>, limits: &TargetLimits) -> Result<(), Problem> {
    let network = limits.network.name();
    let text = &limits.text;
    if post.text.trim().is_empty() && post.media.is_empty() {
        return Err(Problem::Empty);
    }
    if let Some(max) = text.max_post_chars {
        let length = length(post.text, text);
        if length > max {
            return Err(Problem::TextTooLong {
                network,
                length,
                max,
            });
        }
    }
    if let Some(max) = text.max_post_bytes {
        let bytes = saturate(post.text.len());
        if bytes > max {
            return Err(Problem::TextTooManyBytes {
                network,
                bytes,
                max,
            });
        }
    }
    if let Some(max) = text.max_images {
        let count = saturate(post.media.len());
        if count > u32::from(max) {
            return Err(Problem::TooManyImages {
                network,
                count,
                max: u32::from(max),
            });
        }
    }
    for (index, media) in post.media.iter().enumerate() {
        let image = saturate(index + 1);
        if let Some(max) = text.max_alt_chars {
            let length = length(
                media.alt,
                &TextLimits {
                    url_length: None,
                    ..text.clone()
                },
            );
            if length > max {
                return Err(Problem::AltTooLong {
                    network,
                    image,
                    length,
                    max,
                });
            }
        }
        let max = limits.byte_limit(media.animated);
        let bytes = media.bytes.len() as u64;
        if bytes > max {
            return Err(Problem::ImageTooBig {
                network,
                image,
                bytes,
                max,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::networks::{for_network, Network};

    #[test]
    fn mastodon_counts_a_link_as_twenty_three_characters_whatever_its_length() {
        let text = for_network(Network::Mastodon).text;
        let link = format!("https://example.org/{}", "a".repeat(200));
        assert_eq!(length(&format!("Votez {link} !"), &text), 6 + 23 + 2);
    }

    #[test]
    fn telegram_counts_an_emoji_as_two_and_bluesky_as_one() {
        assert_eq!(length("🗳", &for_network(Network::Telegram).text), 2);
        assert_eq!(length("🗳", &for_network(Network::Bluesky).text), 1);
        assert_eq!(length("👩‍👩‍👧", &for_network(Network::Bluesky).text), 1);
    }
}
