//! End to end in the real window: dragging caption boxes, several layers, drafts after a
//! restart, library search, the Kits view. Same harness as `e2e` (tauri-driver under Xvfb,
//! throwaway data folders, screenshots in target/test-output/e2e/).

use std::path::Path;
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, MouseActions, PointerAction, MOUSE_BUTTON_LEFT};
use fantoccini::Locator;
use serde_json::json;

use super::e2e::{decode, Session};

const POSTER: &str = "dimanche-on-vote";
const CAPTION: &str = "ICI ET MAINTENANT";
const DRAG_STEPS: usize = 20;
const DRAG_STEP_PX: f64 = -12.0;

/// The relative rectangle of layer `index`'s box, as the editor placed it.
async fn box_zone(session: &Session, index: usize) -> [f64; 4] {
    let value = session
        .client
        .execute(
            "const b = document.querySelector(`.layer-box[data-layer='${arguments[0]}']`); return [b.style.left, b.style.top, b.style.width, b.style.height].map(v => parseFloat(v) / 100);",
            vec![json!(index)],
        )
        .await
        .expect("read the box position");
    let numbers: Vec<f64> = serde_json::from_value(value).expect("four numbers");
    [numbers[0], numbers[1], numbers[2], numbers[3]]
}

async fn open_poster(session: &Session) -> u64 {
    session
        .until("the poster card", || async {
            session
                .client
                .find(Locator::Css(&format!(".asset-card[data-asset='{POSTER}']")))
                .await
                .ok()
        })
        .await
        .click()
        .await
        .expect("open the poster");
    session
        .until("the first preview", || async {
            let revision = session.revision().await;
            (revision > 0).then_some(revision)
        })
        .await
}

/// Waits until the preview shows `text` and no render is running, so the image is final.
async fn settled(session: &Session, text: &str) {
    session
        .until("the preview to settle", || async {
            let shown = session.attr("#preview", "data-text").await?;
            let busy = session.attr("#preview-stage", "aria-busy").await;
            (shown == text && busy.is_none()).then_some(())
        })
        .await;
}

