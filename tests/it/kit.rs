//! Kits: installing the demo kit, importing kit folders, and refusing bad or altered kits
//! without touching the library.

use std::path::{Path, PathBuf};

use relais::db::Store;
use relais::kit::signature::{self, PublicKey, SecretKey, SecretKeyFile};
use relais::kit::{
    self, import_folder, AssetKind, Error, ImportOutcome, Manifest, ManifestError, Trust,
    FORMAT_MAJOR, MANIFEST_FILE,
};
use relais::render::{decode_bytes, Limits, Typesetter};
use serde_json::Value;
use tempfile::TempDir;

use crate::support;

pub(crate) const NOW: i64 = 1_790_000_000;
/// The demo kit's version, which the drawn test kits carry.
pub(crate) const V: u64 = kit::demo::VERSION;

/// An organizer's key pair made in-process, to sign test kits like `relais kit build`.
pub(crate) struct Signer {
    _dir: TempDir,
    pub secret: SecretKey,
    pub public: PublicKey,
}

impl Signer {
    pub fn new() -> Self {
        let dir = TempDir::new().unwrap();
        let pair = signature::generate_key_pair(dir.path(), None).unwrap();
        let secret = SecretKeyFile::read(&pair.secret_path)
            .unwrap()
            .unlock(None)
            .unwrap();
        Self {
            _dir: dir,
            secret,
            public: pair.public,
        }
    }

    /// Writes kit.json.minisig for the folder's kit.json bytes as they are, naming the
    /// id and version read leniently (so even a schema-breaking kit.json gets a valid
    /// signature, and its refusal is the schema's, not the signature's).
    pub fn sign(&self, dir: &Path) {
        let bytes = std::fs::read(dir.join(MANIFEST_FILE)).unwrap();
        let value: Value = serde_json::from_slice(&bytes).unwrap_or_default();
        let named: Manifest = serde_json::from_value(serde_json::json!({
            "format": 1,
            "id": value["id"].as_str().unwrap_or("x"),
            "version": value["version"].as_u64().unwrap_or(1),
            "title": {},
            "publisher": "x",
            "assets": [],
        }))
        .unwrap();
        let signature = signature::sign(&self.secret, &bytes, &named.id, named.version).unwrap();
        std::fs::write(
            dir.join(signature::SIGNATURE_FILE),
            signature.to_file_text(),
        )
        .unwrap();
    }

    pub fn trust(&self) -> Trust {
        Trust::Pinned(self.public.clone())
    }
}

/// The demo kit drawn into `dir`, with `public_key` filled in and signed by `signer`.
pub(crate) fn signed_demo_kit(dir: &Path, signer: &Signer) -> PathBuf {
    support::write_demo_kit(dir);
    edit_manifest(dir, |manifest| {
        manifest["public_key"] = signer.public.to_base64().into()
    });
    signer.sign(dir);
    dir.to_path_buf()
}

/// A temp folder holding a signed demo kit folder `kit/` and a data folder `data/`.
pub(crate) struct Setup {
    pub tmp: TempDir,
    pub kit: PathBuf,
    pub store: Store,
    pub signer: Signer,
}

impl Setup {
    pub fn new() -> Self {
        let tmp = TempDir::new().unwrap();
        let signer = Signer::new();
        let kit = signed_demo_kit(&tmp.path().join("kit"), &signer);
        let store = Store::open(&tmp.path().join("data")).unwrap();
        Self {
            tmp,
            kit,
            store,
            signer,
        }
    }

    /// A copy of the demo kit under `name`, with kit.json edited by `edit` and signed
    /// again by the same organizer.
    pub fn variant(&self, name: &str, edit: impl FnOnce(&mut Value)) -> PathBuf {
        let dir = self.tmp.path().join(name);
        copy_dir(&self.kit, &dir);
        edit_manifest(&dir, edit);
        self.signer.sign(&dir);
        dir
    }

    pub fn import(&mut self, folder: &Path) -> Result<kit::ImportReport, Error> {
        let trust = self.signer.trust();
        import_folder(&mut self.store, folder, &trust, NOW, &Limits::default())
    }

    /// Everything the library shows, as JSON, to compare before and after an attempt.
    pub fn library(&self) -> Value {
        serde_json::json!({
            "kits": serde_json::to_value(kit::list_kits(&self.store).unwrap()).unwrap(),
            "assets": serde_json::to_value(kit::list_assets(&self.store, NOW).unwrap()).unwrap(),
        })
    }
}

