//! Kits synced over HTTP(S): against a real nginx on loopback for what a static server
//! does (ETags, 304, 404), and against a scripted server for the failures a healthy
//! peer cannot produce (dying mid-transfer, tampered or oversized files, 500s, stalls).

use std::net::TcpListener as StdListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use relais::db::Store;
use relais::kit::remote::{self, Progress, SyncOptions, SyncOutcome};
use relais::kit::signature::{self, PublicKey, SecretKey, SecretKeyFile};
use relais::kit::subscribe::{self, SubscribeLink};
use relais::kit::{self, ImportOutcome, Trust};
use relais::net;
use relais::render::Limits;
use tempfile::TempDir;

use crate::support;
use crate::support::scripted::{Answer, Scripted};

const KIT_ID: &str = "legislatives";
const NOW: i64 = 1_790_000_000;

/// An organizer with a signing key, building kit versions with the real build tool.
struct Organizer {
    dir: TempDir,
    key: SecretKey,
}

impl Organizer {
    fn new() -> Self {
        let dir = TempDir::new().unwrap();
        let pair = signature::generate_key_pair(&dir.path().join("keys"), None).unwrap();
        let key = SecretKeyFile::read(&pair.secret_path)
            .unwrap()
            .unlock(None)
            .unwrap();
        Self { dir, key }
    }

    fn public_key(&self) -> PublicKey {
        self.key.public_key().clone()
    }

    /// Builds `version` with one PNG per (asset id, colour); returns the signed folder.
    fn build(&self, version: u64, assets: &[(&str, [u8; 4])]) -> PathBuf {
        self.build_retracting(version, assets, &[])
    }

    /// Like `build`, with the assets in `retracted` withdrawn by the organizer.
    fn build_retracting(
        &self,
        version: u64,
        assets: &[(&str, [u8; 4])],
        retracted: &[&str],
    ) -> PathBuf {
        self.build_full(version, assets, retracted, false)
    }

    /// Like `build`, shipping a font (one of Relais's own OFL fonts) with the kit.
    fn build_with_font(&self, version: u64, assets: &[(&str, [u8; 4])]) -> PathBuf {
        self.build_full(version, assets, &[], true)
    }

    fn build_full(
        &self,
        version: u64,
        assets: &[(&str, [u8; 4])],
        retracted: &[&str],
        font: bool,
    ) -> PathBuf {
        let src = self.dir.path().join(format!("src-{version}"));
        std::fs::create_dir_all(&src).unwrap();
        let mut toml = format!(
            "id = \"{KIT_ID}\"\npublisher = \"Comité\"\nversion = {version}\n\
             title = {{ fr = \"Législatives\", en = \"General election\" }}\n"
        );
        if font {
            std::fs::create_dir_all(src.join("fonts")).unwrap();
            std::fs::copy(
                Path::new(env!("CARGO_MANIFEST_DIR")).join("src-tauri/render/fonts/Inter-Bold.otf"),
                src.join("fonts/Inter-Bold.otf"),
            )
            .unwrap();
            toml.push_str("\n[[fonts]]\nfile = \"fonts/Inter-Bold.otf\"\nfamily = \"Inter\"\n");
        }
        for (id, colour) in assets {
            std::fs::write(src.join(format!("{id}.png")), poster(*colour)).unwrap();
            toml.push_str(&format!(
                "\n[[assets]]\nid = \"{id}\"\nkind = \"image\"\nfile = \"{id}.png\"\n\
                 title = {{ fr = \"{id}\", en = \"{id}\" }}\n"
            ));
            if retracted.contains(id) {
                toml.push_str(
                    "retracted = { reason = { fr = \"Remplacé.\", en = \"Replaced.\" } }\n",
                );
            }
        }
        std::fs::write(src.join("kit.toml"), toml).unwrap();
        let out = self.dir.path().join(format!("kit-{version}"));
        kit::source::build(&src, &self.key, &out, NOW, &Limits::default())
            .expect("the organizer's build of a valid source folder should succeed");
        out
    }
}

/// A 64x48 poster in `colour` with a pattern, so every colour gives different bytes.
fn poster(colour: [u8; 4]) -> Vec<u8> {
    support::png(64, 48, |x, y| {
        if (x / 8 + y / 8) % 2 == 0 {
            colour
        } else {
            [255 - colour[0], colour[1], 255 - colour[2], 255]
        }
    })
}

fn file_sha(kit: &Path, name: &str) -> String {
    support::sha256_hex(&std::fs::read(kit.join(name)).unwrap())
}

fn open_store(dir: &Path) -> Mutex<Store> {
    Mutex::new(Store::open(dir).expect("open a fresh data folder"))
}

fn installed_versions(store: &Mutex<Store>) -> Vec<(String, u64)> {
    kit::list_kits(&store.lock().unwrap())
        .unwrap()
        .into_iter()
        .map(|summary| (summary.id, summary.version))
        .collect()
}

fn has_blob(store: &Mutex<Store>, sha: &str) -> bool {
    store.lock().unwrap().blobs().contains(sha)
}

/// Every file under `dir`, at any depth.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, found: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, found);
            } else {
                found.push(path);
            }
        }
    }
    let mut found = Vec::new();
    walk(dir, &mut found);
    found
}

