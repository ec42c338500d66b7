//! The ONE table of per-network limits, from the networks' public docs and server source
//! as summarized in NETWORKS.md (November 2026). Change numbers here and nowhere else.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Network {
    /// Mastodon 4.x defaults: 16 MiB images, 33,177,600 pixels.
    Mastodon,
    /// Older Mastodon servers: 10 MiB, 16,777,216 pixels.
    MastodonOlder,
    /// Bluesky images embed: 2,000,000 bytes.
    Bluesky,
    /// Bluesky servers still enforcing the former 1,000,000 bytes.
    BlueskyOlder,
    /// Telegram Bot API `sendPhoto` (and `sendAnimation` for GIFs).
    Telegram,
    /// A Discord webhook with the default per-file limit.
    Discord,
    /// Saving to the volunteer's own disk: no limit but the renderer's.
    LocalExport,
}

impl Network {
    /// The network's name as volunteers know it, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Network::Mastodon => "Mastodon",
            Network::MastodonOlder => "Mastodon (older server)",
            Network::Bluesky => "Bluesky",
            Network::BlueskyOlder => "Bluesky (older server)",
            Network::Telegram => "Telegram",
            Network::Discord => "Discord",
            Network::LocalExport => "Local export",
        }
    }

    pub const ALL: [Network; 7] = [
        Network::Mastodon,
        Network::MastodonOlder,
        Network::Bluesky,
        Network::BlueskyOlder,
        Network::Telegram,
        Network::Discord,
        Network::LocalExport,
    ];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaFormat {
    Png,
    Jpeg,
    Gif,
    WebP,
}

/// Limits on one image attachment. `None` means the network states no such limit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetLimits {
    /// Whose limits these are, so a refusal can name the network.
    pub network: Network,
    /// Largest still image file, in bytes.
    pub max_bytes: u64,
    /// Largest animated file, when it differs from `max_bytes` (Telegram sends GIFs as
    /// animations with their own limit).
    pub max_animation_bytes: Option<u64>,
    pub max_pixels: Option<u64>,
    pub max_width: Option<u32>,
    pub max_height: Option<u32>,
    /// Telegram: width + height.
    pub max_side_sum: Option<u32>,
    /// Longer side / shorter side.
    pub max_aspect_ratio: Option<f64>,
    /// Formats the network takes, in the order Relais prefers when it must convert.
    pub formats: Vec<MediaFormat>,
    /// True when an animated GIF posted there plays. False when the network would show
    /// only a still (Bluesky's images embed, which Relais uses): there an animation is
    /// fitted as its first frame.
    pub animation: bool,
    pub text: TextLimits,
}

/// How a network counts the length of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Counting {
    /// What a reader sees as one character (Bluesky; Mastodon 4, its links as
    /// `url_length` each).
    Graphemes,
    /// UTF-16 code units, as Telegram counts: an emoji is often two.
    Utf16,
    /// Unicode scalar values (Discord).
    Chars,
}

/// Post text limits, for the editor's counters and the check before sending.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TextLimits {
    /// In `counting` units.
    pub max_post_chars: Option<u32>,
    pub counting: Counting,
    /// A link counts as this many characters whatever its length (Mastodon: 23).
    pub url_length: Option<u32>,
    pub max_post_bytes: Option<u32>,
    pub max_alt_chars: Option<u32>,
    pub alt_required: bool,
    pub max_images: Option<u8>,
}

const MIB: u64 = 1024 * 1024;
/// The largest file Bluesky's video service takes (the official app's limit; its
/// lexicon allows larger blobs since 2025).
pub const BLUESKY_VIDEO_BYTES: u64 = 100_000_000;
const ALL_FORMATS: [MediaFormat; 4] = [
    MediaFormat::Jpeg,
    MediaFormat::Png,
    MediaFormat::WebP,
    MediaFormat::Gif,
];

