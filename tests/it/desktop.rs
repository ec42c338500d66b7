//! The desktop shell without a window: the real setup, command registration and
//! capabilities (the real `tauri.conf.json` context) on Tauri's mock runtime.

use relais::desktop::{app, AppState};
use tauri::ipc::{CallbackFn, InvokeBody, InvokeResponseBody};
use tauri::test::{get_ipc_response, mock_builder, INVOKE_KEY};
use tauri::webview::InvokeRequest;

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
            serde_json::json!({"kitId": "relais-demo", "assetId": "dimanche-on-vote", "text": "Bonjour", "maxWidth": 400, "maxHeight": 500}),
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
            serde_json::json!({"kitId": "relais-demo", "assetId": "nope", "text": "", "maxWidth": 400, "maxHeight": 500}),
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

    let unknown = get_ipc_response(&window, request("delete_everything", serde_json::json!({})));
    assert!(
        unknown.is_err(),
        "commands that are not registered are refused"
    );
}