/// The app exits a moment after its session ends; its lock on the data folder goes with it.
async fn store_when_released(data: &Path) -> relais::db::Store {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        match relais::db::Store::open(data) {
            Ok(store) => return store,
            Err(relais::db::Error::InUse { .. }) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(error) => panic!("the app should release the data folder when it closes: {error}"),
        }
    }
}

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caption_box_dragged_in_the_real_window_lands_where_it_was_dropped_in_the_export() {
    let data = tempfile::tempdir().expect("temp data dir");
    let exports = tempfile::tempdir().expect("temp export dir");
    let export_path = exports.path().join("deplace.png");
    let Some(session) = Session::start(&[
        ("RELAIS_DATA_DIR", data.path()),
        ("RELAIS_SAVE_DIALOG_ANSWER", &export_path),
    ])
    .await
    else {
        return;
    };
    let first = open_poster(&session).await;

    // Typing: the preview follows each keystroke.
    let field = session
        .client
        .find(Locator::Css("#caption-input"))
        .await
        .expect("the first layer's field");
    field.click().await.expect("focus the field");
    field.send_keys(CAPTION).await.expect("type the caption");
    settled(&session, CAPTION).await;
    assert!(
        session.revision().await > first,
        "the preview was re-rendered while typing"
    );
    let before = box_zone(&session, 0).await;

    // Drag the box up by 20 small moves, as a hand would.
    session
        .client
        .execute(
            "window.__relaisLatencies.length = 0; window.__relaisRenderTimes.length = 0",
            vec![],
        )
        .await
        .expect("reset the latency samples");
    let layer_box = session
        .client
        .find(Locator::Css(".layer-box[data-layer='0']"))
        .await
        .expect("the caption box");
    let mut mouse = MouseActions::new("mouse".into())
        .then(PointerAction::MoveToElement {
            element: layer_box,
            duration: None,
            x: 0.0,
            y: 0.0,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        });
    for _ in 0..DRAG_STEPS {
        mouse = mouse
            .then(PointerAction::MoveBy {
                duration: Some(Duration::from_millis(40)),
                x: 0.0,
                y: DRAG_STEP_PX,
            })
            .then(PointerAction::Pause {
                duration: Duration::from_millis(40),
            });
    }
    mouse = mouse.then(PointerAction::Up {
        button: MOUSE_BUTTON_LEFT,
    });
    session
        .client
        .perform_actions(mouse)
        .await
        .expect("drag the caption box");
    let revision_after_drop = session.revision().await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    settled(&session, CAPTION).await;
    let after = box_zone(&session, 0).await;
    assert!(
        after[1] < before[1] - 0.2,
        "the box moved up with the pointer: from {before:?} to {after:?}"
    );
    assert!(
        (after[0] - before[0]).abs() < 0.03,
        "a vertical drag keeps the box's horizontal position (snapping aside): {before:?} -> {after:?}"
    );
    // Arrow keys nudge the focused box: three small steps up.
    let focused_box = session
        .client
        .find(Locator::Css(".layer-box[data-layer='0']"))
        .await
        .expect("the caption box");
    for _ in 0..3 {
        focused_box
            .send_keys(&fantoccini::key::Key::Up.to_string())
            .await
            .expect("press the up arrow");
    }
    settled(&session, CAPTION).await;
    let nudged = box_zone(&session, 0).await;
    assert!(
        (after[1] - nudged[1] - 0.015).abs() < 0.002 && (after[0] - nudged[0]).abs() < 1e-6,
        "three presses of the up arrow move the box up by 3 x 0.5 %: {after:?} -> {nudged:?}"
    );
    let after = nudged;
    let samples: Vec<f64> = serde_json::from_value(
        session
            .client
            .execute("return window.__relaisLatencies.slice()", vec![])
            .await
            .expect("read the latency samples"),
    )
    .expect("numbers");
    let ipc: Vec<f64> = serde_json::from_value(
        session
            .client
            .execute("return window.__relaisRenderTimes.slice()", vec![])
            .await
            .expect("read the render times"),
    )
    .expect("numbers");
    assert!(
        samples.len() >= 3 && revision_after_drop > first,
        "the preview was re-rendered during the drag, not only after it: {samples:?}"
    );
    eprintln!(
        "drag latency (pointer move -> decoded preview swapped in, IPC included): median {:.1} ms over {} renders for {DRAG_STEPS} moves (min {:.1}, max {:.1})",
        median(samples.clone()),
        samples.len(),
        samples.iter().copied().fold(f64::INFINITY, f64::min),
        samples.iter().copied().fold(0.0, f64::max),
    );
    eprintln!(
        "of which render_preview round trip (IPC + render + JPEG): median {:.1} ms over {} calls",
        median(ipc.clone()),
        ipc.len()
    );

    // A second layer: added from the side panel, with its own text.
    session
        .client
        .find(Locator::Css("#add-layer"))
        .await
        .expect("the add-a-text button")
        .click()
        .await
        .expect("add a layer");
    let second = session
        .until("the second layer's field", || async {
            session
                .client
                .find(Locator::Css("#caption-input-1"))
                .await
                .ok()
        })
        .await;
    second
        .send_keys("Et toi ?")
        .await
        .expect("type the second caption");
    settled(&session, &format!("{CAPTION}\nEt toi ?")).await;
    let shot = session.screenshot("editor-two-layers-fr.png").await;
    // Undo takes the second text back out; redo restores it.
    session
        .client
        .find(Locator::Css("#undo-button"))
        .await
        .expect("undo button")
        .click()
        .await
        .expect("undo");
    settled(&session, CAPTION).await;
    session
        .client
        .find(Locator::Css("#redo-button"))
        .await
        .expect("redo button")
        .click()
        .await
        .expect("redo");
    let both = format!("{CAPTION}\nEt toi ?");
    settled(&session, &both).await;
    let second_zone = box_zone(&session, 1).await;

    // Remove the second layer again so the export holds only the dragged caption.
    session
        .client
        .find(Locator::Css(
            ".layer-row[data-layer='1'] [data-action='remove']",
        ))
        .await
        .expect("remove button of the second layer")
        .click()
        .await
        .expect("remove the second layer");
    settled(&session, CAPTION).await;

    // « Copier l'image » renders the full-size image onto the X11 clipboard.
    session
        .client
        .find(Locator::Css("#copy-button"))
        .await
        .expect("copy button")
        .click()
        .await
        .expect("copy the image");
    session
        .until("the copy confirmation", || async {
            let status = session.text("#status").await?;
            status.contains("presse-papiers").then_some(())
        })
        .await;

    session
        .client
        .find(Locator::Css("#export-button"))
        .await
        .expect("export button")
        .click()
        .await
        .expect("export");
    let export_display = export_path.display().to_string();
    session
        .until("the export confirmation", || async {
            let status = session.text("#status").await?;
            status.contains(&export_display).then_some(())
        })
        .await;
    // Let the draft (saved a moment after the last edit) reach the database.
    tokio::time::sleep(Duration::from_millis(800)).await;
    session
        .client
        .clone()
        .close()
        .await
        .expect("end the session");
    drop(session);

    let store = store_when_released(data.path()).await;
    let asset = relais::kit::find_asset(&store, "relais-demo", POSTER).expect("demo poster");
    let source = decode(&store.blobs().path(&asset.entry.sha256).expect("blob path"));
    drop(store);
    let exported = decode(&export_path);
    assert_eq!(
        exported.dimensions(),
        source.dimensions(),
        "full-size export"
    );
    let (width, height) = source.dimensions();
    let inside = |x: u32, y: u32, zone: [f64; 4], margin: f64| {
        let (fx, fy) = (
            f64::from(x) / f64::from(width),
            f64::from(y) / f64::from(height),
        );
        fx >= zone[0] - margin
            && fx <= zone[0] + zone[2] + margin
            && fy >= zone[1] - margin
            && fy <= zone[1] + zone[3] + margin
    };
    let (mut in_drop, mut in_old_band, mut elsewhere) = (0u64, 0u64, 0u64);
    for (x, y, pixel) in exported.enumerate_pixels() {
        if pixel.0 == source.get_pixel(x, y).0 {
            continue;
        }
        if inside(x, y, after, 0.02) {
            in_drop += 1;
        } else if inside(x, y, before, 0.0) {
            in_old_band += 1;
        } else {
            elsewhere += 1;
        }
    }
    assert!(
        in_drop > u64::from(width) * 10,
        "the caption is drawn where the box was dropped ({after:?}): {in_drop} pixels changed there"
    );
    assert_eq!(
        in_old_band, 0,
        "nothing is left in the original band ({before:?}) once the box has moved"
    );
    assert_eq!(
        elsewhere, 0,
        "the removed second layer ({second_zone:?}) and the rest of the poster are untouched"
    );

    // A restart brings the draft back: same text, same place.
    let Some(session) = Session::start(&[("RELAIS_DATA_DIR", data.path())]).await else {
        return;
    };
    open_poster(&session).await;
    let restored = session
        .until("the restored draft", || async {
            let value = session
                .client
                .execute(
                    "const f = document.querySelector('#caption-input'); return f ? f.value : null",
                    vec![],
                )
                .await
                .ok()?;
            (value == json!(CAPTION)).then_some(value)
        })
        .await;
    assert_eq!(restored, json!(CAPTION), "the caption survives a restart");
    let zone = box_zone(&session, 0).await;
    assert!(
        zone.iter().zip(after).all(|(a, b)| (a - b).abs() < 0.001),
        "the box is where it was dropped before the restart: {zone:?} vs {after:?}"
    );
    assert!(
        decode(&shot).width() > 0,
        "{} is a real screenshot",
        shot.display()
    );
    eprintln!("screenshot: {}", shot.display());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn searching_ete_without_accents_finds_the_posters_that_say_ete_and_hides_the_others() {
    let data = tempfile::tempdir().expect("temp data dir");
    let Some(session) = Session::start(&[("RELAIS_DATA_DIR", data.path())]).await else {
        return;
    };
    session
        .until("the demo kit's cards", || async {
            let cards = session
                .client
                .find_all(Locator::Css(".asset-card"))
                .await
                .ok()?;
            (cards.len() == 6).then_some(())
        })
        .await;
    // The animated GIF plays on hover: its still thumbnail is swapped for the original.
    let still = session
        .attr(".asset-card[data-asset='a-vos-urnes'] img", "src")
        .await
        .unwrap_or_default();
    // Hovered again on each try: a grid redrawn under the pointer (the library reloads
    // when a kit check ends) gets no new mouseenter until the pointer moves onto it.
    session
        .until("the GIF to play on hover", || async {
            let card = session
                .client
                .find(Locator::Css(".asset-card[data-asset='a-vos-urnes']"))
                .await
                .ok()?;
            let elsewhere = session
                .client
                .find(Locator::Css("#library-search"))
                .await
                .ok()?;
            let _ = session
                .client
                .perform_actions(
                    MouseActions::new("mouse".into())
                        .then(PointerAction::MoveToElement {
                            element: elsewhere,
                            duration: None,
                            x: 0.0,
                            y: 0.0,
                        })
                        .then(PointerAction::MoveToElement {
                            element: card,
                            duration: None,
                            x: 0.0,
                            y: 0.0,
                        }),
                )
                .await;
            tokio::time::sleep(Duration::from_millis(300)).await;
            let src = session
                .attr(".asset-card[data-asset='a-vos-urnes'] img", "src")
                .await?;
            let class = session
                .attr(".asset-card[data-asset='a-vos-urnes']", "class")
                .await?;
            (src != still && class.contains("is-playing")).then_some(())
        })
        .await;

    let search = session
        .client
        .find(Locator::Css("#library-search"))
        .await
        .expect("the search field");
    search.click().await.expect("focus search");
    search.send_keys("ete").await.expect("type the query");
    let visible = session
        .until("the filtered grid", || async {
            let value = session
                .client
                .execute(
                    "return [...document.querySelectorAll('.asset-card')].filter(c => !c.hidden).map(c => c.dataset.asset).sort()",
                    vec![],
                )
                .await
                .ok()?;
            (value.as_array()?.len() < 6).then_some(value)
        })
        .await;
    // « Déjà l'été ? On vote ! » and « Été 2026 : je vote » are suggested captions of
    // these two posters; no other demo asset has « été » in its title, tags or captions.
    assert_eq!(
        visible,
        json!(["dimanche-on-vote", "premiere-fois"]),
        "« ete » matches « été » and « Été », and nothing else"
    );
    // Thumbnails load lazily: wait for the two left visible before taking the picture.
    session
        .until("the visible thumbnails", || async {
            let loaded = session
                .client
                .execute(
                    "return [...document.querySelectorAll('.asset-card:not([hidden]) img')].every(i => i.complete && i.naturalWidth > 0)",
                    vec![],
                )
                .await
                .ok()?;
            (loaded == json!(true)).then_some(())
        })
        .await;
    let count = session.text("#library-count").await.unwrap_or_default();
    assert!(
        count.contains('2'),
        "the count says how many match: {count}"
    );
    let shot = session.screenshot("library-search-ete-fr.png").await;

    // A tag chip narrows further; the kit filter is hidden with a single kit.
    session
        .client
        .find(Locator::Css(".tag-filter[data-tag='jeunes']"))
        .await
        .expect("the « jeunes » tag chip")
        .click()
        .await
        .expect("filter by tag");
    let tagged = session
        .client
        .execute(
            "return [...document.querySelectorAll('.asset-card')].filter(c => !c.hidden).map(c => c.dataset.asset)",
            vec![],
        )
        .await
        .expect("read the grid");
    assert_eq!(
        tagged,
        json!(["premiere-fois"]),
        "text and tag filters combine"
    );

    // The Kits view lists the demo kit.
    session
        .client
        .find(Locator::Css("#nav-kits"))
        .await
        .expect("Kits tab")
        .click()
        .await
        .expect("open the Kits view");
    session
        .until("the demo kit in the Kits view", || async {
            let text = session.text(".kit-card[data-kit='relais-demo']").await?;
            text.contains("Relais").then_some(())
        })
        .await;
    let kits_shot = session.screenshot("kits-fr.png").await;

    for path in [&shot, &kits_shot] {
        assert!(
            decode(path).width() > 0,
            "{} is a real screenshot",
            path.display()
        );
    }
    eprintln!("screenshots: {} {}", shot.display(), kits_shot.display());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_zone_neither_moves_nor_changes_style_while_a_free_caption_resizes_by_its_handle()
{
    let data = tempfile::tempdir().expect("temp data dir");
    {
        // The demo kit, with a locked headline zone added to one poster as an organizer
        // would declare it in kit.json.
        let mut store = relais::db::Store::open(data.path()).expect("data folder");
        let mut typesetter = relais::render::Typesetter::new();
        relais::kit::demo::ensure_installed(
            &mut store,
            &mut typesetter,
            1_790_000_000,
            &relais::render::Limits::default(),
        )
        .expect("demo kit");
        let changed = store
            .conn()
            .execute(
                "UPDATE asset SET entry = json_insert(entry, '$.zones[#]', json('{\"x\":0.1,\"y\":0.05,\"width\":0.8,\"height\":0.15,\"locked\":true}')) WHERE id = 'ensemble'",
                [],
            )
            .expect("add a locked zone");
        assert_eq!(changed, 1, "the poster exists");
    }
    let Some(session) = Session::start(&[("RELAIS_DATA_DIR", data.path())]).await else {
        return;
    };
    session
        .until("the poster card", || async {
            session
                .client
                .find(Locator::Css(".asset-card[data-asset='ensemble']"))
                .await
                .ok()
        })
        .await
        .click()
        .await
        .expect("open the poster");
    let locked = session
        .until("the locked zone's box", || async {
            session
                .client
                .find(Locator::Css(".layer-box.is-locked[data-layer='1']"))
                .await
                .ok()
        })
        .await;
    let disabled = session
        .client
        .execute(
            "return document.querySelector('#caption-input-1-style').disabled",
            vec![],
        )
        .await
        .expect("read the style picker");
    assert_eq!(disabled, json!(true), "a locked zone cannot be restyled");
    let before = box_zone(&session, 1).await;
    session
        .client
        .perform_actions(
            MouseActions::new("mouse".into())
                .then(PointerAction::MoveToElement {
                    element: locked,
                    duration: None,
                    x: 0.0,
                    y: 0.0,
                })
                .then(PointerAction::Down {
                    button: MOUSE_BUTTON_LEFT,
                })
                .then(PointerAction::MoveBy {
                    duration: Some(Duration::from_millis(200)),
                    x: 40.0,
                    y: 120.0,
                })
                .then(PointerAction::Up {
                    button: MOUSE_BUTTON_LEFT,
                }),
        )
        .await
        .expect("try to drag the locked box");
    let field = session
        .client
        .find(Locator::Css("#caption-input-1"))
        .await
        .expect("the locked zone's text field");
    field.click().await.expect("focus");
    field
        .send_keys("ENSEMBLE !")
        .await
        .expect("type into the locked zone");
    settled(&session, "ENSEMBLE !").await;
    let after = box_zone(&session, 1).await;
    assert_eq!(
        before, after,
        "a locked zone stays where the organizer put it"
    );

    // The free caption's corner handle resizes it.
    let free_before = box_zone(&session, 0).await;
    let handle = session
        .client
        .find(Locator::Css(".layer-box[data-layer='0'] .handle-se"))
        .await
        .expect("the bottom-right handle");
    session
        .client
        .perform_actions(
            MouseActions::new("mouse".into())
                .then(PointerAction::MoveToElement {
                    element: handle,
                    duration: None,
                    x: 0.0,
                    y: 0.0,
                })
                .then(PointerAction::Down {
                    button: MOUSE_BUTTON_LEFT,
                })
                .then(PointerAction::MoveBy {
                    duration: Some(Duration::from_millis(200)),
                    x: -60.0,
                    y: -30.0,
                })
                .then(PointerAction::Up {
                    button: MOUSE_BUTTON_LEFT,
                }),
        )
        .await
        .expect("drag the resize handle");
    let free_after = box_zone(&session, 0).await;
    assert!(
        free_after[2] < free_before[2] - 0.05
            && free_after[3] < free_before[3] - 0.02
            && (free_after[0] - free_before[0]).abs() < 1e-6
            && (free_after[1] - free_before[1]).abs() < 1e-6,
        "the bottom-right handle shrinks the box and keeps its top-left corner: {free_before:?} -> {free_after:?}"
    );
    let shot = session.screenshot("editor-locked-zone-fr.png").await;
    assert!(
        decode(&shot).width() > 0,
        "{} is a real screenshot",
        shot.display()
    );
}

/// A character no bundled face has is named under the texts before any export, in the
/// volunteer's language, and the warning goes once the text no longer holds it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn characters_no_font_can_draw_are_named_in_the_editor_before_export() {
    let data = tempfile::tempdir().expect("temp data dir");
    let Some(session) = Session::start(&[("RELAIS_DATA_DIR", data.path())]).await else {
        return;
    };
    open_poster(&session).await;
    let text = "On vote 中文 مرحبا ⴰⵣⵓⵍ";
    session.type_into("#caption-input", text).await;
    settled(&session, text).await;
    let warning = session
        .until("the undrawable-characters warning", || async {
            let hidden = session.attr("#editor-undrawable", "hidden").await;
            let words = session.text("#editor-undrawable").await?;
            (hidden.is_none() && !words.is_empty()).then_some(words)
        })
        .await;
    assert!(
        warning.starts_with("Aucune police") && warning.contains('中') && warning.contains('文'),
        "the French warning should name both Chinese characters: {warning:?}"
    );
    assert!(
        !warning.contains('م') && !warning.contains('ⵣ'),
        "Arabic and Tifinagh have bundled faces and must not be named: {warning:?}"
    );
    let shot_fr = session.screenshot("editor-undrawable-fr.png").await;

    session.choose_language("en").await;
    let english = session
        .until("the English warning", || async {
            let words = session.text("#editor-undrawable").await?;
            words.starts_with("No font").then_some(words)
        })
        .await;
    assert!(
        english.contains("“中” (U+4E2D), “文” (U+6587)"),
        "each character is quoted with its code point, which reads even where the window cannot draw it: {english:?}"
    );
    let shot_en = session.screenshot("editor-undrawable-en.png").await;

    // Clear the field (drawn anew by the language switch): nothing left to warn about.
    let field = session
        .client
        .find(Locator::Css("#caption-input"))
        .await
        .expect("the first layer's field");
    field.clear().await.expect("clear the field");
    session.type_into("#caption-input", "On vote").await;
    settled(&session, "On vote").await;
    session
        .until("the warning to go", || async {
            session
                .attr("#editor-undrawable", "hidden")
                .await
                .map(|_| ())
        })
        .await;
    eprintln!("screenshots: {} {}", shot_fr.display(), shot_en.display());
}