/// Temporary download files left anywhere under the blob folder.
fn leftover_downloads(data: &Path) -> Vec<PathBuf> {
    files_under(&data.join("blobs"))
        .into_iter()
        .filter(|path| {
            path.file_name()
                .is_some_and(|name| name.to_string_lossy().starts_with(".incoming"))
        })
        .collect()
}

fn no_progress(_: Progress) {}

fn quick() -> SyncOptions {
    SyncOptions {
        connect_timeout: Duration::from_secs(5),
        idle_timeout: Duration::from_secs(5),
        parallel: 4,
    }
}

fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Copies `from` into `to`, subfolders (a kit's `fonts/`) included.
fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_folder(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Copies a built kit into `served` (replacing what was there) and gives kit.json a
/// distinct modification time: nginx's ETag is made of mtime and size, and two builds
/// in the same second could otherwise share one.
fn publish(kit: &Path, served: &Path, version: u64) {
    let _ = std::fs::remove_dir_all(served);
    copy_folder(kit, served);
    let manifest = std::fs::File::options()
        .write(true)
        .open(served.join("kit.json"))
        .unwrap();
    manifest
        .set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000 + version))
        .unwrap();
}

/// Debian's nginx serving a temp folder on a free loopback port, logging every request.
struct Nginx {
    child: Child,
    dir: TempDir,
    port: u16,
}

