//! Fit for network: the smallest change that makes a file acceptable, and the limits table.

use image::{Rgba, RgbaImage};
use relais::networks::{for_network, Network, TargetLimits};
use relais::render::fit::{fit_as, fit_first_frame, fit_for, Change, Error, JPEG_QUALITY_FLOOR};
use relais::render::{
    decode_bytes, encode, encode_still, Frame, Limits, OutputFormat, Picture, Repeat,
};

use crate::encode::photo_like_animation;

/// Detailed content (fine texture + gradients) that JPEG cannot squeeze much.
fn detailed_photo(width: u32, height: u32, grain: u32) -> RgbaImage {
    let mut seed = 0x2545_F491u32;
    RgbaImage::from_fn(width, height, |x, y| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        let noise = (seed % (grain * 2 + 1)) as i32 - grain as i32;
        let base = [
            (x * 255 / width) as i32,
            (y * 255 / height) as i32,
            (((x + y) / 3) % 256) as i32,
        ];
        let c = |v: i32| (v + noise).clamp(0, 255) as u8;
        Rgba([c(base[0]), c(base[1]), c(base[2]), 255])
    })
}

fn jpeg_size(image: &RgbaImage, quality: u8) -> usize {
    encode_still(image, OutputFormat::Jpeg { quality })
        .unwrap()
        .len()
}

#[test]
fn the_limits_table_holds_the_documented_numbers() {
    assert_eq!(for_network(Network::Bluesky).max_bytes, 2_000_000);
    assert_eq!(for_network(Network::BlueskyOlder).max_bytes, 1_000_000);
    assert!(
        !for_network(Network::Bluesky).animation,
        "Bluesky's images embed shows GIFs still"
    );
    assert_eq!(for_network(Network::Mastodon).max_bytes, 16 * 1024 * 1024);
    assert_eq!(for_network(Network::Mastodon).max_pixels, Some(33_177_600));
    assert_eq!(
        for_network(Network::MastodonOlder).max_pixels,
        Some(16_777_216)
    );
    let telegram = for_network(Network::Telegram);
    assert_eq!(
        (telegram.max_side_sum, telegram.max_aspect_ratio),
        (Some(10_000), Some(20.0))
    );
    assert_eq!(
        telegram.byte_limit(true),
        50_000_000,
        "animations go through sendAnimation"
    );
    assert_eq!(for_network(Network::Discord).max_bytes, 10 * 1024 * 1024);
}

#[test]
fn gifs_animate_everywhere_but_in_blueskys_images_embed() {
    for network in Network::ALL {
        let limits = for_network(network);
        let expected = !matches!(network, Network::Bluesky | Network::BlueskyOlder);
        assert_eq!(
            limits.animation, expected,
            "{network:?}: NETWORKS.md says GIFs play on Mastodon (as gifv), Telegram \
             (sendAnimation) and Discord, and show still in Bluesky's images embed"
        );
        assert_eq!(limits.network, network, "the limits know whose they are");
    }
}

#[test]
fn a_jpeg_that_already_fits_is_left_untouched() {
    let image = detailed_photo(600, 400, 10);
    let fitted = fit_as(
        &Picture::Still(image.clone()),
        OutputFormat::Jpeg { quality: 90 },
        &for_network(Network::Bluesky),
    )
    .unwrap();
    assert!(
        fitted.changes.is_empty(),
        "nothing to change: {:?}",
        fitted.changes
    );
    assert_eq!((fitted.width, fitted.height), (600, 400));
    assert!(
        fitted.bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
        "the output should be a JPEG"
    );
    // Untouched means encoded at the quality asked for, at full size: closer to the
    // original than a quality-80 encoding (the next step down a fit would take) gets.
    let error = mean_error(&fitted.bytes, &image);
    let at_80 = mean_error(
        &encode_still(&image, OutputFormat::Jpeg { quality: 80 }).unwrap(),
        &image,
    );
    assert!(
        error < at_80 * 0.9,
        "a fitting JPEG should keep quality 90: its error {error:.2} should be well under quality 80's {at_80:.2}"
    );
}