pub(crate) fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

pub(crate) fn edit_manifest(dir: &Path, edit: impl FnOnce(&mut Value)) {
    let path = dir.join(MANIFEST_FILE);
    let mut manifest: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    edit(&mut manifest);
    std::fs::write(&path, serde_json::to_vec_pretty(&manifest).unwrap()).unwrap();
}

pub(crate) fn set_version(version: u64) -> impl FnOnce(&mut Value) {
    move |manifest| manifest["version"] = version.into()
}

/// The file name of the manifest's asset at `index`.
pub(crate) fn asset_file(dir: &Path, index: usize) -> String {
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(dir.join(MANIFEST_FILE)).unwrap()).unwrap();
    manifest["assets"][index]["file"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Every file under the blob folder, recursively.
pub(crate) fn blob_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(blob_files(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn the_demo_kit_installs_once_with_six_assets_and_verified_blobs() {
    let tmp = TempDir::new().unwrap();
    let mut store = Store::open(tmp.path()).unwrap();
    let mut typesetter = Typesetter::new();
    let report = kit::demo::ensure_installed(&mut store, &mut typesetter, NOW, &Limits::default())
        .expect("the demo kit should install")
        .expect("a fresh library should get the demo kit");
    assert_eq!(
        report.kit_id,
        kit::demo::KIT_ID,
        "the report should name the demo kit"
    );
    assert_eq!(
        report.outcome,
        ImportOutcome::Installed,
        "the first install should be reported as Installed"
    );
    assert_eq!(report.assets, 6, "the demo kit has six assets");

    let assets = kit::list_assets(&store, NOW).unwrap();
    assert_eq!(
        assets.len(),
        6,
        "the library should list the demo kit's six assets"
    );
    let animations = assets
        .iter()
        .filter(|asset| asset.entry.kind == AssetKind::Animation)
        .count();
    assert_eq!(animations, 1, "exactly one demo asset is an animation");
    for asset in &assets {
        assert!(
            store.blobs().contains(&asset.entry.sha256),
            "asset {} should be in the blob store",
            asset.entry.id
        );
        assert!(
            store.blobs().contains(&asset.thumb_sha256),
            "asset {} should have a thumbnail blob",
            asset.entry.id
        );
        let thumb = store.blobs().read(&asset.thumb_sha256).unwrap();
        let thumb = decode_bytes(&thumb, "thumb", &Limits::default())
            .expect("a thumbnail should be a decodable image");
        let (w, h) = thumb.dimensions();
        assert!(
            w.max(h) <= 480 && w.min(h) > 0,
            "thumbnail of {} should fit 480 px, is {w}x{h}",
            asset.entry.id
        );
    }

    assert_eq!(
        support::sha256_hex(b"abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    let files = blob_files(&tmp.path().join("blobs"));
    assert!(
        files.len() >= 12,
        "six assets and six thumbnails should be stored, found {} files",
        files.len()
    );
    for file in files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let folder = file
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let bytes = std::fs::read(&file).unwrap();
        assert_eq!(
            support::sha256_hex(&bytes),
            name,
            "blob {} should be named by its SHA-256",
            file.display()
        );
        assert_eq!(
            folder,
            name[..2],
            "blob {name} should sit in the folder named by its first two hex digits"
        );
    }
    assert!(
        !support::entries(tmp.path())
            .iter()
            .any(|name| name.starts_with(".demo-kit-") || name == "staging"),
        "the demo kit's temp file and staging folder should be removed, found {:?}",
        support::entries(tmp.path())
    );

    let again =
        kit::demo::ensure_installed(&mut store, &mut typesetter, NOW + 60, &Limits::default())
            .expect("checking the demo kit again should not fail");
    assert!(
        again.is_none(),
        "an installed demo kit should not be installed again"
    );
    assert_eq!(
        kit::list_kits(&store).unwrap().len(),
        1,
        "the library should still hold a single kit"
    );
}

#[test]
fn importing_the_same_kit_folder_twice_reports_unchanged() {
    let mut setup = Setup::new();
    let kit = setup.kit.clone();
    let first = setup
        .import(&kit)
        .expect("the demo kit folder should import");
    assert_eq!(
        first.outcome,
        ImportOutcome::Installed,
        "the first import should install"
    );
    let library = setup.library();
    let second = setup
        .import(&kit)
        .expect("importing the same folder again should not fail");
    assert_eq!(
        second.outcome,
        ImportOutcome::Unchanged,
        "the same version with the same bytes should be Unchanged"
    );
    assert_eq!(
        setup.library(),
        library,
        "an unchanged import should not touch the library"
    );
}

#[test]
fn a_newer_version_of_an_installed_kit_is_reported_as_an_update() {
    let mut setup = Setup::new();
    let kit = setup.kit.clone();
    setup.import(&kit).unwrap();
    let newer = setup.variant("v2", set_version(V + 1));
    let report = setup.import(&newer).expect("a newer version should import");
    assert_eq!(
        report.outcome,
        ImportOutcome::Updated(V),
        "the update should report the version it replaced"
    );
    let kits = kit::list_kits(&setup.store).unwrap();
    assert_eq!(
        kits.len(),
        1,
        "an update should replace the kit, not add a second one"
    );
    assert_eq!(
        kits[0].version,
        V + 1,
        "the library should now hold the new version"
    );
}

/// Installs the demo kit, then imports `variant` expecting a refusal; the library must
/// be exactly as it was.
fn refused_after_install(setup: &mut Setup, variant: &Path) -> Error {
    let kit = setup.kit.clone();
    setup
        .import(&kit)
        .expect("the original demo kit should install");
    let before = setup.library();
    let error = setup
        .import(variant)
        .expect_err("the altered kit should be refused");
    assert_eq!(
        setup.library(),
        before,
        "a refused import ({error}) should leave the library unchanged"
    );
    error
}

#[test]
fn a_tampered_asset_is_refused_by_hash_and_the_library_is_unchanged() {
    let mut setup = Setup::new();
    let variant = setup.variant("tampered", set_version(V + 1));
    let file = asset_file(&variant, 1);
    let path = variant.join(&file);
    let mut bytes = std::fs::read(&path).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(&path, &bytes).unwrap();

    match refused_after_install(&mut setup, &variant) {
        Error::HashMismatch { file: named } => {
            assert_eq!(named, file, "the error should name the altered file")
        }
        other => panic!("a flipped byte should be a HashMismatch, got {other:?}"),
    }
}

#[test]
fn a_truncated_asset_is_refused_by_size_and_the_library_is_unchanged() {
    let mut setup = Setup::new();
    let variant = setup.variant("truncated", set_version(V + 1));
    let file = asset_file(&variant, 2);
    let path = variant.join(&file);
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() - 1]).unwrap();

    match refused_after_install(&mut setup, &variant) {
        Error::SizeMismatch {
            file: named,
            expected,
            actual,
        } => {
            assert_eq!(named, file, "the error should name the truncated file");
            assert_eq!(
                (expected, actual),
                (bytes.len() as u64, bytes.len() as u64 - 1),
                "sizes should be reported"
            );
        }
        other => panic!("a truncated file should be a SizeMismatch, got {other:?}"),
    }
}

#[test]
fn a_tampered_asset_in_a_first_install_leaves_the_library_empty_and_stores_no_blob() {
    let mut setup = Setup::new();
    let variant = setup.variant("tampered", |_| {});
    let file = asset_file(&variant, 0);
    let path = variant.join(&file);
    let mut bytes = std::fs::read(&path).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x80;
    std::fs::write(&path, &bytes).unwrap();

    let error = setup
        .import(&variant)
        .expect_err("a tampered kit should be refused");
    assert!(
        matches!(error, Error::HashMismatch { .. }),
        "a flipped byte should be a HashMismatch, got {error:?}"
    );
    assert!(
        kit::list_kits(&setup.store).unwrap().is_empty(),
        "a refused first import should install no kit"
    );
    let blobs = blob_files(&setup.tmp.path().join("data").join("blobs"));
    assert!(
        blobs.is_empty(),
        "nothing should reach the blob store before every file is checked, found {blobs:?}"
    );
}

#[test]
fn an_older_version_than_installed_is_refused_as_a_rollback() {
    let mut setup = Setup::new();
    let newer = setup.variant("v3", set_version(V + 2));
    setup.import(&newer).expect("version 3 should install");
    let before = setup.library();
    let original = setup.kit.clone();
    match setup.import(&original) {
        Err(Error::Rollback {
            kit,
            installed,
            offered,
        }) => {
            assert_eq!(
                (kit.as_str(), installed, offered),
                (kit::demo::KIT_ID, V + 2, V),
                "the rollback should be described"
            );
        }
        other => panic!("importing version 1 over version 3 should be a Rollback, got {other:?}"),
    }
    assert_eq!(
        setup.library(),
        before,
        "a refused rollback should leave version 3 in place"
    );
}

#[test]
fn the_same_version_with_a_different_manifest_is_refused() {
    let mut setup = Setup::new();
    let variant = setup.variant("same-version", |manifest| {
        manifest["publisher"] = "Quelqu'un d'autre".into()
    });
    match refused_after_install(&mut setup, &variant) {
        Error::SameVersionDifferent { kit, version } => {
            assert_eq!((kit.as_str(), version), (kit::demo::KIT_ID, V), "the error should name kit and version");
        }
        other => panic!("a changed manifest under the same version should be SameVersionDifferent, got {other:?}"),
    }
}

#[test]
fn a_manifest_in_a_future_format_is_refused_as_too_new() {
    let mut setup = Setup::new();
    let variant = setup.variant("future", |manifest| manifest["format"] = 99.into());
    match setup.import(&variant) {
        Err(Error::Manifest(ManifestError::FormatTooNew { found, supported })) => {
            assert_eq!(
                (found, supported),
                (99, FORMAT_MAJOR),
                "the error should give both format versions"
            );
        }
        other => panic!("format 99 should be FormatTooNew, got {other:?}"),
    }
    assert!(
        kit::list_kits(&setup.store).unwrap().is_empty(),
        "a refused kit should not be installed"
    );
}

#[test]
fn an_asset_path_leaving_the_kit_folder_is_refused_naming_the_file_field() {
    let mut setup = Setup::new();
    let first = asset_file(&setup.kit, 0);
    // Put a perfectly matching copy where "../x.png" points, so only the path rule stops it.
    std::fs::copy(setup.kit.join(&first), setup.tmp.path().join("x.png")).unwrap();
    let variant = setup.variant("escape", |manifest| {
        manifest["assets"][0]["file"] = "../x.png".into()
    });
    let error = setup
        .import(&variant)
        .expect_err("a kit pointing outside its folder should be refused");
    let message = error.to_string();
    match error {
        Error::Manifest(ManifestError::Field { field, .. }) => {
            assert!(
                field.ends_with("file"),
                "the refusal should name the `file` field, got {field:?}"
            );
            assert!(
                message.contains(&field),
                "the message should name the field: {message}"
            );
        }
        other => panic!("a `..` path should be a Field error, got {other:?}"),
    }
    assert!(
        kit::list_kits(&setup.store).unwrap().is_empty(),
        "a refused kit should not be installed"
    );
}

#[test]
fn a_listed_file_that_is_missing_is_refused_naming_it() {
    let mut setup = Setup::new();
    let variant = setup.variant("missing", |_| {});
    let file = asset_file(&variant, 4);
    std::fs::remove_file(variant.join(&file)).unwrap();
    match setup.import(&variant) {
        Err(Error::FileMissing { file: named }) => {
            assert_eq!(named, file, "the error should name the missing file")
        }
        other => panic!("a missing listed file should be FileMissing, got {other:?}"),
    }
    assert!(
        kit::list_kits(&setup.store).unwrap().is_empty(),
        "an incomplete kit should not be installed"
    );
}

/// The ids of the assets the library lists at NOW.
fn listed_ids(store: &Store) -> Vec<String> {
    kit::list_assets(store, NOW)
        .unwrap()
        .into_iter()
        .map(|asset| asset.entry.id)
        .collect()
}

#[test]
fn a_first_import_confirmed_by_fingerprint_pins_the_key_and_updates_need_no_confirmation() {
    let mut setup = Setup::new();
    let kit = setup.kit.clone();
    let fingerprint = setup.signer.public.fingerprint();
    let report = import_folder(
        &mut setup.store,
        &kit,
        &Trust::Fingerprint(fingerprint),
        NOW,
        &Limits::default(),
    )
    .expect("a kit whose embedded key has the confirmed fingerprint should import");
    assert_eq!(
        report.fingerprint, fingerprint,
        "the report should name the key"
    );
    assert_eq!(
        kit::list_kits(&setup.store).unwrap()[0].fingerprint,
        Some(fingerprint),
        "the library should show the pinned key's fingerprint"
    );
    let newer = setup.variant("newer", set_version(V + 1));
    let update = import_folder(
        &mut setup.store,
        &newer,
        &Trust::KnownOnly,
        NOW + 60,
        &Limits::default(),
    )
    .expect("an update signed by the pinned key needs no new confirmation");
    assert_eq!(
        update.outcome,
        ImportOutcome::Updated(V),
        "it should be an update"
    );
}

#[test]
fn inspect_shows_publisher_fingerprint_and_whether_the_key_is_already_trusted() {
    let mut setup = Setup::new();
    let kit = setup.kit.clone();
    let first = kit::inspect(&kit, &setup.store, &Limits::default()).unwrap();
    assert_eq!(
        (
            first.kit_id.as_str(),
            first.publisher.as_str(),
            first.version
        ),
        (kit::demo::KIT_ID, "Relais", V),
        "inspect should read who publishes which version"
    );
    assert_eq!(first.fingerprint, setup.signer.public.fingerprint());
    assert_eq!(first.pinned, kit::PinState::New, "nothing is pinned yet");
    assert_eq!(first.installed_version, None);
    assert_eq!(first.assets, 6, "six assets would be installed");
    assert!(
        first.bytes > 100_000,
        "the assets' bytes should be summed, got {}",
        first.bytes
    );
    assert!(
        kit::list_kits(&setup.store).unwrap().is_empty(),
        "inspect must not install anything"
    );
    let json = serde_json::to_value(&first).unwrap();
    assert_eq!(
        json["pinned"], "new",
        "PinState should serialize in snake_case"
    );

    setup.import(&kit).unwrap();
    let again = kit::inspect(&kit, &setup.store, &Limits::default()).unwrap();
    assert_eq!(again.pinned, kit::PinState::Same);
    assert_eq!(again.installed_version, Some(V));

    let other = Signer::new();
    let impostor = setup.tmp.path().join("impostor");
    copy_dir(&setup.kit, &impostor);
    edit_manifest(&impostor, |m| {
        m["version"] = (V + 1).into();
        m["public_key"] = other.public.to_base64().into();
    });
    other.sign(&impostor);
    let impostor = kit::inspect(&impostor, &setup.store, &Limits::default()).unwrap();
    assert_eq!(
        impostor.pinned,
        kit::PinState::Different,
        "a kit signed by another key than the pinned one should be flagged"
    );
}

#[test]
fn a_retracted_asset_leaves_the_library_and_the_report_says_which_and_why() {
    let mut setup = Setup::new();
    let kit = setup.kit.clone();
    setup.import(&kit).unwrap();
    let retracted_id = listed_ids(&setup.store)[1].clone();
    let retracted_sha = kit::find_asset(&setup.store, kit::demo::KIT_ID, &retracted_id)
        .unwrap()
        .entry
        .sha256;
    let newer = setup.variant("retracted", |m| {
        m["version"] = (V + 1).into();
        m["assets"][1]["retracted"] = serde_json::json!({
            "reason": {"fr": "Visuel retiré à la demande de l'auteur.", "en": "Withdrawn."}
        });
    });
    let report = setup.import(&newer).expect("the update should import");
    assert_eq!(
        report.retracted.len(),
        1,
        "one asset was withdrawn: {report:?}"
    );
    assert_eq!(report.retracted[0].asset_id, retracted_id);
    assert_eq!(
        report.retracted[0].reason.fr, "Visuel retiré à la demande de l'auteur.",
        "the volunteer should be told why"
    );
    assert_eq!(report.assets, 5, "five assets remain");
    assert!(
        !listed_ids(&setup.store).contains(&retracted_id),
        "a retracted asset should vanish from the library"
    );
    assert!(
        matches!(
            kit::find_asset(&setup.store, kit::demo::KIT_ID, &retracted_id),
            Err(Error::AssetNotFound { .. })
        ),
        "a retracted asset can no longer be opened for export"
    );
    assert!(
        !setup.store.blobs().contains(&retracted_sha),
        "the withdrawn asset's blob, used by nothing else, should be deleted"
    );
}

#[test]
fn expired_and_not_yet_valid_assets_are_listed_with_the_date_that_applies() {
    let mut setup = Setup::new();
    let variant = setup.variant("dated", |m| {
        m["expires_at"] = kit::format_rfc3339(NOW + 86_400 * 30).into();
        m["assets"][0]["expires_at"] = kit::format_rfc3339(NOW - 3_600).into();
        m["assets"][1]["valid_from"] = kit::format_rfc3339(NOW + 3_600).into();
        // An asset window longer than the kit's: the kit's end applies.
        m["assets"][2]["expires_at"] = kit::format_rfc3339(NOW + 86_400 * 365).into();
    });
    setup.import(&variant).unwrap();
    let states: Vec<Value> = kit::list_assets(&setup.store, NOW)
        .unwrap()
        .iter()
        .map(|asset| serde_json::to_value(&asset.availability).unwrap())
        .collect();
    assert_eq!(
        states[0],
        serde_json::json!({"state": "expired", "since": kit::format_rfc3339(NOW - 3_600)})
    );
    assert_eq!(
        states[1],
        serde_json::json!({"state": "not_yet", "from": kit::format_rfc3339(NOW + 3_600)})
    );
    assert_eq!(states[2], serde_json::json!({"state": "available"}));
    let later = kit::list_assets(&setup.store, NOW + 86_400 * 31).unwrap();
    assert_eq!(
        serde_json::to_value(&later[2].availability).unwrap(),
        serde_json::json!({"state": "expired", "since": kit::format_rfc3339(NOW + 86_400 * 30)}),
        "the kit's own expiry applies to every asset"
    );
    assert_eq!(
        kit::list_kits(&setup.store).unwrap()[0]
            .expires_at
            .as_deref(),
        Some(kit::format_rfc3339(NOW + 86_400 * 30).as_str()),
        "the kit summary should carry its expiry"
    );
}

#[test]
fn blackout_windows_are_stored_for_the_queue() {
    let mut setup = Setup::new();
    let variant = setup.variant("silence", |m| {
        m["blackouts"] = serde_json::json!([{
            "start": "2027-06-12T22:00:00Z",
            "end": "2027-06-13T18:00:00Z",
            "reason": {"fr": "Silence électoral", "en": "Electoral silence"}
        }]);
    });
    setup.import(&variant).unwrap();
    let blackouts = kit::blackouts(&setup.store, kit::demo::KIT_ID).unwrap();
    assert_eq!(blackouts.len(), 1, "the one blackout should be stored");
    assert_eq!(blackouts[0].start, "2027-06-12T22:00:00Z");
    assert_eq!(blackouts[0].reason.fr, "Silence électoral");
    assert!(matches!(
        kit::blackouts(&setup.store, "inconnu"),
        Err(Error::KitNotFound { .. })
    ));
}

#[test]
fn removing_a_kit_forgets_its_key_and_deletes_only_blobs_no_other_kit_uses() {
    let mut setup = Setup::new();
    let kit = setup.kit.clone();
    setup.import(&kit).unwrap();
    let twin = setup.variant("twin", |m| m["id"] = "jumeau".into());
    setup.import(&twin).unwrap();
    let blobs = setup.tmp.path().join("data").join("blobs");
    let shared = blob_files(&blobs).len();

    kit::remove_kit(&mut setup.store, "jumeau").unwrap();
    assert_eq!(
        blob_files(&blobs).len(),
        shared,
        "blobs still used by the demo kit must stay"
    );
    assert_eq!(
        listed_ids(&setup.store).len(),
        6,
        "the demo kit is untouched"
    );

    kit::remove_kit(&mut setup.store, kit::demo::KIT_ID).unwrap();
    assert!(
        blob_files(&blobs).is_empty(),
        "with no kit left, no blob should remain: {:?}",
        blob_files(&blobs)
    );
    assert!(kit::list_kits(&setup.store).unwrap().is_empty());
    assert!(
        matches!(
            import_folder(
                &mut setup.store,
                &kit,
                &Trust::KnownOnly,
                NOW,
                &Limits::default()
            ),
            Err(Error::NotTrusted { .. })
        ),
        "a removed kit's key is forgotten: it needs confirming again"
    );
    assert!(matches!(
        kit::remove_kit(&mut setup.store, "jumeau"),
        Err(Error::KitNotFound { .. })
    ));
}

#[test]
fn thumbnails_are_reused_for_assets_with_the_same_bytes() {
    let mut setup = Setup::new();
    let kit = setup.kit.clone();
    setup.import(&kit).unwrap();
    // Point the installed asset at a marker thumbnail: a second kit listing the same
    // bytes must reuse it rather than draw its own.
    let first = &kit::list_assets(&setup.store, NOW).unwrap()[0];
    let marker = setup.store.blobs().put(b"marker thumbnail").unwrap();
    setup
        .store
        .conn()
        .execute(
            "UPDATE asset SET thumb_sha256 = ?1 WHERE sha256 = ?2",
            (&marker, &first.entry.sha256),
        )
        .unwrap();
    let twin = setup.variant("twin", |m| m["id"] = "jumeau".into());
    setup.import(&twin).unwrap();
    let reused = kit::find_asset(&setup.store, "jumeau", &first.entry.id).unwrap();
    assert_eq!(
        reused.thumb_sha256, marker,
        "the cached thumbnail for these bytes should be reused"
    );
}

#[test]
fn a_kit_signed_by_another_key_than_the_pinned_one_is_refused_naming_both_keys() {
    let mut setup = Setup::new();
    let kit = setup.kit.clone();
    setup.import(&kit).unwrap();
    let other = Signer::new();
    let newer = setup.tmp.path().join("rotated");
    copy_dir(&setup.kit, &newer);
    edit_manifest(&newer, |m| {
        m["version"] = (V + 1).into();
        m["public_key"] = other.public.to_base64().into();
    });
    other.sign(&newer);
    let error = import_folder(
        &mut setup.store,
        &newer,
        &Trust::KnownOnly,
        NOW,
        &Limits::default(),
    )
    .expect_err("a new key must never replace a pinned one silently");
    let message = error.to_string();
    match error {
        Error::KeyChanged {
            pinned, offered, ..
        } => {
            assert_eq!(pinned, setup.signer.public.fingerprint());
            assert_eq!(offered, other.public.fingerprint());
            assert!(
                message.contains(&pinned.to_string()) && message.contains(&offered.to_string()),
                "the message should name both fingerprints: {message}"
            );
        }
        other => panic!("expected KeyChanged, got {other:?}"),
    }
}

/// The embedded demo kit, unpacked into `dir` as the app would see it.
fn embedded_demo(dir: &Path) -> PathBuf {
    let file = dir.join("demo.relais");
    std::fs::write(&file, kit::demo::SIGNED_KIT).unwrap();
    let out = dir.join("demo");
    std::fs::create_dir_all(&out).unwrap();
    kit::archive::Archive::open(&file)
        .unwrap()
        .unpack_kit(&out, &Limits::default())
        .unwrap();
    out
}

#[test]
fn the_embedded_demo_kit_verifies_with_its_key_and_with_the_minisign_program() {
    let tmp = TempDir::new().unwrap();
    let demo = embedded_demo(tmp.path());
    let key = PublicKey::parse(kit::demo::PUBLIC_KEY).unwrap();
    let verified = kit::verify_folder(&demo, Some(&key), &Limits::default(), &mut |_| {})
        .expect("the embedded demo kit should verify with the embedded key");
    assert_eq!(
        verified.manifest.version,
        kit::demo::VERSION,
        "embedded kit and VERSION agree"
    );
    let pub_file = tmp.path().join("demo.pub");
    std::fs::write(&pub_file, kit::demo::PUBLIC_KEY).unwrap();
    let output = std::process::Command::new("minisign")
        .arg("-Vm")
        .arg(demo.join(MANIFEST_FILE))
        .arg("-p")
        .arg(&pub_file)
        .output()
        .expect("the minisign program should be installed (apt-get install minisign)");
    assert!(
        output.status.success(),
        "minisign should accept the embedded demo kit: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn the_embedded_demo_kit_matches_a_fresh_drawing() {
    let tmp = TempDir::new().unwrap();
    let demo = embedded_demo(tmp.path());
    let drawn = support::write_demo_kit(&tmp.path().join("drawn"));
    let hashes = |dir: &Path| -> Vec<(String, String)> {
        let manifest: Value =
            serde_json::from_slice(&std::fs::read(dir.join(MANIFEST_FILE)).unwrap()).unwrap();
        manifest["assets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    a["id"].as_str().unwrap().to_owned(),
                    a["sha256"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    assert_eq!(
        hashes(&demo),
        hashes(&drawn),
        "the drawings changed since the demo kit was built: bump kit::demo::VERSION and run scripts/build-demo-kit.sh"
    );
}

#[test]
fn a_disk_failure_while_storing_an_update_leaves_the_installed_version_usable() {
    let mut setup = Setup::new();
    let kit = setup.kit.clone();
    setup.import(&kit).unwrap();
    let before = setup.library();

    let new_png = support::png(120, 150, |x, y| [x as u8, y as u8, 200, 255]);
    let new_sha = support::sha256_hex(&new_png);
    let variant = setup.variant("v-next", |m| {
        m["version"] = (V + 1).into();
        m["assets"][0]["size"] = new_png.len().into();
        m["assets"][0]["sha256"] = new_sha.clone().into();
        m["assets"][0]["width"] = 120.into();
        m["assets"][0]["height"] = 150.into();
    });
    std::fs::write(variant.join(asset_file(&variant, 0)), &new_png).unwrap();
    // A folder where the new blob must go makes its write fail after every check
    // passed, as a full disk would (permissions cannot: tests may run as root).
    let obstacle = setup.store.blobs().path(&new_sha).unwrap();
    std::fs::create_dir_all(&obstacle).unwrap();

    match setup.import(&variant) {
        Err(Error::Blob { .. }) => {}
        other => panic!("a failing blob write should be a Blob error, got {other:?}"),
    }
    assert_eq!(
        setup.library(),
        before,
        "the library should still show the installed version"
    );
    for asset in kit::list_assets(&setup.store, NOW).unwrap() {
        kit::load_picture(&setup.store, &asset, &Limits::default())
            .unwrap_or_else(|error| panic!("{} should still load: {error}", asset.entry.id));
    }

    std::fs::remove_dir(&obstacle).unwrap();
    let report = setup
        .import(&variant)
        .expect("once the disk recovers, the same update should import");
    assert_eq!(report.outcome, ImportOutcome::Updated(V));
}

#[test]
fn unknown_fields_from_a_newer_minor_format_are_ignored() {
    let mut setup = Setup::new();
    let variant = setup.variant("newer-minor", |m| {
        m["sponsor"] = "un champ d'une version future".into();
        m["assets"][0]["hologram"] = serde_json::json!({"depth": 3});
        m["assets"][0]["zones"] = serde_json::json!([{
            "x": 0.1, "y": 0.1, "width": 0.5, "height": 0.2, "wobble": true
        }]);
    });
    let report = setup
        .import(&variant)
        .expect("fields this Relais does not know must not block the kit");
    assert_eq!(report.assets, 6, "every asset should be installed");
}

#[test]
fn a_font_over_the_file_size_limit_is_refused_by_the_build_not_kept_truncated() {
    let signer = Signer::new();
    let work = TempDir::new().unwrap();
    let src = work.path().join("src");
    std::fs::create_dir_all(src.join("fonts")).unwrap();
    std::fs::write(
        src.join("affiche.png"),
        support::png(32, 32, |_, _| [9, 9, 9, 255]),
    )
    .unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("src-tauri/render/fonts/Inter-Bold.otf"),
        src.join("fonts/Inter-Bold.otf"),
    )
    .unwrap();
    std::fs::write(
        src.join("kit.toml"),
        "id = \"polices\"\npublisher = \"Comité\"\nversion = 1\n\
         title = { fr = \"Polices\", en = \"Fonts\" }\n\n\
         [[fonts]]\nfile = \"fonts/Inter-Bold.otf\"\nfamily = \"Inter\"\n\n\
         [[assets]]\nid = \"affiche\"\nkind = \"image\"\nfile = \"affiche.png\"\n\
         title = { fr = \"Affiche\", en = \"Poster\" }\n",
    )
    .unwrap();
    // Inter Bold is far over 10 kB; the poster is under it.
    let limits = Limits {
        max_file_bytes: 10_000,
        ..Limits::default()
    };
    let out = work.path().join("out");
    let error = kit::source::build(&src, &signer.secret, &out, NOW, &limits)
        .expect_err("a font over the limit must not be built into the kit");
    let message = error.to_string();
    assert!(
        message.contains("fonts[0].file") && message.contains("larger than 10000 bytes"),
        "names the font and the limit: {message}"
    );
    assert!(!out.exists(), "nothing is written for a refused build");
}

#[test]
fn a_gif_too_long_to_hold_decoded_is_imported_checked_one_frame_at_a_time() {
    let mut setup = Setup::new();
    let trust = setup.signer.trust();
    // The demo GIF is 16 frames of 480x480; this budget holds six decoded frames.
    let limits = Limits {
        max_animation_bytes: 480 * 480 * 4 * 6,
        ..Limits::default()
    };
    let report = import_folder(&mut setup.store, &setup.kit, &trust, NOW, &limits)
        .expect("a GIF that can be captioned frame by frame is importable");
    assert_eq!(report.assets, 6, "the GIF is imported with the posters");
    let gif = kit::find_asset(&setup.store, &report.kit_id, "a-vos-urnes").unwrap();
    assert!(
        matches!(
            kit::load_picture(&setup.store, &gif, &limits),
            Err(Error::Image { .. })
        ),
        "decoded whole it is over the budget, which the import therefore never did"
    );
    let first = kit::load_first_frame(&setup.store, &gif, &limits)
        .expect("the editor's first frame decodes within the budget");
    assert_eq!(first.dimensions(), (480, 480));
}
