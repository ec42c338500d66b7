//! The desktop shell without a window: the real setup, command registration and
//! capabilities (the real `tauri.conf.json` context) on Tauri's mock runtime.

use relais::desktop::{app, AppState};
use relais::kit;
use relais::render::{decode_bytes, Error, Limits, Picture};
use tauri::ipc::{CallbackFn, InvokeBody, InvokeResponseBody};
use tauri::test::{get_ipc_response, mock_builder, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::Manager;

use crate::support;

fn request(cmd: &str, body: serde_json::Value) -> InvokeRequest {
    InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().expect("static URL"),
        body: InvokeBody::Json(body),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    }
}

fn json(response: InvokeResponseBody) -> serde_json::Value {
    response.deserialize().expect("command answers JSON")
}

#[test]
fn the_app_sets_up_with_the_demo_kit_and_answers_its_commands_through_the_capabilities() {
    let dir = tempfile::tempdir().expect("temp dir");
    let state = AppState::open(dir.path()).expect("a fresh data folder opens");
    let app = app(mock_builder(), state)
        .build(tauri::generate_context!())
        .expect("the app builds with the real configuration");
    let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("the main window is created");

    let info = json(
        get_ipc_response(&window, request("app_info", serde_json::json!({})))
            .expect("app_info is allowed"),
    );
    assert_eq!(
        info["version"],
        env!("CARGO_PKG_VERSION"),
        "app_info reports the crate version"
    );
    assert!(
        info["locale"] == "fr" || info["locale"] == "en",
        "the UI locale is one the UI has"
    );

    let library = json(
        get_ipc_response(&window, request("library", serde_json::json!({})))
            .expect("library is allowed"),
    );
    let assets = library.as_array().expect("library is a list");
    assert_eq!(
        assets.len(),
        6,
        "the demo kit is installed on first start: {library}"
    );
    assert!(
        assets.iter().any(|asset| asset["kind"] == "animation"),
        "the demo kit has an animated GIF"
    );

    let preview = get_ipc_response(
        &window,
        request(
            "render_preview",
            serde_json::json!({"kitId": "relais-demo", "assetId": "dimanche-on-vote", "remix": two_layers(), "maxWidth": 400, "maxHeight": 500}),
        ),
    )
    .expect("render_preview is allowed and succeeds");
    match preview {
        InvokeResponseBody::Raw(bytes) => {
            assert!(
                bytes.starts_with(&[0xFF, 0xD8]),
                "the preview is sent as raw JPEG bytes, not JSON"
            );
        }
        InvokeResponseBody::Json(other) => panic!("expected raw JPEG bytes, got JSON {other:.80}"),
    }

    let missing = get_ipc_response(
        &window,
        request(
            "render_preview",
            serde_json::json!({"kitId": "relais-demo", "assetId": "nope", "remix": {"layers": []}, "maxWidth": 400, "maxHeight": 500}),
        ),
    )
    .expect_err("an unknown asset is an error");
    assert_eq!(
        missing["code"], "not_found",
        "the UI branches on not_found: {missing}"
    );
    assert!(
        missing["message"]
            .as_str()
            .is_some_and(|m| m.contains("nope")),
        "the message names the missing asset: {missing}"
    );

    let draft = serde_json::json!({"kit_id": "relais-demo", "asset_id": "ensemble", "remix": two_layers(), "alt_text": "Affiche rouge."});
    get_ipc_response(
        &window,
        request("draft_save", serde_json::json!({ "draft": draft })),
    )
    .expect("draft_save is allowed and stores the remix");
    let restored = json(
        get_ipc_response(
            &window,
            request(
                "draft_load",
                serde_json::json!({"kitId": "relais-demo", "assetId": "ensemble"}),
            ),
        )
        .expect("draft_load is allowed"),
    );
    assert_eq!(
        restored["remix"],
        two_layers(),
        "the editor gets back exactly the layers it saved"
    );
    assert_eq!(restored["alt_text"], "Affiche rouge.");
    let none = json(
        get_ipc_response(
            &window,
            request(
                "draft_load",
                serde_json::json!({"kitId": "relais-demo", "assetId": "partagez"}),
            ),
        )
        .expect("draft_load is allowed"),
    );
    assert!(none.is_null(), "an asset never edited has no draft: {none}");

    let kits = json(
        get_ipc_response(&window, request("kits", serde_json::json!({}))).expect("kits is allowed"),
    );
    assert_eq!(
        kits[0]["id"], "relais-demo",
        "the Kits view lists the demo kit: {kits}"
    );

    let unknown = get_ipc_response(&window, request("delete_everything", serde_json::json!({})));
    assert!(
        unknown.is_err(),
        "commands that are not registered are refused"
    );
}