/// Mean absolute difference per channel between a decoded file and the original.
fn mean_error(bytes: &[u8], original: &RgbaImage) -> f64 {
    let Picture::Still(decoded) = decode_bytes(bytes, "fitted", &Limits::default()).unwrap() else {
        panic!("a JPEG decodes to a still")
    };
    assert_eq!(
        decoded.dimensions(),
        original.dimensions(),
        "same size as the original"
    );
    let total: u64 = decoded
        .pixels()
        .zip(original.pixels())
        .map(|(a, b)| (0..3).map(|c| u64::from(a[c].abs_diff(b[c]))).sum::<u64>())
        .sum();
    total as f64 / (original.width() * original.height() * 3) as f64
}

/// With the same picture, Bluesky's 2,000,000 bytes need only a lower quality, and the
/// older 1,000,000 a downscale: each the smallest change that works.
#[test]
fn bluesky_limits_are_met_with_the_smallest_necessary_change() {
    let image = detailed_photo(2600, 2000, 32);
    let at_90 = jpeg_size(&image, 90);
    assert!(
        at_90 > 2_000_000,
        "the test photo must be too big at quality 90 ({at_90})"
    );
    let picture = Picture::Still(image.clone());
    let preferred = OutputFormat::Jpeg { quality: 90 };

    let now = fit_as(&picture, preferred, &for_network(Network::Bluesky)).unwrap();
    assert!(now.bytes.len() <= 2_000_000);
    let [Change::JpegQuality { quality }] = now.changes[..] else {
        panic!(
            "a quality change alone should do at 2,000,000 bytes: {:?}",
            now.changes
        )
    };
    assert!(quality >= JPEG_QUALITY_FLOOR);
    assert_eq!(
        (now.width, now.height),
        (2600, 2000),
        "no downscale when quality suffices"
    );
    assert!(
        jpeg_size(&image, quality + 1) > 2_000_000,
        "quality {quality} is the highest that fits"
    );

    let older = fit_as(&picture, preferred, &for_network(Network::BlueskyOlder)).unwrap();
    assert!(older.bytes.len() <= 1_000_000);
    let Some(Change::Downscaled { from, to }) = older
        .changes
        .iter()
        .find(|c| matches!(c, Change::Downscaled { .. }))
    else {
        panic!(
            "1,000,000 bytes needs a downscale at the quality floor: {:?}",
            older.changes
        )
    };
    assert_eq!(*from, [2600, 2000]);
    assert_eq!([older.width, older.height], *to);
    // Not much smaller than necessary: 4% larger would not fit.
    let bigger = image::imageops::resize(
        &image,
        to[0] * 104 / 100,
        to[1] * 104 / 100,
        image::imageops::FilterType::CatmullRom,
    );
    assert!(
        jpeg_size(&bigger, JPEG_QUALITY_FLOOR) > 1_000_000,
        "downscaled to {to:?}, but 4% larger would also have fitted"
    );
    let messages: Vec<String> = older.changes.iter().map(ToString::to_string).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("downscaled from 2600x2000 to")),
        "{messages:?}"
    );
}

#[test]
fn an_opaque_png_too_big_becomes_a_full_size_jpeg_before_any_downscale() {
    let image = detailed_photo(1200, 900, 24);
    let fitted = fit_as(
        &Picture::Still(image),
        OutputFormat::Png,
        &for_network(Network::BlueskyOlder),
    )
    .unwrap();
    assert!(fitted.bytes.len() <= 1_000_000);
    assert_eq!(
        fitted.changes.first(),
        Some(&Change::Converted {
            from: "PNG",
            to: "JPEG"
        }),
        "{:?}",
        fitted.changes
    );
    assert_eq!((fitted.width, fitted.height), (1200, 900));
}