pub fn for_network(network: Network) -> TargetLimits {
    let unlimited = TargetLimits {
        network,
        max_bytes: u64::MAX,
        max_animation_bytes: None,
        max_pixels: None,
        max_width: None,
        max_height: None,
        max_side_sum: None,
        max_aspect_ratio: None,
        formats: ALL_FORMATS.to_vec(),
        animation: true,
        text: TextLimits {
            max_post_chars: None,
            counting: Counting::Chars,
            url_length: None,
            max_post_bytes: None,
            max_alt_chars: None,
            alt_required: false,
            max_images: None,
        },
    };
    let mastodon_text = TextLimits {
        // Server defaults; GET /api/v2/instance may say otherwise.
        max_post_chars: Some(500),
        counting: Counting::Graphemes,
        url_length: Some(23),
        max_post_bytes: None,
        max_alt_chars: Some(1500),
        alt_required: false,
        max_images: Some(4),
    };
    let bluesky = |max_bytes| TargetLimits {
        max_bytes,
        // The images embed shows an animated GIF as a still image; animations play only
        // through the video service (app.bsky.embed.video), once it is found open to the
        // account: `with_bluesky_video`.
        animation: false,
        text: TextLimits {
            max_post_chars: Some(300),
            counting: Counting::Graphemes,
            url_length: None,
            max_post_bytes: Some(3000),
            max_alt_chars: None,
            alt_required: true,
            max_images: Some(4),
        },
        ..unlimited.clone()
    };
    // Animated GIFs play on Mastodon (converted to a looping video by the server),
    // Telegram (sent with sendAnimation) and Discord: `animation` stays true there.
    match network {
        Network::Mastodon => TargetLimits {
            max_bytes: 16 * MIB,
            max_pixels: Some(33_177_600),
            text: mastodon_text,
            ..unlimited
        },
        Network::MastodonOlder => TargetLimits {
            max_bytes: 10 * MIB,
            max_pixels: Some(16_777_216),
            text: mastodon_text,
            ..unlimited
        },
        Network::Bluesky => bluesky(2_000_000),
        Network::BlueskyOlder => bluesky(1_000_000),
        Network::Telegram => TargetLimits {
            // "10 MB": read as decimal megabytes, the stricter reading.
            max_bytes: 10_000_000,
            max_animation_bytes: Some(50_000_000),
            max_side_sum: Some(10_000),
            max_aspect_ratio: Some(20.0),
            text: TextLimits {
                max_post_chars: Some(1024),
                counting: Counting::Utf16,
                url_length: None,
                max_post_bytes: None,
                max_alt_chars: None,
                alt_required: false,
                // One photo or animation per message (an album cannot hold a GIF).
                max_images: Some(1),
            },
            ..unlimited
        },
        Network::Discord => TargetLimits {
            max_bytes: 10 * MIB,
            text: TextLimits {
                max_post_chars: Some(2000),
                counting: Counting::Chars,
                url_length: None,
                max_post_bytes: None,
                max_alt_chars: Some(1024),
                alt_required: false,
                max_images: None,
            },
            ..unlimited
        },
        Network::LocalExport => unlimited,
    }
}

/// A Mastodon-compatible server's own limits, as it announces them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerLimits {
    pub max_characters: u32,
    pub max_media: u8,
    pub url_length: u32,
    pub image_bytes: u64,
    pub image_pixels: u64,
    /// Animations become videos there; their own limit.
    pub video_bytes: Option<u64>,
    pub alt_characters: u32,
}

impl TargetLimits {
    /// Limits announced by a Mastodon server (`GET /api/v2/instance`), which override
    /// the defaults.
    pub fn mastodon_instance(image_size_limit: u64, image_matrix_limit: u64) -> Self {
        Self {
            max_bytes: image_size_limit,
            max_pixels: Some(image_matrix_limit),
            ..for_network(Network::Mastodon)
        }
    }

    /// Bluesky when the video service takes the account's animations: a GIF is sent as
    /// it is and plays.
    pub fn with_bluesky_video(self) -> Self {
        Self {
            animation: true,
            max_animation_bytes: Some(BLUESKY_VIDEO_BYTES),
            ..self
        }
    }

    /// The same limits where an animation would show as a still: it is fitted as one.
    pub fn without_animation(self) -> Self {
        Self {
            animation: false,
            max_animation_bytes: None,
            ..self
        }
    }

    /// Byte limit for a file that is (or is not) animated.
    pub fn byte_limit(&self, animated: bool) -> u64 {
        if animated {
            self.max_animation_bytes.unwrap_or(self.max_bytes)
        } else {
            self.max_bytes
        }
    }

    pub fn accepts(&self, format: MediaFormat) -> bool {
        self.formats.contains(&format)
    }
}
