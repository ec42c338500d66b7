//! `kitblob://localhost/<sha256>`: thumbnails and assets straight from the blob store,
//! so the grid never pushes images through JSON.

use tauri::http::{header, Request, Response, StatusCode};
use tauri::{Manager, Runtime, UriSchemeContext, UriSchemeResponder};

use super::AppState;

pub const SCHEME: &str = "kitblob";

pub fn serve<R: Runtime>(
    context: UriSchemeContext<'_, R>,
    request: Request<Vec<u8>>,
    responder: UriSchemeResponder,
) {
    let app = context.app_handle().clone();
    let sha = request.uri().path().trim_start_matches('/').to_owned();
    // File reads stay off the UI thread.
    std::thread::spawn(move || {
        let response = match read(&app, &sha) {
            Some(bytes) => Response::builder()
                .status(StatusCode::OK)
                .header(header::CONTENT_TYPE, sniff(&bytes))
                .header(header::CACHE_CONTROL, "max-age=31536000, immutable")
                .body(bytes),
            None => Response::builder()
                .status(StatusCode::NOT_FOUND)
                .body(Vec::new()),
        };
        match response {
            Ok(response) => responder.respond(response),
            Err(error) => tracing::warn!(%error, "blob response"),
        }
    });
}

fn read<R: Runtime>(app: &tauri::AppHandle<R>, sha: &str) -> Option<Vec<u8>> {
    let state = app.try_state::<AppState>()?;
    let blobs = state.store().ok()?.blobs().clone();
    blobs.read(sha).ok()
}

fn sniff(bytes: &[u8]) -> &'static str {
    match bytes {
        [0x89, b'P', b'N', b'G', ..] => "image/png",
        [0xFF, 0xD8, ..] => "image/jpeg",
        [b'G', b'I', b'F', ..] => "image/gif",
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => "image/webp",
        _ => "application/octet-stream",
    }
}