#[test]
fn telegram_keeps_width_plus_height_within_10000() {
    let image = RgbaImage::from_pixel(9000, 1500, Rgba([200, 40, 40, 255]));
    let fitted = fit_for(&Picture::Still(image), &for_network(Network::Telegram)).unwrap();
    assert!(
        fitted.width + fitted.height <= 10_000,
        "{}x{}",
        fitted.width,
        fitted.height
    );
    assert!(
        fitted.width + fitted.height > 9_950,
        "only as small as the rule needs: {}x{}",
        fitted.width,
        fitted.height
    );
    let back = decode_bytes(&fitted.bytes, "fitted", &Limits::default()).unwrap();
    assert_eq!(
        back.dimensions(),
        (fitted.width, fitted.height),
        "the file is what the report says"
    );
}

#[test]
fn telegram_refuses_a_strip_longer_than_20_to_1_with_a_clear_error() {
    let image = RgbaImage::from_pixel(2100, 100, Rgba([0, 0, 0, 255]));
    let error = fit_for(&Picture::Still(image), &for_network(Network::Telegram)).unwrap_err();
    assert!(matches!(error, Error::TooElongated { .. }));
    assert!(
        error.to_string().contains("Crop"),
        "says what to do: {error}"
    );
}

#[test]
fn bluesky_gets_the_first_frame_of_an_animation() {
    let animation = photo_like_animation(120, 90, 5);
    let fitted = fit_for(&animation, &for_network(Network::Bluesky)).unwrap();
    assert_eq!(fitted.changes, [Change::AnimationToStill { frames: 5 }]);
    assert_ne!(
        fitted.format,
        OutputFormat::Gif,
        "an opaque first frame is best as JPEG"
    );
    let back = decode_bytes(&fitted.bytes, "still", &Limits::default()).unwrap();
    assert!(!back.is_animated());
}

/// Discord's limits with a smaller byte limit, as a small server might have.
fn discord_with(max_bytes: u64) -> TargetLimits {
    TargetLimits {
        max_bytes,
        ..for_network(Network::Discord)
    }
}

fn timing(picture: &Picture) -> (usize, Vec<u32>) {
    match picture {
        Picture::Animation { frames, .. } => {
            (frames.len(), frames.iter().map(|f| f.delay_ms).collect())
        }
        Picture::Still(_) => (1, Vec::new()),
    }
}

#[test]
fn an_animation_that_fits_is_left_untouched() {
    let animation = photo_like_animation(160, 120, 8);
    let mastodon = fit_for(&animation, &for_network(Network::Mastodon)).unwrap();
    assert!(mastodon.changes.is_empty(), "{:?}", mastodon.changes);
    assert_eq!(mastodon.format, OutputFormat::Gif);
}

#[test]
fn an_animation_too_big_for_a_network_that_plays_gifs_is_downscaled_just_enough() {
    let animation = photo_like_animation(240, 180, 12);
    let full = encode(&animation, OutputFormat::Gif).unwrap().len() as u64;
    let limits = discord_with(full * 7 / 10);
    let fitted = fit_for(&animation, &limits).unwrap();
    assert_eq!(
        fitted.format,
        OutputFormat::Gif,
        "Discord plays GIFs: it stays one"
    );
    assert!(fitted.bytes.len() as u64 <= limits.max_bytes);
    assert_eq!(
        fitted.changes,
        [Change::Downscaled {
            from: [240, 180],
            to: [fitted.width, fitted.height]
        }],
        "70% of the bytes needs a mild downscale, not dropped frames"
    );
    assert!(
        fitted.width >= 180,
        "only as small as needed: {}x{}",
        fitted.width,
        fitted.height
    );
    let back = decode_bytes(&fitted.bytes, "fitted.gif", &Limits::default()).unwrap();
    assert_eq!(
        timing(&back),
        timing(&animation),
        "every frame is kept with its delay"
    );
}