/// The demo GIF is 16 frames of 480x480; the app here may hold six decoded frames.
fn six_frames_of_the_demo_gif() -> Limits {
    Limits {
        max_animation_bytes: 480 * 480 * 4 * 6,
        ..Limits::default()
    }
}

#[test]
fn the_app_opens_and_exports_a_gif_over_its_memory_budget_frame_by_frame() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut state = AppState::open(dir.path()).expect("a fresh data folder opens");
    state.limits = six_frames_of_the_demo_gif();
    let app = app(mock_builder(), state)
        .build(tauri::generate_context!())
        .expect("the app builds with the real configuration");
    let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("the main window is created");
    let asset = serde_json::json!({"kitId": "relais-demo", "assetId": "a-vos-urnes"});
    let with = |extra: serde_json::Value| {
        let mut body = asset.clone();
        body.as_object_mut()
            .expect("an object")
            .extend(extra.as_object().expect("an object").clone());
        body
    };

    get_ipc_response(
        &window,
        request(
            "render_preview",
            with(serde_json::json!({"remix": two_layers(), "maxWidth": 400, "maxHeight": 400})),
        ),
    )
    .expect("the editor opens a GIF it could not hold decoded whole: it shows the first frame");

    let output = dir.path().join("a-vos-urnes-captioned.gif");
    // The save dialog's test hook; no other test in this process exports.
    std::env::set_var("RELAIS_SAVE_DIALOG_ANSWER", &output);
    let exported = get_ipc_response(
        &window,
        request(
            "export_image",
            with(serde_json::json!({"remix": two_layers()})),
        ),
    );
    std::env::remove_var("RELAIS_SAVE_DIALOG_ANSWER");
    let exported = json(exported.expect("export_image streams a GIF over the budget"));
    assert_eq!(exported["path"], output.display().to_string());

    let state = app.state::<AppState>();
    let source = {
        let store = state.store().expect("the store opens");
        let summary = kit::find_asset(&store, "relais-demo", "a-vos-urnes").expect("listed");
        kit::read_asset(&store, &summary).expect("the blob reads")
    };
    assert!(
        matches!(
            decode_bytes(&source, "a-vos-urnes.gif", &state.limits),
            Err(Error::AnimationTooLong { .. })
        ),
        "under the app's budget the GIF cannot be decoded whole, so the export streamed"
    );
    let written = std::fs::read(&output).expect("the export is written where the dialog said");
    let (before, after) = (
        decode_bytes(&source, "source", &Limits::default()).expect("the source decodes"),
        decode_bytes(&written, "export", &Limits::default()).expect("the export decodes"),
    );
    let (
        Picture::Animation {
            frames: before,
            repeat: source_repeat,
        },
        Picture::Animation {
            frames: after,
            repeat,
        },
    ) = (&before, &after)
    else {
        panic!("the export of an animation is an animation");
    };
    assert_eq!(repeat, source_repeat, "the loop count is kept");
    assert_eq!(
        after.iter().map(|f| f.delay_ms).collect::<Vec<_>>(),
        before.iter().map(|f| f.delay_ms).collect::<Vec<_>>(),
        "every frame is kept with its delay"
    );
    for (index, (b, a)) in before.iter().zip(after).enumerate() {
        let (b, a) = (
            support::Pixels::of(&Picture::Still(b.image.clone())),
            support::Pixels::of(&Picture::Still(a.image.clone())),
        );
        for (layer, rows) in [("Été", a.rows(0.05, 0.2)), ("Bonjour", a.rows(0.74, 0.94))] {
            assert!(
                a.differing_pixels(&b, rows) > 200,
                "frame {index}: the layer « {layer} » is drawn in its zone"
            );
        }
    }
}

/// The editor's payload: the `Remix` shape with two layers, the second one partial
/// (style left to its defaults).
fn two_layers() -> serde_json::Value {
    serde_json::json!({"layers": [
        {"text": "Bonjour", "zone": {"x": 0.06, "y": 0.74, "width": 0.88, "height": 0.2}, "style": {"face": "poster"}, "locked": false},
        {"text": "Été", "zone": {"x": 0.1, "y": 0.05, "width": 0.8, "height": 0.15}, "style": {}, "locked": true}
    ]})
}

/// The preview's JPEG bytes for one layer in the asset's zone with `style`.
fn preview_with(
    window: &tauri::WebviewWindow<tauri::test::MockRuntime>,
    style: serde_json::Value,
) -> Vec<u8> {
    let remix = serde_json::json!({"layers": [{
        "text": "Dimanche, tous aux urnes",
        "zone": {"x": 0.05, "y": 0.3, "width": 0.9, "height": 0.4},
        "style": style,
    }]});
    let response = get_ipc_response(
        window,
        request(
            "render_preview",
            serde_json::json!({"kitId": "municipales", "assetId": "affiche", "remix": remix, "maxWidth": 400, "maxHeight": 500}),
        ),
    )
    .unwrap_or_else(|error| panic!("the preview is drawn whatever the font: {error}"));
    match response {
        InvokeResponseBody::Raw(bytes) => bytes,
        InvokeResponseBody::Json(other) => panic!("expected raw JPEG bytes, got JSON {other:.80}"),
    }
}