impl Nginx {
    fn start() -> Self {
        let dir = TempDir::new().unwrap();
        // Readable by whatever user nginx may switch to.
        std::fs::set_permissions(
            dir.path(),
            std::os::unix::fs::PermissionsExt::from_mode(0o755),
        )
        .unwrap();
        std::fs::create_dir_all(dir.path().join("www")).unwrap();
        let port = free_port();
        let d = dir.path().display();
        let config = format!(
            "daemon off;\nmaster_process off;\nworker_processes 1;\npid {d}/nginx.pid;\n\
             error_log {d}/error.log warn;\nevents {{ worker_connections 64; }}\n\
             http {{\n  access_log {d}/access.log;\n  client_body_temp_path {d}/body;\n\
             proxy_temp_path {d}/proxy;\n  fastcgi_temp_path {d}/fastcgi;\n\
             uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n\
             types {{ application/json json; image/png png; }}\n\
             default_type application/octet-stream;\n\
             server {{ listen 127.0.0.1:{port}; root {d}/www; }}\n}}\n"
        );
        std::fs::write(dir.path().join("nginx.conf"), config).unwrap();
        let child = Command::new("nginx")
            .arg("-p")
            .arg(dir.path())
            .arg("-c")
            .arg(dir.path().join("nginx.conf"))
            .arg("-e")
            .arg(dir.path().join("error.log"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("nginx is installed (Debian package nginx-light; `./x test` installs it)");
        let mut nginx = Self { child, dir, port };
        nginx.wait_ready();
        nginx
    }

    fn wait_ready(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!(
                    "nginx exited ({status}): {}",
                    std::fs::read_to_string(self.dir.path().join("error.log")).unwrap_or_default()
                );
            }
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("nginx did not listen on port {} within 10 s", self.port);
    }

    fn served(&self) -> PathBuf {
        self.dir.path().join("www").join("kit")
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/kit/", self.port)
    }

    /// (path, status) of every request so far, from nginx's own access log.
    fn requests(&self) -> Vec<(String, u16)> {
        let log = std::fs::read_to_string(self.dir.path().join("access.log")).unwrap_or_default();
        log.lines()
            .filter_map(|line| {
                let mut quoted = line.split('"');
                let request = quoted.nth(1)?;
                let status = quoted.next()?.split_whitespace().next()?.parse().ok()?;
                Some((request.split_whitespace().nth(1)?.to_owned(), status))
            })
            .collect()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn asset_requests(requests: &[(String, u16)]) -> Vec<String> {
    requests
        .iter()
        .filter(|(path, _)| path.ends_with(".png"))
        .map(|(path, _)| path.clone())
        .collect()
}

#[tokio::test]
async fn a_first_sync_from_a_static_server_installs_the_signed_kit() {
    let organizer = Organizer::new();
    let kit_v1 = organizer.build(
        1,
        &[
            ("affiche", [200, 30, 30, 255]),
            ("tract", [30, 30, 200, 255]),
        ],
    );
    let nginx = Nginx::start();
    publish(&kit_v1, &nginx.served(), 1);
    let data = TempDir::new().unwrap();
    let store = open_store(data.path());
    let crashed = data.path().join("staging").join("kit-crashed");
    std::fs::create_dir_all(&crashed).unwrap();
    std::fs::write(crashed.join("kit.json"), b"{}").unwrap();
    let seen = Mutex::new(Vec::new());

    let report = remote::sync(
        &store,
        &nginx.url(),
        &Trust::Pinned(organizer.public_key().clone()),
        NOW,
        &Limits::default(),
        &|progress| seen.lock().unwrap().push(progress),
    )
    .await
    .expect("a signed kit on a healthy server should sync");

    match &report.outcome {
        SyncOutcome::Imported(import) => {
            assert_eq!(
                import.outcome,
                ImportOutcome::Installed,
                "first sync installs"
            );
            assert_eq!(import.assets, 2);
        }
        other => panic!("expected an import, got {other:?}"),
    }
    assert_eq!(
        report.files_fetched, 2,
        "both assets were missing, both fetched"
    );
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(
        (json["outcome"].as_str(), json["import"]["kit_id"].as_str()),
        (Some("imported"), Some(KIT_ID)),
        "the UI reads a flat report: {json}"
    );
    assert_eq!(installed_versions(&store), [(KIT_ID.to_owned(), 1)]);
    for name in ["affiche.png", "tract.png"] {
        assert!(
            has_blob(&store, &file_sha(&kit_v1, name)),
            "{name} should be in the blob store under its SHA-256"
        );
    }
    let last = *seen.lock().unwrap().last().expect("progress was reported");
    let total: u64 = ["affiche.png", "tract.png"]
        .iter()
        .map(|name| std::fs::metadata(kit_v1.join(name)).unwrap().len())
        .sum();
    assert_eq!(
        last,
        Progress {
            files_done: 2,
            files_total: 2,
            bytes_done: total,
            bytes_total: total
        },
        "the last progress report says everything arrived"
    );
    let sources = relais::db::kit_sources::all(store.lock().unwrap().conn()).unwrap();
    assert_eq!(sources.len(), 1);
    assert_eq!(sources[0].url, nginx.url());
    assert_eq!(sources[0].last_checked, NOW);
    assert!(
        sources[0].etag.is_some(),
        "nginx's ETag is kept for the next sync"
    );
    assert!(
        support::entries(&data.path().join("staging")).is_empty(),
        "the staging folder is removed after the import, with any left by a crash"
    );
}

#[tokio::test]
async fn a_second_sync_without_changes_asks_only_for_kit_json_and_reports_not_modified() {
    let organizer = Organizer::new();
    let kit_v1 = organizer.build(
        1,
        &[
            ("affiche", [200, 30, 30, 255]),
            ("tract", [30, 30, 200, 255]),
        ],
    );
    let nginx = Nginx::start();
    publish(&kit_v1, &nginx.served(), 1);
    let data = TempDir::new().unwrap();
    let store = open_store(data.path());
    let key = organizer.public_key();
    remote::sync(
        &store,
        &nginx.url(),
        &Trust::Pinned(key.clone()),
        NOW,
        &Limits::default(),
        &no_progress,
    )
    .await
    .unwrap();
    let before = nginx.requests().len();

    let report = remote::sync(
        &store,
        &nginx.url(),
        &Trust::KnownOnly,
        NOW + 60,
        &Limits::default(),
        &no_progress,
    )
    .await
    .expect("an unchanged kit syncs without error");

    assert!(
        matches!(report.outcome, SyncOutcome::NotModified),
        "got {:?}",
        report.outcome
    );
    assert_eq!(report.files_fetched, 0);
    assert_eq!(
        nginx.requests()[before..],
        [("/kit/kit.json".to_owned(), 304)],
        "only kit.json is asked for, and nginx answers 304 to the stored ETag"
    );
    assert_eq!(
        relais::db::kit_sources::all(store.lock().unwrap().conn()).unwrap()[0].last_checked,
        NOW + 60,
        "the check time moves on"
    );
}

#[tokio::test]
async fn an_update_downloads_only_the_changed_asset() {
    let organizer = Organizer::new();
    let kit_v1 = organizer.build(
        1,
        &[
            ("affiche", [200, 30, 30, 255]),
            ("tract", [30, 30, 200, 255]),
            ("vieux", [30, 200, 30, 255]),
        ],
    );
    // In version 2, `vieux` is kept but withdrawn with a reason.
    let kit_v2 = organizer.build_retracting(
        2,
        &[
            ("affiche", [200, 30, 30, 255]),
            ("tract", [250, 200, 0, 255]),
            ("vieux", [30, 200, 30, 255]),
        ],
        &["vieux"],
    );
    let nginx = Nginx::start();
    publish(&kit_v1, &nginx.served(), 1);
    let data = TempDir::new().unwrap();
    let store = open_store(data.path());
    let key = organizer.public_key();
    remote::sync(
        &store,
        &nginx.url(),
        &Trust::Pinned(key.clone()),
        NOW,
        &Limits::default(),
        &no_progress,
    )
    .await
    .unwrap();
    publish(&kit_v2, &nginx.served(), 2);
    let before = nginx.requests().len();

    let report = remote::sync(
        &store,
        &nginx.url(),
        &Trust::KnownOnly,
        NOW + 60,
        &Limits::default(),
        &no_progress,
    )
    .await
    .expect("version 2 signed by the same key should install");

    let SyncOutcome::Imported(import) = &report.outcome else {
        panic!("expected an import, got {:?}", report.outcome);
    };
    assert_eq!(import.outcome, ImportOutcome::Updated(1));
    assert_eq!(import.version, 2);
    assert_eq!(
        import
            .retracted
            .iter()
            .map(|r| r.asset_id.as_str())
            .collect::<Vec<_>>(),
        ["vieux"],
        "the volunteer is told which asset the organizer withdrew"
    );
    assert_eq!(import.retracted[0].reason.get("fr"), "Remplacé.");
    assert_eq!(report.files_fetched, 1);
    let requests = nginx.requests()[before..].to_vec();
    assert_eq!(
        asset_requests(&requests),
        ["/kit/tract.png"],
        "unchanged assets are already in the blob store and are not downloaded again"
    );
    assert!(
        requests.contains(&("/kit/kit.json".to_owned(), 200)),
        "the changed kit.json is fetched in full, not 304: {requests:?}"
    );
    assert_eq!(installed_versions(&store), [(KIT_ID.to_owned(), 2)]);
    assert!(has_blob(&store, &file_sha(&kit_v2, "tract.png")));
}

#[tokio::test]
async fn a_kit_signed_by_another_key_is_refused_before_any_asset_is_requested() {
    let organizer = Organizer::new();
    let impostor = Organizer::new();
    let forged = impostor.build(1, &[("affiche", [200, 30, 30, 255])]);
    let nginx = Nginx::start();
    publish(&forged, &nginx.served(), 1);
    let data = TempDir::new().unwrap();
    let store = open_store(data.path());

    let error = remote::sync(
        &store,
        &nginx.url(),
        &Trust::Pinned(organizer.public_key().clone()),
        NOW,
        &Limits::default(),
        &no_progress,
    )
    .await
    .expect_err("a kit signed by another key must be refused");

    assert!(
        matches!(
            &error,
            remote::Error::Kit(kit::Error::SignedByAnotherKey { .. })
        ),
        "got {error:?}"
    );
    assert!(
        asset_requests(&nginx.requests()).is_empty(),
        "no asset may be downloaded before the signature checks out"
    );
    assert!(installed_versions(&store).is_empty());
    assert!(relais::db::kit_sources::all(store.lock().unwrap().conn())
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn a_missing_kit_is_reported_as_not_found_with_its_address() {
    let nginx = Nginx::start();
    let data = TempDir::new().unwrap();
    let store = open_store(data.path());
    let key = Organizer::new().public_key();

    let error = remote::sync(
        &store,
        &nginx.url(),
        &Trust::Pinned(key.clone()),
        NOW,
        &Limits::default(),
        &no_progress,
    )
    .await
    .expect_err("nothing is served there");

    assert!(
        matches!(error, remote::Error::ManifestNotFound { .. }),
        "got {error:?}"
    );
    assert!(
        error
            .to_string()
            .contains(&format!("{}kit.json", nginx.url())),
        "the message names the address: {error}"
    );
}

#[tokio::test]
async fn a_different_key_than_the_subscribed_one_is_refused_without_a_request() {
    let organizer = Organizer::new();
    let kit_v1 = organizer.build(1, &[("affiche", [200, 30, 30, 255])]);
    let nginx = Nginx::start();
    publish(&kit_v1, &nginx.served(), 1);
    let data = TempDir::new().unwrap();
    let store = open_store(data.path());
    remote::sync(
        &store,
        &nginx.url(),
        &Trust::Pinned(organizer.public_key().clone()),
        NOW,
        &Limits::default(),
        &no_progress,
    )
    .await
    .unwrap();
    let before = nginx.requests().len();

    let other = Organizer::new().public_key();
    let error = remote::sync(
        &store,
        &nginx.url(),
        &Trust::Pinned(other.clone()),
        NOW,
        &Limits::default(),
        &no_progress,
    )
    .await
    .expect_err("another key than the subscribed one must be refused");

    assert!(
        matches!(error, remote::Error::KeyChanged { .. }),
        "got {error:?}"
    );
    assert_eq!(
        nginx.requests().len(),
        before,
        "refused before contacting the server"
    );
}

#[tokio::test]
async fn updating_every_subscribed_kit_uses_its_recorded_address_and_key() {
    let organizer = Organizer::new();
    let kit_v1 = organizer.build(1, &[("affiche", [200, 30, 30, 255])]);
    let kit_v2 = organizer.build(2, &[("affiche", [10, 130, 30, 255])]);
    let nginx = Nginx::start();
    publish(&kit_v1, &nginx.served(), 1);
    let data = TempDir::new().unwrap();
    let store = open_store(data.path());
    remote::sync(
        &store,
        &nginx.url(),
        &Trust::Pinned(organizer.public_key().clone()),
        NOW,
        &Limits::default(),
        &no_progress,
    )
    .await
    .unwrap();
    publish(&kit_v2, &nginx.served(), 2);

    let updates = remote::update_all(&store, NOW + 60, &Limits::default(), &quick(), &|_, _| {})
        .await
        .unwrap();

    assert_eq!(updates.len(), 1);
    assert_eq!(updates[0].kit_id, KIT_ID);
    let report = updates[0]
        .result
        .as_ref()
        .expect("the update should succeed");
    assert!(
        matches!(&report.outcome, SyncOutcome::Imported(import) if import.outcome == ImportOutcome::Updated(1)),
        "got {:?}",
        report.outcome
    );
    assert_eq!(installed_versions(&store), [(KIT_ID.to_owned(), 2)]);
}

#[tokio::test]
async fn the_command_line_imports_a_kit_from_its_address() {
    let organizer = Organizer::new();
    let kit_v1 = organizer.build(1, &[("affiche", [200, 30, 30, 255])]);
    let nginx = Nginx::start();
    publish(&kit_v1, &nginx.served(), 1);
    let data = TempDir::new().unwrap();
    let cli = relais::cli::Cli {
        data_dir: Some(data.path().to_path_buf()),
        command: None,
    };
    let url = nginx.url();
    let key = organizer.public_key();

    // The CLI runs its own runtime, so it cannot be called from inside this one.
    tokio::task::spawn_blocking(move || {
        relais::cli::sync::import_url(&cli, &url, &Trust::Pinned(key.clone()), false)
            .expect("relais kit import URL should succeed");
        relais::cli::sync::update(&cli, &relais::cli::sync::UpdateArgs { kit_id: None })
            .expect("relais kit update should succeed on an unchanged kit");
    })
    .await
    .unwrap();

    let store = open_store(data.path());
    assert_eq!(installed_versions(&store), [(KIT_ID.to_owned(), 1)]);
    let statuses: Vec<u16> = nginx
        .requests()
        .iter()
        .filter(|(path, _)| path == "/kit/kit.json")
        .map(|(_, status)| *status)
        .collect();
    assert_eq!(
        statuses,
        [200, 304],
        "import fetched kit.json, update got 304"
    );
}

#[test]
fn relais_kit_verify_checks_a_published_kit_by_its_address_and_needs_the_key() {
    let organizer = Organizer::new();
    let kit = organizer.build(1, &[("affiche", [200, 30, 30, 255])]);
    let nginx = Nginx::start();
    publish(&kit, &nginx.served(), 1);
    let relais = env!("CARGO_BIN_EXE_relais");
    let scratch = TempDir::new().unwrap();

    let verified = Command::new(relais)
        .env("RELAIS_DATA_DIR", scratch.path())
        .args(["kit", "verify", &nginx.url(), "--pubkey"])
        .arg(organizer.public_key().to_base64())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&verified.stdout);
    assert!(
        verified.status.success(),
        "verify should pass: {verified:?}"
    );
    assert!(
        stdout.contains("ok  signature") && stdout.contains("check out"),
        "says what it checked: {stdout}"
    );

    let other = Organizer::new().public_key().to_base64();
    let refused = Command::new(relais)
        .env("RELAIS_DATA_DIR", scratch.path())
        .args(["kit", "verify", &nginx.url(), "--pubkey", &other])
        .output()
        .unwrap();
    assert!(
        !refused.status.success(),
        "another organizer's key must fail"
    );

    let keyless = Command::new(relais)
        .env("RELAIS_DATA_DIR", scratch.path())
        .args(["kit", "verify", &nginx.url()])
        .output()
        .unwrap();
    assert!(
        !keyless.status.success(),
        "a web kit is not verified without a key"
    );
    assert!(
        String::from_utf8_lossy(&keyless.stderr).contains("--pubkey"),
        "says how to give the key: {keyless:?}"
    );
    assert!(
        std::fs::read_dir(scratch.path()).map_or(true, |mut entries| entries.next().is_none()),
        "verify keeps nothing in the data folder"
    );
}

// ---- Failures a healthy static server cannot produce: a scripted server. ----

#[tokio::test]
async fn a_server_dying_mid_transfer_keeps_the_installed_version_and_the_retry_fetches_only_what_is_missing(
) {
    let organizer = Organizer::new();
    let kit_v1 = organizer.build(
        1,
        &[
            ("affiche", [200, 30, 30, 255]),
            ("tract", [30, 30, 200, 255]),
        ],
    );
    let kit_v2 = organizer.build(
        2,
        &[
            ("affiche", [90, 30, 30, 255]),
            ("tract", [30, 90, 200, 255]),
        ],
    );
    let server = Scripted::start().await;
    server.publish(&kit_v1);
    let data = TempDir::new().unwrap();
    let store = open_store(data.path());
    let key = organizer.public_key();
    remote::sync(
        &store,
        &server.url(),
        &Trust::Pinned(key.clone()),
        NOW,
        &Limits::default(),
        &no_progress,
    )
    .await
    .unwrap();
    server.publish(&kit_v2);
    let tract = std::fs::read(kit_v2.join("tract.png")).unwrap();
    server.script(
        "/kit/tract.png",
        vec![Answer::DieHalfway(tract.clone()), Answer::File(tract)],
    );
    // One download at a time, in kit.json order: affiche completes, then tract dies.
    let one_by_one = SyncOptions {
        parallel: 1,
        ..quick()
    };

    let error = remote::sync_with(
        &store,
        &server.url(),
        &Trust::KnownOnly,
        NOW + 60,
        &Limits::default(),
        &one_by_one,
        &no_progress,
    )
    .await
    .expect_err("a transfer cut in the middle must fail");

    assert!(
        matches!(error, remote::Error::Net(net::Error::Torn { .. })),
        "got {error:?}"
    );
    assert!(
        error.to_string().contains("tract.png") && error.to_string().contains("try again"),
        "the message names the file and says what to do: {error}"
    );
    assert_eq!(
        installed_versions(&store),
        [(KIT_ID.to_owned(), 1)],
        "the installed version is untouched"
    );
    let assets = kit::list_assets(&store.lock().unwrap(), NOW).unwrap();
    assert!(
        assets
            .iter()
            .all(|asset| has_blob(&store, &asset.entry.sha256)),
        "every version-1 asset is still readable"
    );
    assert!(
        has_blob(&store, &file_sha(&kit_v2, "affiche.png")),
        "the completed download is kept"
    );
    assert!(
        !has_blob(&store, &file_sha(&kit_v2, "tract.png")),
        "the cut one is not"
    );
    assert!(
        leftover_downloads(data.path()).is_empty(),
        "no partial file is left behind"
    );
    assert!(
        relais::db::kit_sources::all(store.lock().unwrap().conn()).unwrap()[0].last_checked == NOW,
        "a failed sync records nothing"
    );

    let before = server.requests().len();
    let report = remote::sync_with(
        &store,
        &server.url(),
        &Trust::KnownOnly,
        NOW + 120,
        &Limits::default(),
        &one_by_one,
        &no_progress,
    )
    .await
    .expect("the retry on a healthy server should finish the update");

    assert_eq!(report.files_fetched, 1);
    let pngs: Vec<String> = server.requests()[before..]
        .iter()
        .filter(|path| path.ends_with(".png"))
        .cloned()
        .collect();
    assert_eq!(
        pngs,
        ["/kit/tract.png"],
        "the retry resumes: only the missing file"
    );
    assert_eq!(installed_versions(&store), [(KIT_ID.to_owned(), 2)]);
}

#[tokio::test]
async fn a_tampered_asset_is_refused_and_never_enters_the_blob_store() {
    let organizer = Organizer::new();
    let kit_v1 = organizer.build(1, &[("affiche", [200, 30, 30, 255])]);
    let server = Scripted::start().await;
    server.publish(&kit_v1);
    let mut altered = std::fs::read(kit_v1.join("affiche.png")).unwrap();
    let middle = altered.len() / 2;
    altered[middle] ^= 0x55;
    server.script("/kit/affiche.png", vec![Answer::File(altered)]);
    let data = TempDir::new().unwrap();
    let store = open_store(data.path());

    let error = remote::sync_with(
        &store,
        &server.url(),
        &Trust::Pinned(organizer.public_key().clone()),
        NOW,
        &Limits::default(),
        &quick(),
        &no_progress,
    )
    .await
    .expect_err("a file that does not match kit.json must be refused");

    assert!(
        matches!(error, remote::Error::Tampered { .. }),
        "got {error:?}"
    );
    assert_eq!(
        error.to_string(),
        format!(
            "file affiche.png from {}affiche.png does not match kit.json; the server may be compromised or mid-update; try again later.",
            server.url()
        )
    );
    assert!(!has_blob(&store, &file_sha(&kit_v1, "affiche.png")));
    assert!(
        files_under(&data.path().join("blobs")).is_empty(),
        "nothing from the server entered the blob store, under any name"
    );
    assert!(installed_versions(&store).is_empty());
}

#[tokio::test]
async fn a_file_longer_than_kit_json_says_is_cut_off_and_refused() {
    let organizer = Organizer::new();
    let kit_v1 = organizer.build(1, &[("affiche", [200, 30, 30, 255])]);
    let server = Scripted::start().await;
    server.publish(&kit_v1);
    let mut longer = std::fs::read(kit_v1.join("affiche.png")).unwrap();
    longer.extend(std::iter::repeat_n(0u8, 1024 * 1024));
    server.script("/kit/affiche.png", vec![Answer::File(longer)]);
    let data = TempDir::new().unwrap();
    let store = open_store(data.path());
    let seen = Mutex::new(0u64);

    let error = remote::sync_with(
        &store,
        &server.url(),
        &Trust::Pinned(organizer.public_key().clone()),
        NOW,
        &Limits::default(),
        &quick(),
        &|progress| *seen.lock().unwrap() = progress.bytes_done,
    )
    .await
    .expect_err("more bytes than declared is not the listed file");

    assert!(
        matches!(error, remote::Error::Tampered { .. }),
        "got {error:?}"
    );
    let declared = std::fs::metadata(kit_v1.join("affiche.png")).unwrap().len();
    assert!(
        *seen.lock().unwrap() <= declared,
        "reading stops at the declared size, whatever Content-Length says"
    );
    assert!(leftover_downloads(data.path()).is_empty());
}

#[tokio::test]
async fn a_server_error_is_reported_with_its_status_and_nothing_is_installed() {
    let server = Scripted::start().await;
    server.script("/kit/kit.json", vec![Answer::Status(500)]);
    let data = TempDir::new().unwrap();
    let store = open_store(data.path());

    let error = remote::sync_with(
        &store,
        &server.url(),
        &Trust::Pinned(Organizer::new().public_key().clone()),
        NOW,
        &Limits::default(),
        &quick(),
        &no_progress,
    )
    .await
    .expect_err("a 500 is a failure");

    assert!(
        matches!(error, remote::Error::Server { status: 500, .. }),
        "got {error:?}"
    );
    assert!(
        error.to_string().contains("HTTP 500") && error.to_string().contains("try again later")
    );
    assert!(installed_versions(&store).is_empty());
}

#[tokio::test]
async fn a_stalled_server_times_out_with_a_clear_error() {
    let organizer = Organizer::new();
    let kit_v1 = organizer.build(1, &[("affiche", [200, 30, 30, 255])]);
    let server = Scripted::start().await;
    server.publish(&kit_v1);
    let bytes = std::fs::read(kit_v1.join("affiche.png")).unwrap();
    server.script("/kit/affiche.png", vec![Answer::StallHalfway(bytes)]);
    let data = TempDir::new().unwrap();
    let store = open_store(data.path());
    let impatient = SyncOptions {
        idle_timeout: Duration::from_secs(1),
        ..quick()
    };

    let started = Instant::now();
    let error = remote::sync_with(
        &store,
        &server.url(),
        &Trust::Pinned(organizer.public_key().clone()),
        NOW,
        &Limits::default(),
        &impatient,
        &no_progress,
    )
    .await
    .expect_err("a server that stops sending must time out");

    assert!(
        matches!(
            error,
            remote::Error::Net(net::Error::Timeout { seconds: 1, .. })
        ),
        "got {error:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "the idle timeout, not the server's 60 s stall, ended the wait"
    );
    assert!(leftover_downloads(data.path()).is_empty());
    assert!(installed_versions(&store).is_empty());
}

#[tokio::test]
async fn plain_http_to_another_computer_is_refused_before_any_connection() {
    let data = TempDir::new().unwrap();
    let store = open_store(data.path());

    let error = remote::sync(
        &store,
        "http://kits.example.org/legislatives/",
        &Trust::KnownOnly,
        NOW,
        &Limits::default(),
        &no_progress,
    )
    .await
    .expect_err("plain http off this computer is refused");

    assert!(
        matches!(error, remote::Error::Net(net::Error::NotHttps { .. })),
        "got {error:?}"
    );
    assert!(
        error.to_string().contains("https://"),
        "says what to use: {error}"
    );
    for loopback in [
        "http://127.0.0.1:8080/k/",
        "http://[::1]/k/",
        "http://localhost/k/",
    ] {
        assert!(
            remote::KitUrl::parse(loopback).is_ok(),
            "{loopback} stays on this computer and is allowed for tests"
        );
    }
}

#[test]
fn a_kit_address_may_be_given_as_its_folder_or_its_kit_json() {
    let folder = remote::KitUrl::parse("https://kits.example.org/legislatives").unwrap();
    let manifest = remote::KitUrl::parse("https://kits.example.org/legislatives/kit.json").unwrap();
    assert_eq!(folder, manifest);
    assert_eq!(folder.as_str(), "https://kits.example.org/legislatives/");
    assert_eq!(
        folder.file("affiches/été 2024.png").as_str(),
        "https://kits.example.org/legislatives/affiches/%C3%A9t%C3%A9%202024.png",
        "file names are percent-encoded segment by segment"
    );
    assert!(matches!(
        remote::KitUrl::parse("https://user:secret@kits.example.org/k/"),
        Err(remote::Error::UrlCredentials { .. })
    ));
}

#[test]
fn the_sync_future_can_move_between_threads() {
    fn assert_send<T: Send>(_: &T) {}
    let data = TempDir::new().unwrap();
    let store = open_store(data.path());
    let limits = Limits::default();
    let future = remote::sync(
        &store,
        "https://example.org/k/",
        &Trust::KnownOnly,
        NOW,
        &limits,
        &no_progress,
    );
    // The desktop app runs syncs on a multi-threaded runtime.
    assert_send(&future);
}

/// A generated key whose base64 holds a `+`, the character form decoding would break.
fn key_with_plus() -> PublicKey {
    for _ in 0..64 {
        let key = Organizer::new().public_key();
        if key.to_base64().contains('+') {
            return key;
        }
    }
    panic!("64 random keys without a `+` in base64 is vanishingly unlikely");
}

#[test]
fn a_subscribe_link_gives_the_kit_address_and_the_pinned_key() {
    let key = key_with_plus();
    let base64 = key.to_base64();
    let link = format!(
        "relais://subscribe?url=https%3A%2F%2Fkits.example.org%2Fl%C3%A9gislatives%2F&key={}&future=1",
        base64.replace('/', "%2F")
    );

    let parsed = SubscribeLink::parse(&link).expect("a well-formed link parses");

    assert_eq!(
        parsed.url.as_str(),
        "https://kits.example.org/l%C3%A9gislatives/"
    );
    assert_eq!(
        parsed.key.map(|key| key.to_base64()),
        Some(base64),
        "a literal `+` in the key stays a `+`"
    );
}

#[test]
fn a_subscribe_link_without_a_key_leaves_trust_to_the_volunteer() {
    let parsed = SubscribeLink::parse("relais://subscribe?url=http://127.0.0.1:8080/kit/").unwrap();
    assert!(parsed.key.is_none());
    assert_eq!(parsed.url.as_str(), "http://127.0.0.1:8080/kit/");
}

#[test]
fn bad_subscribe_links_are_refused_with_the_reason() {
    type Expected = fn(&subscribe::Error) -> bool;
    let cases: &[(&str, Expected)] = &[
        ("https://kits.example.org/k/", |e| {
            matches!(e, subscribe::Error::NotSubscribeLink)
        }),
        ("relais://subscribe?key=RWQ", |e| {
            matches!(e, subscribe::Error::MissingUrl)
        }),
        ("relais://subscribe?url=http://kits.example.org/k/", |e| {
            matches!(
                e,
                subscribe::Error::Url(remote::Error::Net(net::Error::NotHttps { .. }))
            )
        }),
        (
            "relais://subscribe?url=https://a.org/&url=https://b.org/",
            |e| matches!(e, subscribe::Error::Repeated { name: "url" }),
        ),
        ("relais://subscribe?url=https://a.org/&key=not-a-key", |e| {
            matches!(e, subscribe::Error::Key(_))
        }),
        ("relais://subscribe?url=https%3A%2F%2Fa.org%2F%FF", |e| {
            matches!(e, subscribe::Error::Encoding { name: "url" })
        }),
    ];
    for (link, expected) in cases {
        let error = SubscribeLink::parse(link).expect_err(link);
        assert!(expected(&error), "{link}: wrong refusal {error:?}");
        assert!(!error.to_string().is_empty());
    }
}

#[tokio::test]
async fn a_server_that_is_not_running_is_reported_as_unreachable() {
    let data = TempDir::new().unwrap();
    let store = open_store(data.path());
    let url = format!("http://127.0.0.1:{}/kit/", free_port());

    let error = remote::sync_with(
        &store,
        &url,
        &Trust::KnownOnly,
        NOW,
        &Limits::default(),
        &quick(),
        &no_progress,
    )
    .await
    .expect_err("nothing listens there");

    assert!(
        matches!(error, remote::Error::Net(net::Error::Offline { .. })),
        "got {error:?}"
    );
    assert!(
        error.to_string().contains("127.0.0.1"),
        "names the host: {error}"
    );
}

#[tokio::test]
async fn a_server_that_does_not_speak_tls_on_https_is_a_tls_failure() {
    let nginx = Nginx::start();
    let data = TempDir::new().unwrap();
    let store = open_store(data.path());
    let url = format!("https://127.0.0.1:{}/kit/", nginx.port);

    let error = remote::sync_with(
        &store,
        &url,
        &Trust::KnownOnly,
        NOW,
        &Limits::default(),
        &quick(),
        &no_progress,
    )
    .await
    .expect_err("a plain HTTP answer to a TLS handshake must fail");

    assert!(
        matches!(error, remote::Error::Net(net::Error::Tls { .. })),
        "got {error:?}"
    );
    assert!(
        error.to_string().contains("Do not work around this"),
        "{error}"
    );
}

#[tokio::test]
async fn updating_a_kit_that_has_no_web_address_says_so() {
    let data = TempDir::new().unwrap();
    let store = open_store(data.path());

    let error = remote::update_kit(
        &store,
        "demo",
        NOW,
        &Limits::default(),
        &quick(),
        &no_progress,
    )
    .await
    .expect_err("the kit was never synced from an address");

    assert!(
        matches!(&error, remote::Error::NotSubscribed { kit_id } if kit_id == "demo"),
        "got {error:?}"
    );
}

#[tokio::test]
async fn a_listed_file_missing_on_the_server_is_named_in_the_error() {
    let organizer = Organizer::new();
    let kit_v1 = organizer.build(1, &[("affiche", [200, 30, 30, 255])]);
    let server = Scripted::start().await;
    server.publish(&kit_v1);
    server.forget("/kit/affiche.png");
    let data = TempDir::new().unwrap();
    let store = open_store(data.path());

    let error = remote::sync_with(
        &store,
        &server.url(),
        &Trust::Pinned(organizer.public_key().clone()),
        NOW,
        &Limits::default(),
        &quick(),
        &no_progress,
    )
    .await
    .expect_err("a listed file answered with 404 must fail the sync");

    assert!(
        matches!(&error, remote::Error::FileNotFound { file, .. } if file == "affiche.png"),
        "got {error:?}"
    );
    assert!(installed_versions(&store).is_empty());
}

#[tokio::test]
async fn a_kit_shipping_a_font_syncs_with_its_font_file() {
    let organizer = Organizer::new();
    let kit = organizer.build_with_font(1, &[("affiche", [200, 30, 30, 255])]);
    let nginx = Nginx::start();
    publish(&kit, &nginx.served(), 1);
    let data = TempDir::new().unwrap();
    let store = open_store(data.path());

    let report = remote::sync(
        &store,
        &nginx.url(),
        &Trust::Pinned(organizer.public_key()),
        NOW,
        &Limits::default(),
        &no_progress,
    )
    .await
    .expect("a kit with a font should sync like any other");

    assert_eq!(
        report.files_fetched, 2,
        "the font is downloaded along with the poster"
    );
    assert!(
        nginx
            .requests()
            .iter()
            .any(|(path, status)| path.ends_with("fonts/Inter-Bold.otf") && *status == 200),
        "the font file was requested from the server"
    );
}

#[test]
fn a_password_in_a_kit_address_is_never_repeated_in_the_error() {
    for address in [
        "http://alice:hunter2@kits.example.org/k/",
        "https://alice:hunter2@kits.example.org/k/",
        "ftp://alice:hunter2@kits.example.org/k/",
        "https://alice:hunter2@[bad/k/",
    ] {
        let error = remote::KitUrl::parse(address).expect_err("an address with a password");
        assert!(
            !error.to_string().contains("hunter2") && !format!("{error:?}").contains("hunter2"),
            "the password must not appear in: {error}"
        );
    }
}