#[test]
fn an_animation_that_fits_nowhere_animated_is_refused_naming_the_network_and_what_to_do() {
    let animation = photo_like_animation(160, 120, 8);
    let limits = discord_with(6_000);
    let error = fit_for(&animation, &limits).expect_err(
        "no animated GIF of at least 64 px fits 6,000 bytes, and a still was not asked for",
    );
    let Error::AnimationTooBig {
        network,
        width,
        height,
        bytes,
        max_bytes,
        ..
    } = error
    else {
        panic!("expected AnimationTooBig, got {error}");
    };
    assert_eq!(network, Network::Discord);
    assert_eq!(max_bytes, 6_000);
    assert!(
        bytes > 6_000,
        "the size reported is over the limit: {bytes}"
    );
    assert_eq!(
        width.min(height),
        64,
        "the smallest size Relais allows was tried"
    );
    let message = error.to_string();
    for needed in ["Discord", "6 KB", "shorter", "first frame"] {
        assert!(
            message.contains(needed),
            "the message says {needed:?}: {message}"
        );
    }

    let still = fit_first_frame(&animation, OutputFormat::Gif, &limits)
        .expect("asked explicitly, the first frame is posted instead");
    assert!(still.bytes.len() <= 6_000);
    assert_eq!(
        still.changes.first(),
        Some(&Change::AnimationToStill { frames: 8 }),
        "the still is reported as such: {:?}",
        still.changes
    );
    let back = decode_bytes(&still.bytes, "still", &Limits::default()).unwrap();
    assert!(!back.is_animated());
}

#[test]
fn an_animation_whose_frames_barely_differ_is_only_downscaled_even_to_a_small_size() {
    let animation = photo_like_animation(480, 360, 12);
    let full = encode(&animation, OutputFormat::Gif).unwrap().len() as u64;
    // About a third of the width with every frame; half the frames would save little,
    // since the first image makes most of the bytes.
    let limits = discord_with(full / 8);
    let fitted = fit_for(&animation, &limits).unwrap();
    assert!(fitted.bytes.len() as u64 <= limits.max_bytes);
    assert!(
        fitted.width < 240,
        "the test needs a downscale below half the size: {}",
        fitted.width
    );
    assert!(
        !fitted
            .changes
            .iter()
            .any(|c| matches!(c, Change::FramesDropped { .. })),
        "no frame is dropped when that would not make it clearly larger: {:?}",
        fitted.changes
    );
    let back = decode_bytes(&fitted.bytes, "small.gif", &Limits::default()).unwrap();
    assert_eq!(timing(&back), timing(&animation));
}

/// Every pixel changes every frame: the frames, not the first image, make the bytes,
/// which is when dropping half of them pays.
fn restless_animation(width: u32, height: u32, frames: usize) -> Picture {
    let frames = (0..frames)
        .map(|index| {
            let mut seed = 0x9E37_79B9u32 ^ (index as u32).wrapping_mul(0x85EB_CA6B);
            let image = RgbaImage::from_fn(width, height, |_, _| {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                let [r, g, b, _] = seed.to_le_bytes();
                Rgba([r, g, b, 255])
            });
            Frame {
                image,
                delay_ms: [40, 60][index % 2],
            }
        })
        .collect();
    Picture::Animation {
        frames,
        repeat: Repeat::Infinite,
    }
}

