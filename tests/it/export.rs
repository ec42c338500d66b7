//! Export: the one function the command line and the app's export call, which decides
//! whether an animation is decoded whole, up to its first frame, or frame by frame.

use relais::render::{
    decode_bytes, encode, export_drawn, render_drawn, Band, Decoding, Error, Layer, Limits,
    OutputFormat, Picture, Remix, Repeat, Style, Typesetter, Zone,
};

use crate::encode::photo_like_animation;
use crate::support::Pixels;

const WIDTH: u32 = 120;
const HEIGHT: u32 = 90;
const FRAMES: usize = 24;

/// Room for six decoded frames: enough to stream (a few working frames), far from
/// enough to hold all 24 at once.
fn tight_budget() -> Limits {
    Limits {
        max_animation_bytes: u64::from(WIDTH * HEIGHT * 4) * 6,
        ..Limits::default()
    }
}

/// The editor's two layers: a headline on a dark band at the top, a caption in the
/// bottom band.
fn two_layers() -> Remix {
    Remix {
        layers: vec![
            Layer {
                text: "ON VOTE".to_owned(),
                zone: Zone {
                    x: 0.05,
                    y: 0.04,
                    width: 0.9,
                    height: 0.22,
                },
                style: Style {
                    band: Some(Band {
                        color: [20, 20, 60, 255],
                        full_width: true,
                        ..Band::default()
                    }),
                    ..Style::default()
                },
                locked: true,
            },
            Layer {
                text: "Dimanche !".to_owned(),
                zone: Zone::BOTTOM_BAND,
                style: Style::default(),
                locked: false,
            },
        ],
    }
}

fn timing(picture: &Picture) -> (usize, Vec<u32>, Option<Repeat>) {
    match picture {
        Picture::Animation { frames, repeat } => (
            frames.len(),
            frames.iter().map(|frame| frame.delay_ms).collect(),
            Some(*repeat),
        ),
        Picture::Still(_) => (1, Vec::new(), None),
    }
}

fn frame(picture: &Picture, index: usize) -> Pixels {
    match picture {
        Picture::Animation { frames, .. } => {
            Pixels::of(&Picture::Still(frames[index].image.clone()))
        }
        Picture::Still(_) => Pixels::of(picture),
    }
}

#[test]
fn a_two_layer_remix_of_a_gif_over_the_budget_is_exported_frame_by_frame_keeping_its_timing() {
    let source = photo_like_animation(WIDTH, HEIGHT, FRAMES);
    let bytes = encode(&source, OutputFormat::Gif).expect("the test GIF encodes");
    let limits = tight_budget();
    assert!(
        matches!(
            decode_bytes(&bytes, "long.gif", &limits),
            Err(Error::AnimationTooLong { .. })
        ),
        "the test GIF must be over the budget decoded whole, or streaming proves nothing"
    );

    let dir = tempfile::tempdir().expect("temp dir");
    let output = dir.path().join("out.gif");
    let drawn = Typesetter::new().draw_remix(&two_layers(), WIDTH, HEIGHT);
    let decoding = export_drawn(
        &bytes,
        "long.gif",
        &drawn,
        OutputFormat::Gif,
        &output,
        &limits,
    )
    .expect("a GIF over the budget is still exported, frame by frame");
    assert_eq!(
        decoding,
        Decoding::Streamed,
        "over the budget, frames are decoded one at a time"
    );

    let written = std::fs::read(&output).expect("the export is written");
    let back = decode_bytes(&written, "out.gif", &Limits::default()).expect("the export decodes");
    let original = decode_bytes(&bytes, "long.gif", &Limits::default()).expect("source decodes");
    assert_eq!(
        timing(&back),
        timing(&original),
        "frame count, delays and loop count survive the streamed export"
    );
    for index in [0, FRAMES / 2, FRAMES - 1] {
        let (before, after) = (frame(&original, index), frame(&back, index));
        let headline = after.mean_abs_diff(&before, after.rows(0.05, 0.25));
        let caption = after.mean_abs_diff(&before, after.rows(0.78, 0.92));
        let middle = after.mean_abs_diff(&before, after.rows(0.35, 0.65));
        assert!(
            headline > 40.0,
            "frame {index}: the top layer's dark band is drawn ({headline:.1})"
        );
        assert!(
            caption > 4.0,
            "frame {index}: the bottom layer's caption is drawn ({caption:.1})"
        );
        assert!(
            middle < 2.0,
            "frame {index}: between the layers only quantization noise ({middle:.1})"
        );
    }
}

#[test]
fn streaming_and_decoding_whole_write_the_same_file() {
    let source = photo_like_animation(WIDTH, HEIGHT, FRAMES);
    let bytes = encode(&source, OutputFormat::Gif).expect("the test GIF encodes");
    let drawn = Typesetter::new().draw_remix(&two_layers(), WIDTH, HEIGHT);

    let (streamed, how) = render_drawn(
        &bytes,
        "long.gif",
        &drawn,
        OutputFormat::Gif,
        &tight_budget(),
    )
    .expect("streams");
    assert_eq!(how, Decoding::Streamed);
    let (whole, how) = render_drawn(
        &bytes,
        "long.gif",
        &drawn,
        OutputFormat::Gif,
        &Limits::default(),
    )
    .expect("decodes whole");
    assert_eq!(
        how,
        Decoding::Whole,
        "within the default budget: decoded whole"
    );
    assert!(
        streamed == whole,
        "the budget changes the memory used, never the file ({} vs {} bytes)",
        streamed.len(),
        whole.len()
    );
}

#[test]
fn a_long_gif_exported_as_a_still_decodes_only_its_first_frame() {
    let source = photo_like_animation(WIDTH, HEIGHT, FRAMES);
    let bytes = encode(&source, OutputFormat::Gif).expect("the test GIF encodes");
    let drawn = Typesetter::new().draw_remix(&two_layers(), WIDTH, HEIGHT);
    let (png, how) = render_drawn(
        &bytes,
        "long.gif",
        &drawn,
        OutputFormat::Png,
        &tight_budget(),
    )
    .expect("a PNG of a GIF over the budget needs only its first frame");
    assert_eq!(how, Decoding::FirstFrame);
    let still = decode_bytes(&png, "out.png", &Limits::default()).expect("the PNG decodes");
    assert!(!still.is_animated(), "PNG holds one frame");
    let first = decode_bytes(&bytes, "long.gif", &Limits::default()).expect("source decodes");
    let (before, after) = (frame(&first, 0), Pixels::of(&still));
    assert!(
        after.mean_abs_diff(&before, after.rows(0.05, 0.25)) > 40.0,
        "the captions are on the still"
    );
}

#[test]
fn captions_drawn_for_another_size_are_refused_not_misplaced() {
    let bytes = encode(&photo_like_animation(WIDTH, HEIGHT, 3), OutputFormat::Gif).unwrap();
    let drawn = Typesetter::new().draw_remix(&two_layers(), WIDTH * 2, HEIGHT);
    let error = render_drawn(
        &bytes,
        "a.gif",
        &drawn,
        OutputFormat::Gif,
        &Limits::default(),
    )
    .expect_err("layers laid out for 240x90 would land in the wrong place on 120x90");
    assert!(
        error.to_string().contains("a.gif"),
        "the message names the file: {error}"
    );
}