#[test]
fn the_editor_preview_draws_a_kit_style_in_the_kits_font_and_follows_a_kit_update() {
    use crate::kit::{Signer, NOW};
    use crate::kit_fonts::build_kit;
    use crate::support;

    let dir = tempfile::tempdir().expect("temp dir");
    let work = tempfile::tempdir().expect("temp dir");
    let signer = Signer::new();
    {
        let mut store = relais::db::Store::open(dir.path()).expect("a fresh data folder opens");
        let v1 = build_kit(
            work.path(),
            &signer,
            "municipales",
            1,
            &support::test_font(),
        );
        relais::kit::import_path(
            &mut store,
            &v1,
            &signer.trust(),
            NOW,
            &relais::render::Limits::default(),
        )
        .expect("the kit with a font imports");
    }
    let state = AppState::open(dir.path()).expect("the data folder opens");
    let app = app(mock_builder(), state)
        .build(tauri::generate_context!())
        .expect("the app builds with the real configuration");
    let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("the main window is created");

    let poster = preview_with(&window, serde_json::json!({}));
    let kit_font = preview_with(&window, serde_json::json!({"font": "Marianne"}));
    assert_ne!(
        kit_font, poster,
        "the kit's style names its font: the preview must not fall back to the poster face"
    );
    assert_eq!(
        preview_with(&window, serde_json::json!({"font": "Inconnue"})),
        poster,
        "a font the kit does not have draws in the style's face, without an error"
    );

    // Version 2 ships another file under the same family; the window imports it.
    let v2 = build_kit(
        work.path(),
        &signer,
        "municipales",
        2,
        &support::inter_bold(),
    );
    get_ipc_response(
        &window,
        request(
            "kit_import",
            serde_json::json!({"path": v2.display().to_string()}),
        ),
    )
    .expect("the update from the pinned key imports");
    let updated = preview_with(&window, serde_json::json!({"font": "Marianne"}));
    assert_ne!(
        updated, kit_font,
        "after the update the preview must use the new font file, not the loaded one"
    );
    assert_eq!(
        updated,
        preview_with(&window, serde_json::json!({"face": "sans_bold"})),
        "version 2's Marianne is Inter Bold, so it draws as Relais's own sans_bold"
    );
}

#[test]
fn the_accounts_view_adds_renames_and_removes_an_export_folder_through_its_commands() {
    let dir = tempfile::tempdir().expect("temp dir");
    let state = AppState::open(&dir.path().join("data")).expect("a fresh data folder opens");
    let app = app(mock_builder(), state)
        .build(tauri::generate_context!())
        .expect("the app builds with the real configuration");
    let window = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("the main window is created");
    let call = |cmd: &str, body: serde_json::Value| get_ipc_response(&window, request(cmd, body));

    let folder = dir.path().join("À poster");
    let added = json(
        call(
            "account_add_folder",
            serde_json::json!({"path": folder.display().to_string()}),
        )
        .expect("account_add_folder is allowed and adds the folder"),
    );
    assert_eq!(added["kind"], "folder", "{added}");
    assert_eq!(added["status"], "connected", "{added}");
    let id = added["id"].as_str().expect("an id").to_owned();

    let refused = call(
        "account_rename",
        serde_json::json!({"id": id, "name": "   "}),
    )
    .expect_err("an empty name is refused");
    assert_eq!(
        refused["detail"]["code"], "error.accounts.name_empty",
        "the window words the refusal from the catalogue: {refused}"
    );
    let renamed = json(
        call(
            "account_rename",
            serde_json::json!({"id": id, "name": "Pour Instagram"}),
        )
        .expect("account_rename is allowed"),
    );
    assert_eq!(renamed["display_name"], "Pour Instagram");
    let listed =
        json(call("account_list", serde_json::json!({})).expect("account_list is allowed"));
    assert_eq!(
        listed[0]["display_name"], "Pour Instagram",
        "the list shows the new name: {listed}"
    );

    json(call("account_remove", serde_json::json!({"id": id})).expect("account_remove is allowed"));
    let listed = json(call("account_list", serde_json::json!({})).expect("account_list"));
    assert_eq!(listed, serde_json::json!([]), "the removed account is gone");
    let unknown = call("account_test", serde_json::json!({"id": id}))
        .expect_err("a removed account cannot be tested");
    assert_eq!(unknown["code"], "not_found", "{unknown}");
}