#[test]
fn every_other_frame_is_dropped_only_when_it_keeps_the_animation_clearly_larger() {
    let animation = restless_animation(200, 150, 16);
    let full = encode(&animation, OutputFormat::Gif).unwrap().len() as u64;
    // A tenth of the bytes: keeping all frames would shrink it to about a third.
    let limits = discord_with(full / 10);
    let fitted = fit_for(&animation, &limits).unwrap();
    assert!(fitted.bytes.len() as u64 <= limits.max_bytes);
    assert_eq!(
        fitted.changes.first(),
        Some(&Change::FramesDropped { from: 16, to: 8 }),
        "{:?}",
        fitted.changes
    );
    let back = decode_bytes(&fitted.bytes, "thinned.gif", &Limits::default()).unwrap();
    let (count, delays) = timing(&back);
    assert_eq!(count, 8, "half the frames are in the file");
    assert!(
        delays.iter().all(|&d| d == 100),
        "each kept frame shows for its delay plus the dropped one's: {delays:?}"
    );
    let Picture::Animation { frames, .. } = &animation else {
        unreachable!()
    };
    let every = Picture::Animation {
        frames: frames
            .iter()
            .map(|frame| Frame {
                image: image::imageops::resize(
                    &frame.image,
                    fitted.width * 9 / 10,
                    fitted.height * 9 / 10,
                    image::imageops::FilterType::CatmullRom,
                ),
                delay_ms: frame.delay_ms,
            })
            .collect(),
        repeat: Repeat::Infinite,
    };
    assert!(
        encode(&every, OutputFormat::Gif).unwrap().len() as u64 > limits.max_bytes,
        "with every frame, even 90% of the thinned animation's size would not fit"
    );
}

#[test]
fn an_impossible_target_is_refused_with_a_clear_error() {
    let image = detailed_photo(300, 300, 40);
    let limits = TargetLimits {
        max_bytes: 200,
        ..for_network(Network::LocalExport)
    };
    let error = fit_for(&Picture::Still(image), &limits).unwrap_err();
    assert!(matches!(error, Error::TooBig { .. }), "{error}");
    assert!(
        error.to_string().contains("200 bytes"),
        "names the limit: {error}"
    );
}

#[test]
fn a_server_pixel_limit_downscales_just_under_it() {
    let image = RgbaImage::from_pixel(1600, 1000, Rgba([10, 120, 60, 255]));
    let limits = TargetLimits::mastodon_instance(16 * 1024 * 1024, 1_000_000);
    let fitted = fit_as(&Picture::Still(image), OutputFormat::Png, &limits).unwrap();
    let pixels = u64::from(fitted.width) * u64::from(fitted.height);
    assert!(
        pixels <= 1_000_000 && pixels > 990_000,
        "{}x{}",
        fitted.width,
        fitted.height
    );
    assert_eq!(fitted.format, OutputFormat::Png, "PNG is kept when it fits");
}

#[test]
fn media_is_fitted_to_each_account_s_own_limits_not_only_its_network_s() {
    use relais::accounts::{limits, Kind, Settings};
    use relais::networks::ServerLimits;
    let picture = Picture::Still(detailed_photo(900, 700, 40));
    let full = encode_still(picture.first_frame(), OutputFormat::Png)
        .unwrap()
        .len() as u64;
    let small_server = Settings {
        server_limits: Some(ServerLimits {
            max_characters: 500,
            max_media: 4,
            url_length: 23,
            image_bytes: full / 4,
            image_pixels: 16_777_216,
            video_bytes: None,
            alt_characters: 1500,
        }),
        ..Settings::default()
    };
    let fitted = fit_for(&picture, &limits(Kind::Mastodon, &small_server)).unwrap();
    assert!(
        fitted.bytes.len() as u64 <= full / 4,
        "a Mastodon server that announces a smaller limit gets a smaller file: {} > {}",
        fitted.bytes.len(),
        full / 4
    );
    // A Discord server boosted to a larger upload limit gets the picture as it is; the
    // same server unboosted, at a limit under that file, gets a smaller one.
    let boosted = Settings {
        upload_limit: Some(50 * 1024 * 1024),
        ..Settings::default()
    };
    let untouched = fit_for(&picture, &limits(Kind::Discord, &boosted)).unwrap();
    assert!(untouched.changes.is_empty(), "{:?}", untouched.changes);
    let tight = Settings {
        upload_limit: Some(untouched.bytes.len() as u64 / 2),
        ..Settings::default()
    };
    let fitted = fit_for(&picture, &limits(Kind::Discord, &tight)).unwrap();
    assert!(
        !fitted.changes.is_empty() && fitted.bytes.len() <= untouched.bytes.len() / 2,
        "the account's own upload limit is the one met"
    );
}
