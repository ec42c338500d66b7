//! End to end in a real window: the built `relais` binary driven over WebDriver
//! (tauri-driver + WebKitWebDriver) under Xvfb, with a throwaway data folder.
//!
//! Without a display or tauri-driver these tests skip, unless RELAIS_E2E_REQUIRED=1
//! (set by `./x test` in CI), where they fail instead: CI can never skip them silently.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

const CAPTION_TYPED: &str = "Déjà l'été ? On vote !";
const CAPTION_EMOJI: &str = " 🗳️";

/// Where screenshots land for people to look at.
pub(crate) fn output_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap_or(Path::new("."))
        .join("test-output")
        .join("e2e");
    std::fs::create_dir_all(&dir).expect("create test output folder");
    dir
}

fn required() -> bool {
    std::env::var("RELAIS_E2E_REQUIRED").is_ok_and(|value| value == "1")
}

/// Says why the e2e test cannot run: a failure in CI, a skip on a laptop.
fn unavailable(reason: &str) {
    if required() {
        panic!("end-to-end test required (RELAIS_E2E_REQUIRED=1) but {reason}");
    }
    eprintln!("skipping end-to-end test: {reason} (set RELAIS_E2E_REQUIRED=1 to make this fail)");
}

fn find_tauri_driver() -> Option<PathBuf> {
    let from_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("tauri-driver"))
            .find(|candidate| candidate.is_file())
    });
    from_path.or_else(|| {
        let home = std::env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))?;
        let candidate = home.join("bin").join("tauri-driver");
        candidate.is_file().then_some(candidate)
    })
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free loopback port")
}

/// A tauri-driver process and a WebDriver session on the app; both end on drop.
pub(crate) struct Session {
    pub(crate) client: Client,
    driver: Child,
    _webview_home: tempfile::TempDir,
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Session {
    pub(crate) async fn start(env: &[(&str, &Path)]) -> Option<Session> {
        Self::start_with_args(env, &[]).await
    }

    /// As [`Session::start`], with `args` given to the app as the system would (a file
    /// it was opened with, a link).
    pub(crate) async fn start_with_args(env: &[(&str, &Path)], args: &[&str]) -> Option<Session> {
        if std::env::var_os("DISPLAY").is_none() {
            unavailable("there is no DISPLAY (run under xvfb-run)");
            return None;
        }
        let Some(driver_path) = find_tauri_driver() else {
            unavailable("tauri-driver is not installed (cargo install tauri-driver --locked)");
            return None;
        };
        let port = free_port();
        let native_port = free_port();
        let mut command = Command::new(driver_path);
        command
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        // The app inherits these through tauri-driver and WebKitWebDriver.
        for (key, value) in env {
            command.env(key, value);
        }
        command.env("RELAIS_LANG", "fr");
        // WebKit keeps localStorage (the saved language) under XDG folders: give each
        // session fresh ones so a previous run cannot leak into this one.
        let webview_home = tempfile::tempdir().expect("temp XDG home");
        for (key, folder) in [
            ("XDG_DATA_HOME", "data"),
            ("XDG_CACHE_HOME", "cache"),
            ("XDG_CONFIG_HOME", "config"),
        ] {
            command.env(key, webview_home.path().join(folder));
        }
        let driver = command.spawn().expect("tauri-driver starts");
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "tauri:options".into(),
            json!({ "application": env!("CARGO_BIN_EXE_relais"), "args": args }),
        );
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            match ClientBuilder::native()
                .capabilities(capabilities.clone())
                .connect(&url)
                .await
            {
                Ok(client) => {
                    return Some(Session {
                        client,
                        driver,
                        _webview_home: webview_home,
                    })
                }
                Err(error) if Instant::now() > deadline => {
                    panic!("no WebDriver session after 30 s: {error}")
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        }
    }

    /// Polls `probe` until it returns Some, failing with `what` after the timeout.
    pub(crate) async fn until<T, F, Fut>(&self, what: &str, mut probe: F) -> T
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Option<T>>,
    {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(value) = probe().await {
                return value;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Picks `lang` ("fr", "en") in the language menu.
    pub(crate) async fn choose_language(&self, lang: &str) {
        self.client
            .find(Locator::Css("#lang-select"))
            .await
            .expect("language menu")
            .select_by_value(lang)
            .await
            .expect("switch language");
    }

    /// Focuses the field `css` and types `text` into it, as a person would.
    pub(crate) async fn type_into(&self, css: &str, text: &str) {
        let field = self
            .client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|_| panic!("{css} is on the page"));
        field.click().await.expect("focus the field");
        field.send_keys(text).await.expect("type into the field");
    }

    pub(crate) async fn attr(&self, css: &str, name: &str) -> Option<String> {
        let element = self.client.find(Locator::Css(css)).await.ok()?;
        element.attr(name).await.ok().flatten()
    }

    pub(crate) async fn text(&self, css: &str) -> Option<String> {
        let element = self.client.find(Locator::Css(css)).await.ok()?;
        element.text().await.ok()
    }

    pub(crate) async fn revision(&self) -> u64 {
        self.attr("#preview", "data-revision")
            .await
            .and_then(|value| value.parse().ok())
            .unwrap_or(0)
    }

    pub(crate) async fn screenshot(&self, name: &str) -> PathBuf {
        // The compositor can lag frames behind the DOM (more so on a busy machine): wait
        // for two painted frames, then a moment for the screenshot path to catch up.
        let _ = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
                vec![],
            )
            .await;
        tokio::time::sleep(Duration::from_millis(1000)).await;
        let png = self.client.screenshot().await.expect("screenshot");
        let path = output_dir().join(name);
        std::fs::write(&path, png).expect("write screenshot");
        path
    }
}

pub(crate) fn decode(path: &Path) -> image::RgbaImage {
    let bytes =
        std::fs::read(path).unwrap_or_else(|error| panic!("read {}: {error}", path.display()));
    match relais::render::decode_bytes(&bytes, "image", &relais::render::Limits::default()) {
        Ok(picture) => picture.first_frame().clone(),
        Err(error) => panic!("decode {}: {error}", path.display()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_volunteer_captions_a_demo_poster_in_the_real_window_and_exports_it() {
    let data = tempfile::tempdir().expect("temp data dir");
    let exports = tempfile::tempdir().expect("temp export dir");
    let export_path = exports.path().join("affiche.png");
    let Some(session) = Session::start(&[
        ("RELAIS_DATA_DIR", data.path()),
        ("RELAIS_SAVE_DIALOG_ANSWER", &export_path),
    ])
    .await
    else {
        return;
    };

    // Library: the demo kit's six assets, with thumbnails that actually loaded.
    let cards = session
        .until("the demo kit's cards", || async {
            let cards = session
                .client
                .find_all(Locator::Css(".asset-card"))
                .await
                .ok()?;
            (cards.len() == 6).then_some(cards)
        })
        .await;
    assert_eq!(cards.len(), 6, "the library shows every demo asset");
    session
        .until("every thumbnail to load", || async {
            let loaded = session
                .client
                .execute(
                    "return [...document.querySelectorAll('.asset-card img')].every(i => i.complete && i.naturalWidth > 0)",
                    vec![],
                )
                .await
                .ok()?;
            (loaded == json!(true)).then_some(())
        })
        .await;
    // Loaded is not yet painted: wait until WebKit has decoded every thumbnail.
    session
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1]; Promise.all([...document.querySelectorAll('.asset-card img')].map(i => i.decode())).then(() => done(true), () => done(false));",
            vec![],
        )
        .await
        .expect("thumbnails decode");
    // WebKit paints decoded async images on a later frame than decode() resolves.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let library_shot = session.screenshot("library-fr.png").await;

    // Editor: pick the poster, type a caption, the Rust preview follows.
    session
        .client
        .find(Locator::Css(".asset-card[data-asset='dimanche-on-vote']"))
        .await
        .expect("the poster card")
        .click()
        .await
        .expect("open the poster");
    let first = session
        .until("the first preview", || async {
            let revision = session.revision().await;
            (revision > 0).then_some(revision)
        })
        .await;
    let first_src = session.attr("#preview", "src").await.unwrap_or_default();
    let input = session
        .client
        .find(Locator::Css("#caption-input"))
        .await
        .expect("caption field");
    input.click().await.expect("focus the caption field");
    input
        .send_keys(CAPTION_TYPED)
        .await
        .expect("type the caption");
    // WebKitWebDriver cannot type characters outside the BMP; the emoji goes in as a
    // paste would, through the same input event.
    session
        .client
        .execute(
            "const f = document.querySelector('#caption-input'); f.value += arguments[0]; f.dispatchEvent(new Event('input', {bubbles: true}));",
            vec![json!(CAPTION_EMOJI)],
        )
        .await
        .expect("append the emoji");
    let full_caption = format!("{CAPTION_TYPED}{CAPTION_EMOJI}");
    session
        .until("the preview of the full caption", || async {
            let text = session.attr("#preview", "data-text").await?;
            (text == full_caption && session.revision().await > first).then_some(())
        })
        .await;
    let updated_src = session.attr("#preview", "src").await.unwrap_or_default();
    assert_ne!(
        first_src, updated_src,
        "the preview image is replaced as the caption changes"
    );
    let editor_fr = session.screenshot("editor-fr.png").await;

    // The same editor in English, caption kept.
    session
        .client
        .find(Locator::Css("#lang-select"))
        .await
        .expect("language menu")
        .select_by_value("en")
        .await
        .expect("switch to English");
    session
        .until("English labels", || async {
            let label = session.text("#export-button").await?;
            label.starts_with("Export").then_some(())
        })
        .await;
    let kept = session
        .client
        .execute(
            "return document.querySelector('#caption-input').value",
            vec![],
        )
        .await
        .expect("read the caption");
    assert_eq!(
        kept,
        json!(full_caption),
        "switching language keeps the caption"
    );
    let editor_en = session.screenshot("editor-en.png").await;

    // Export: the pre-answered native dialog, then the real export code.
    session
        .client
        .find(Locator::Css("#export-button"))
        .await
        .expect("export button")
        .click()
        .await
        .expect("click export");
    let export_display = export_path.display().to_string();
    session
        .until("the export confirmation", || async {
            let status = session.text("#status").await?;
            status.contains(&export_display).then_some(())
        })
        .await;
    let Session { client, .. } = &session;
    client
        .clone()
        .close()
        .await
        .expect("end the WebDriver session");
    drop(session);

    let exported = decode(&export_path);
    let blob_dir = data.path().join("blobs");
    let source = {
        // The app exits a moment after the session ends; its lock goes with it.
        let deadline = Instant::now() + Duration::from_secs(15);
        let store = loop {
            match relais::db::Store::open(data.path()) {
                Ok(store) => break store,
                Err(relais::db::Error::InUse { .. }) if Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(error) => {
                    panic!("the app should release the data folder when it closes: {error}")
                }
            }
        };
        let asset = relais::kit::find_asset(&store, "relais-demo", "dimanche-on-vote")
            .expect("demo poster");
        decode(&store.blobs().path(&asset.entry.sha256).expect("blob path"))
    };
    assert!(
        blob_dir.is_dir(),
        "the app stored blobs in the chosen data folder"
    );
    let logs: Vec<_> = std::fs::read_dir(data.path().join("logs"))
        .map(|entries| entries.filter_map(Result::ok).collect())
        .unwrap_or_default();
    assert!(
        logs.iter()
            .any(|entry| entry.file_name().to_string_lossy().starts_with("relais")),
        "the app logs to a file in the data folder"
    );
    assert_eq!(
        exported.dimensions(),
        source.dimensions(),
        "export keeps full resolution"
    );
    let (width, height) = source.dimensions();
    let mut changed_in_band = 0u64;
    let mut changed_elsewhere = 0u64;
    for (x, y, pixel) in exported.enumerate_pixels() {
        let differs = pixel.0 != source.get_pixel(x, y).0;
        let in_band = y >= height * 70 / 100 && y <= height * 96 / 100;
        match (differs, in_band) {
            (true, true) => changed_in_band += 1,
            (true, false) => changed_elsewhere += 1,
            _ => {}
        }
    }
    assert!(
        changed_in_band > u64::from(width) * 20,
        "the caption should change many pixels in the bottom band, changed {changed_in_band}"
    );
    assert_eq!(
        changed_elsewhere, 0,
        "pixels outside the caption band must match the source exactly"
    );
    for shot in [&library_shot, &editor_fr, &editor_en] {
        assert!(
            decode(shot).width() > 0,
            "{} is a real screenshot",
            shot.display()
        );
    }
    eprintln!(
        "screenshots: {} {} {}",
        library_shot.display(),
        editor_fr.display(),
        editor_en.display()
    );
}
