//! The organizer's kit tools, run as an organizer would: `relais kit keygen`, `build`
//! and `verify`, and their compatibility with the standard `minisign` program.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use relais::kit::signature::{self, SecretKeyFile};
use relais::kit::Manifest;
use tempfile::TempDir;

use crate::support::{self, relais};

const KIT_ID: &str = "municipales";
const PASSWORD: &str = "correct horse battery staple";

/// kit.toml for two of the demo kit's files: a still poster and the animated GIF.
fn kit_toml(version: u64) -> String {
    format!(
        r#"id = "{KIT_ID}"
publisher = "Comité de soutien"
version = {version}
title = {{ fr = "Municipales", en = "Local elections" }}

[[assets]]
id = "partagez"
kind = "image"
file = "partagez.png"
title = {{ fr = "Partagez !", en = "Share it!" }}
tags = ["partage"]
alt = {{ fr = "Visuel carré jaune.", en = "Yellow square visual." }}
captions = {{ fr = ["Fais tourner !"], en = ["Pass it on!"] }}
post_texts = {{ fr = ["Une affiche, mille relais."] }}
credit = "Comité"
licence = "CC-BY-4.0"

[[assets.zones]]
x = 0.06
y = 0.74
width = 0.88
height = 0.2
locked = true

[[assets]]
id = "a-vos-urnes"
kind = "animation"
file = "{gif}"
title = {{ fr = "À vos urnes", en = "To the ballot box" }}
"#,
        gif = support::DEMO_GIF
    )
}

/// A temp HOME with an organizer's source folder (demo assets + kit.toml) in `src/`.
struct Organizer {
    home: TempDir,
}

impl Organizer {
    fn new() -> Self {
        let home = TempDir::new().unwrap();
        let organizer = Self { home };
        let src = organizer.src();
        organizer
            .relais()
            .args(["kit", "demo", "--out"])
            .arg(&src)
            .assert()
            .success();
        // The demo's own kit.json is not part of a source folder.
        std::fs::remove_file(src.join("kit.json")).unwrap();
        std::fs::write(src.join("kit.toml"), kit_toml(2)).unwrap();
        organizer
    }

    fn path(&self, name: &str) -> PathBuf {
        self.home.path().join(name)
    }

    fn src(&self) -> PathBuf {
        self.path("src")
    }

    fn relais(&self) -> assert_cmd::Command {
        let mut command = relais(self.home.path());
        command.env_remove("RELAIS_KEY_PASSWORD");
        command
    }

    /// An unencrypted key pair in `name/`, returned as (secret, public) paths.
    fn keygen(&self, name: &str) -> (PathBuf, PathBuf) {
        let dir = self.path(name);
        let output = self
            .relais()
            .args(["kit", "keygen", "--unencrypted", "--out"])
            .arg(&dir)
            .output()
            .unwrap();
        assert_success(&output, "keygen --unencrypted");
        (dir.join("relais-kit.key"), dir.join("relais-kit.pub"))
    }

    fn build(&self, key: &Path, out: &str) -> Output {
        self.relais()
            .args(["kit", "build"])
            .arg(self.src())
            .arg("--key")
            .arg(key)
            .arg("--out")
            .arg(self.path(out))
            .output()
            .unwrap()
    }

    /// A signed kit in `out/`, built with a fresh key in `keys/`; returns the public key.
    fn built_kit(&self) -> PathBuf {
        let (secret, public) = self.keygen("keys");
        assert_success(&self.build(&secret, "out"), "build");
        public
    }

    fn verify(&self, kit: &str, pubkey: Option<&Path>) -> Output {
        let mut command = self.relais();
        command.args(["kit", "verify"]).arg(self.path(kit));
        if let Some(pubkey) = pubkey {
            command.arg("--pubkey").arg(pubkey);
        }
        command.output().unwrap()
    }
}

fn stdout_of(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr_of(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn assert_success(output: &Output, what: &str) {
    assert!(
        output.status.success(),
        "`relais kit {what}` should succeed; stderr: {}",
        stderr_of(output)
    );
}

fn assert_failure_mentions(output: &Output, what: &str, needles: &[&str]) {
    assert!(
        !output.status.success(),
        "{what} should make the command fail; stdout: {}",
        stdout_of(output)
    );
    let stderr = stderr_of(output);
    for needle in needles {
        assert!(
            stderr.contains(needle),
            "{what}: the error should mention {needle:?}, got {stderr:?}"
        );
    }
}

/// The system `minisign`, or None (test skipped) when it is not installed, unless
/// RELAIS_E2E_REQUIRED=1 says this machine must have it.
fn system_minisign() -> Option<Command> {
    let found = Command::new("minisign")
        .arg("-v")
        .output()
        .is_ok_and(|output| output.status.success());
    if found {
        return Some(Command::new("minisign"));
    }
    if std::env::var("RELAIS_E2E_REQUIRED").as_deref() == Ok("1") {
        panic!("RELAIS_E2E_REQUIRED=1 but the `minisign` program is not on PATH");
    }
    eprintln!("skipped: the `minisign` program is not on PATH");
    None
}

#[test]
fn keygen_build_and_verify_make_a_kit_that_checks_out() {
    let organizer = Organizer::new();
    let keys = organizer.path("keys");
    let output = organizer
        .relais()
        .args(["kit", "keygen", "--unencrypted", "--out"])
        .arg(&keys)
        .output()
        .unwrap();
    assert_success(&output, "keygen");
    let public_file = std::fs::read_to_string(keys.join("relais-kit.pub")).unwrap();
    let public_line = public_file.lines().nth(1).unwrap();
    let fingerprint = signature::PublicKey::parse(&public_file)
        .unwrap()
        .fingerprint()
        .to_string();
    let printed = stdout_of(&output);
    assert!(
        printed.contains(public_line) && printed.contains(&fingerprint),
        "keygen should print the public key and its fingerprint, got {printed:?}"
    );

    let build = organizer.build(&keys.join("relais-kit.key"), "out");
    assert_success(&build, "build");
    assert_eq!(
        support::entries(&organizer.path("out")),
        [
            "a-vos-urnes.gif",
            "kit.json",
            "kit.json.minisig",
            "partagez.png"
        ],
        "the built kit holds the listed assets, kit.json and its signature, nothing else"
    );
    let manifest =
        Manifest::parse(&std::fs::read(organizer.path("out/kit.json")).unwrap()).unwrap();
    let poster = &manifest.assets[0];
    let poster_bytes = std::fs::read(organizer.src().join("partagez.png")).unwrap();
    assert_eq!(
        (
            poster.size,
            poster.sha256.as_str(),
            poster.width,
            poster.height
        ),
        (
            poster_bytes.len() as u64,
            support::sha256_hex(&poster_bytes).as_str(),
            1080,
            1080
        ),
        "build fills in size, SHA-256 and dimensions measured from the file"
    );
    assert!(
        poster.zones[0].locked && manifest.assets[1].title.en == "To the ballot box",
        "fields written in kit.toml are carried into kit.json"
    );

    let verify = organizer.verify("out", Some(&keys.join("relais-kit.pub")));
    assert_success(&verify, "verify");
    let report = stdout_of(&verify);
    for expected in [
        "signature",
        &fingerprint,
        "kit=municipales version=2",
        "partagez.png",
        "a-vos-urnes.gif",
    ] {
        assert!(
            report.contains(expected),
            "verify should report each check that passed, including {expected:?}; got {report:?}"
        );
    }

    // The bare base64 line works as well as the .pub file.
    let by_line = organizer
        .relais()
        .args(["kit", "verify"])
        .arg(organizer.path("out"))
        .args(["--pubkey", public_line])
        .output()
        .unwrap();
    assert_success(&by_line, "verify --pubkey <base64>");
}

#[test]
fn verify_without_a_public_key_shows_the_embedded_fingerprint_but_does_not_trust_the_kit() {
    let organizer = Organizer::new();
    let public = organizer.built_kit();
    let fingerprint = signature::PublicKey::from_file_or_text(public.to_str().unwrap())
        .unwrap()
        .fingerprint()
        .to_string();
    let output = organizer.verify("out", None);
    assert_failure_mentions(&output, "verifying without --pubkey", &["--pubkey"]);
    assert!(
        stdout_of(&output).contains(&fingerprint),
        "the fingerprint kit.json carries should be printed, marked unchecked, so the organizer's key can be looked up"
    );
}

#[test]
fn the_standard_minisign_program_accepts_our_signature() {
    let Some(mut minisign) = system_minisign() else {
        return;
    };
    let organizer = Organizer::new();
    let public = organizer.built_kit();
    let output = minisign
        .arg("-V")
        .arg("-p")
        .arg(&public)
        .arg("-m")
        .arg(organizer.path("out/kit.json"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "`minisign -V` should accept the signature `relais kit build` wrote; stderr: {}",
        stderr_of(&output)
    );
    assert!(
        stdout_of(&output).contains("kit=municipales version=2")
            || stderr_of(&output).contains("kit=municipales version=2"),
        "minisign should show our trusted comment"
    );
}

#[test]
fn a_kit_signed_with_the_standard_minisign_program_verifies_with_ours() {
    let Some(mut minisign) = system_minisign() else {
        return;
    };
    let organizer = Organizer::new();
    organizer.built_kit();
    let (secret, public) = (organizer.path("m.key"), organizer.path("m.pub"));
    let generated = Command::new("minisign")
        .args(["-G", "-W", "-p"])
        .arg(&public)
        .arg("-s")
        .arg(&secret)
        .output()
        .unwrap();
    assert!(generated.status.success(), "minisign -G -W should work");
    // Replace our signature with one made by minisign, as an organizer might.
    let signed = minisign
        .arg("-S")
        .arg("-s")
        .arg(&secret)
        .arg("-m")
        .arg(organizer.path("out/kit.json"))
        .args(["-t", "kit=municipales version=2"])
        .output()
        .unwrap();
    assert!(
        signed.status.success(),
        "minisign -S should sign; stderr: {}",
        stderr_of(&signed)
    );
    let verify = organizer.verify("out", Some(&public));
    assert_success(&verify, "verify of a kit signed by minisign");

    // And a key made by `relais kit keygen` signs with minisign too.
    let ours = organizer.path("keys/relais-kit.key");
    let resigned = Command::new("minisign")
        .arg("-S")
        .arg("-s")
        .arg(&ours)
        .arg("-m")
        .arg(organizer.path("out/kit.json"))
        .args(["-t", "kit=municipales version=2"])
        .output()
        .unwrap();
    assert!(
        resigned.status.success(),
        "minisign -S should read a secret key written by relais kit keygen; stderr: {}",
        stderr_of(&resigned)
    );
    assert_success(
        &organizer.verify("out", Some(&organizer.path("keys/relais-kit.pub"))),
        "verify of our key's minisign signature",
    );
}

#[test]
fn an_altered_kit_json_fails_verification_naming_the_signature() {
    let organizer = Organizer::new();
    let public = organizer.built_kit();
    let path = organizer.path("out/kit.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let altered = text.replace("Comité de soutien", "Comité de sabotage");
    assert_ne!(text, altered, "the test must really change kit.json");
    std::fs::write(&path, altered).unwrap();
    assert_failure_mentions(
        &organizer.verify("out", Some(&public)),
        "a kit.json edited after signing",
        &["signature", "altered"],
    );
}

#[test]
fn a_signature_by_another_key_fails_verification() {
    let organizer = Organizer::new();
    organizer.built_kit();
    let (_, other_public) = organizer.keygen("other-keys");
    assert_failure_mentions(
        &organizer.verify("out", Some(&other_public)),
        "checking with a key that did not sign the kit",
        &["kit.json.minisig", "not signed by"],
    );
}

#[test]
fn a_signature_whose_trusted_comment_names_another_version_or_kit_is_refused() {
    let organizer = Organizer::new();
    let public = organizer.built_kit();
    let out = organizer.path("out");
    let manifest_bytes = std::fs::read(out.join("kit.json")).unwrap();
    let manifest = Manifest::parse(&manifest_bytes).unwrap();
    let key = SecretKeyFile::read(&organizer.path("keys/relais-kit.key"))
        .unwrap()
        .unlock(None)
        .unwrap();
    let mut older = manifest.clone();
    older.version = 1;
    let mut other_kit = manifest.clone();
    other_kit.id = "autre-kit".to_owned();
    for (claimed, what) in [(older, "version 1"), (other_kit, "another kit")] {
        // A valid signature over these very bytes, but vouching for something else:
        // only the trusted comment can tell.
        let replayed =
            signature::sign(&key, &manifest_bytes, &claimed.id, claimed.version).unwrap();
        std::fs::write(out.join("kit.json.minisig"), replayed.to_file_text()).unwrap();
        assert_failure_mentions(
            &organizer.verify("out", Some(&public)),
            &format!("a signature whose trusted comment names {what}"),
            &["trusted comment", "kit=municipales version=2"],
        );
    }
}

#[test]
fn a_flipped_byte_in_an_asset_fails_verification_naming_the_file() {
    let organizer = Organizer::new();
    let public = organizer.built_kit();
    let path = organizer.path("out/partagez.png");
    let mut bytes = std::fs::read(&path).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(&path, bytes).unwrap();
    let output = organizer.verify("out", Some(&public));
    assert_failure_mentions(
        &output,
        "an asset changed after signing",
        &["partagez.png", "SHA-256"],
    );
    assert!(
        stdout_of(&output).contains("ok  signature"),
        "the signature itself still checks out: only the file is wrong"
    );
}

#[test]
fn keygen_refuses_to_overwrite_an_existing_key() {
    let organizer = Organizer::new();
    let (secret, public) = organizer.keygen("keys");
    let before = (
        std::fs::read(&secret).unwrap(),
        std::fs::read(&public).unwrap(),
    );
    let output = organizer
        .relais()
        .args(["kit", "keygen", "--unencrypted", "--out"])
        .arg(organizer.path("keys"))
        .output()
        .unwrap();
    assert_failure_mentions(
        &output,
        "a second keygen into the same folder",
        &["relais-kit.key", "already exists"],
    );
    assert_eq!(
        (
            std::fs::read(&secret).unwrap(),
            std::fs::read(&public).unwrap()
        ),
        before,
        "the existing key pair must be left byte for byte as it was"
    );
}

#[test]
fn a_password_protected_key_needs_its_password_to_build() {
    let organizer = Organizer::new();
    let keys = organizer.path("keys");
    let keygen = organizer
        .relais()
        .env("RELAIS_KEY_PASSWORD", PASSWORD)
        .args(["kit", "keygen", "--out"])
        .arg(&keys)
        .output()
        .unwrap();
    assert_success(&keygen, "keygen with a password");
    assert!(
        !stdout_of(&keygen).contains(PASSWORD) && !stderr_of(&keygen).contains(PASSWORD),
        "the password must never be printed"
    );
    let secret = keys.join("relais-kit.key");
    assert!(
        SecretKeyFile::read(&secret).unwrap().is_encrypted(),
        "without --unencrypted the secret key is password-protected"
    );

    assert_failure_mentions(
        &organizer.build(&secret, "out"),
        "building with an encrypted key, no RELAIS_KEY_PASSWORD and no terminal",
        &["password", "RELAIS_KEY_PASSWORD"],
    );
    let wrong = organizer
        .relais()
        .env("RELAIS_KEY_PASSWORD", "not the password")
        .args(["kit", "build"])
        .arg(organizer.src())
        .arg("--key")
        .arg(&secret)
        .arg("--out")
        .arg(organizer.path("out"))
        .output()
        .unwrap();
    assert_failure_mentions(&wrong, "a wrong password", &["wrong password"]);
    assert!(
        !organizer.path("out").exists(),
        "a failed build leaves no output folder"
    );
    let right = organizer
        .relais()
        .env("RELAIS_KEY_PASSWORD", PASSWORD)
        .args(["kit", "build"])
        .arg(organizer.src())
        .arg("--key")
        .arg(&secret)
        .arg("--out")
        .arg(organizer.path("out"))
        .output()
        .unwrap();
    assert_success(&right, "build with the right password");
    assert_success(
        &organizer.verify("out", Some(&keys.join("relais-kit.pub"))),
        "verify",
    );
}

#[test]
fn build_refuses_a_kit_toml_naming_a_missing_file_and_names_the_field() {
    let organizer = Organizer::new();
    let (secret, _) = organizer.keygen("keys");
    std::fs::remove_file(organizer.src().join(support::DEMO_GIF)).unwrap();
    assert_failure_mentions(
        &organizer.build(&secret, "out"),
        "a kit.toml listing a file that is not there",
        &["kit.toml", "assets[1].file", support::DEMO_GIF],
    );
    assert!(
        !organizer.path("out").exists(),
        "a refused build must not leave a half-built kit behind"
    );
    assert!(
        support::entries(organizer.home.path())
            .iter()
            .all(|name| !name.starts_with(".relais-kit-build-")),
        "the staging folder is cleaned up after a refused build"
    );
}

#[test]
fn build_refuses_two_assets_with_the_same_id_and_names_the_field() {
    let organizer = Organizer::new();
    let (secret, _) = organizer.keygen("keys");
    let toml = kit_toml(2).replace(r#"id = "a-vos-urnes""#, r#"id = "partagez""#);
    std::fs::write(organizer.src().join("kit.toml"), toml).unwrap();
    assert_failure_mentions(
        &organizer.build(&secret, "out"),
        "two assets sharing an id",
        &["kit.toml", "assets[1].id", "two assets"],
    );
    assert!(!organizer.path("out").exists(), "nothing is written");
}

#[test]
fn build_refuses_a_kind_that_does_not_match_the_file() {
    let organizer = Organizer::new();
    let (secret, _) = organizer.keygen("keys");
    let toml = kit_toml(2).replace(r#"kind = "animation""#, r#"kind = "image""#);
    std::fs::write(organizer.src().join("kit.toml"), toml).unwrap();
    assert_failure_mentions(
        &organizer.build(&secret, "out"),
        "an animated GIF declared as a still image",
        &["assets[1].kind", "animation"],
    );
}

#[test]
fn build_refuses_a_misspelt_kit_toml_field() {
    let organizer = Organizer::new();
    let (secret, _) = organizer.keygen("keys");
    let toml = kit_toml(2).replace("credit =", "credits =");
    std::fs::write(organizer.src().join("kit.toml"), toml).unwrap();
    assert_failure_mentions(
        &organizer.build(&secret, "out"),
        "an unknown field, which would otherwise be silently dropped",
        &["kit.toml", "credits"],
    );
}

#[test]
fn build_refuses_to_overwrite_a_non_empty_output_folder() {
    let organizer = Organizer::new();
    let (secret, _) = organizer.keygen("keys");
    let out = organizer.path("out");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    assert_failure_mentions(
        &organizer.build(&secret, "out"),
        "an output folder that already holds files",
        &["already exists"],
    );
    assert_eq!(
        support::entries(&out),
        ["notes.txt"],
        "the existing folder is left as it was"
    );

    std::fs::remove_file(out.join("notes.txt")).unwrap();
    assert_success(
        &organizer.build(&secret, "out"),
        "build into an existing empty folder",
    );
}

impl Organizer {
    /// `relais kit import` into this organizer's test data folder.
    fn import(&self, source: &Path, trust: Option<&str>, json: bool) -> Output {
        let mut command = self.relais();
        command
            .arg("--data-dir")
            .arg(self.path("data"))
            .args(["kit", "import"])
            .arg(source);
        if let Some(trust) = trust {
            command.args(["--trust", trust]);
        }
        if json {
            command.arg("--json");
        }
        command.output().unwrap()
    }

    fn kits(&self) -> Vec<serde_json::Value> {
        let output = self
            .relais()
            .arg("--data-dir")
            .arg(self.path("data"))
            .args(["kit", "list", "--json"])
            .output()
            .unwrap();
        assert_success(&output, "list --json");
        serde_json::from_slice(&output.stdout).expect("kit list --json should print JSON")
    }
}

fn kit_ids(kits: &[serde_json::Value]) -> Vec<&str> {
    kits.iter().map(|kit| kit["id"].as_str().unwrap()).collect()
}

#[test]
fn a_relais_file_round_trips_from_keygen_to_build_verify_and_import() {
    let organizer = Organizer::new();
    let (secret, public) = organizer.keygen("keys");
    assert_success(
        &organizer.build(&secret, "kit.relais"),
        "build --out kit.relais",
    );
    assert!(
        organizer.path("kit.relais").is_file(),
        "build --out X.relais should write a single file"
    );
    assert!(
        !support::entries(organizer.home.path())
            .iter()
            .any(|name| name.contains(".part") || name.starts_with(".relais-kit")),
        "no temp file should be left beside the output"
    );
    let verified = organizer.verify("kit.relais", Some(&public));
    assert_success(&verified, "verify kit.relais");
    assert!(
        stdout_of(&verified).contains("signature and all 2 files check out"),
        "verify should report every check: {}",
        stdout_of(&verified)
    );
    let fingerprint = signature::PublicKey::parse(&std::fs::read_to_string(&public).unwrap())
        .unwrap()
        .fingerprint();
    let output = organizer.import(
        &organizer.path("kit.relais"),
        Some(&fingerprint.compact()),
        true,
    );
    assert_success(&output, "import --trust FINGERPRINT --json");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["kit_id"], KIT_ID);
    assert_eq!(report["outcome"], "installed");
    assert_eq!(report["fingerprint"], fingerprint.to_string().as_str());
    assert_eq!(report["assets"], 2);
}

#[test]
fn importing_an_unknown_kit_without_trust_prints_the_fingerprint_and_the_command_to_confirm_it() {
    let organizer = Organizer::new();
    let (secret, public) = organizer.keygen("keys");
    assert_success(&organizer.build(&secret, "kit.relais"), "build");
    let fingerprint = signature::PublicKey::parse(&std::fs::read_to_string(&public).unwrap())
        .unwrap()
        .fingerprint();
    let key_id = fingerprint.compact();
    let kit = organizer.path("kit.relais");
    let refused = organizer.import(&kit, None, false);
    assert_failure_mentions(
        &refused,
        "an unknown kit without --trust",
        &[
            "Comité de soutien",
            KIT_ID,
            "version 2",
            &fingerprint.to_string(),
            "--trust",
        ],
    );
    assert!(
        !kit_ids(&organizer.kits()).contains(&KIT_ID),
        "nothing should be imported before the key is confirmed"
    );
    let stderr = stderr_of(&refused);
    let command = stderr
        .lines()
        .find_map(|line| line.trim().strip_prefix("relais "))
        .expect("the error should show the command to run");
    let args: Vec<&str> = command.split_whitespace().collect();
    assert_eq!(
        args,
        [
            "kit",
            "import",
            kit.to_str().unwrap(),
            "--trust",
            key_id.as_str()
        ],
        "the printed command should be exactly the one to re-run"
    );
    let output = organizer
        .relais()
        .arg("--data-dir")
        .arg(organizer.path("data"))
        .args(&args)
        .output()
        .unwrap();
    assert_success(&output, "the printed import command");
    let kits = organizer.kits();
    let imported = kits.iter().find(|kit| kit["id"] == KIT_ID).unwrap();
    assert_eq!(
        imported["fingerprint"],
        fingerprint.to_string().as_str(),
        "list --json shows the key"
    );
    assert_eq!(imported["version"], 2);
    for field in [
        "title",
        "publisher",
        "assets",
        "installed_at",
        "source_url",
        "last_checked",
        "expires_at",
    ] {
        assert!(
            imported.get(field).is_some(),
            "list --json should carry `{field}`"
        );
    }
}

#[test]
fn a_public_key_given_to_trust_pins_it_and_remove_forgets_the_kit() {
    let organizer = Organizer::new();
    let (secret, public) = organizer.keygen("keys");
    assert_success(&organizer.build(&secret, "out"), "build into a folder");
    let output = organizer.import(
        &organizer.path("out"),
        Some(public.to_str().unwrap()),
        false,
    );
    assert_success(&output, "import FOLDER --trust PUBFILE");
    assert!(
        stdout_of(&output).contains("installed"),
        "{}",
        stdout_of(&output)
    );
    let again = organizer.import(&organizer.path("out"), None, false);
    assert_success(&again, "re-import of a pinned kit without --trust");
    assert!(
        stdout_of(&again).contains("unchanged"),
        "{}",
        stdout_of(&again)
    );

    let (other_secret, other_public) = organizer.keygen("other-keys");
    std::fs::write(organizer.src().join("kit.toml"), kit_toml(3)).unwrap();
    assert_success(
        &organizer.build(&other_secret, "v3.relais"),
        "build v3 with another key",
    );
    let refused = organizer.import(
        &organizer.path("v3.relais"),
        Some(other_public.to_str().unwrap()),
        false,
    );
    assert_failure_mentions(
        &refused,
        "a pinned kit signed by another key",
        &[KIT_ID, "remove"],
    );

    let removed = organizer
        .relais()
        .arg("--data-dir")
        .arg(organizer.path("data"))
        .args(["kit", "remove", KIT_ID])
        .output()
        .unwrap();
    assert_success(&removed, "remove");
    assert!(
        !kit_ids(&organizer.kits()).contains(&KIT_ID),
        "the kit should be gone"
    );
    let missing = organizer
        .relais()
        .arg("--data-dir")
        .arg(organizer.path("data"))
        .args(["kit", "remove", KIT_ID])
        .output()
        .unwrap();
    assert_failure_mentions(&missing, "removing an absent kit", &[KIT_ID]);
}

#[test]
fn importing_a_url_goes_to_sync_which_names_the_unreachable_server() {
    let organizer = Organizer::new();
    // Port 1 on loopback: nothing listens, so the connection is refused at once.
    let output = organizer.import(Path::new("http://127.0.0.1:1/kit/"), None, false);
    assert!(!output.status.success(), "nothing serves this kit");
    assert!(
        stderr_of(&output).contains("Cannot reach 127.0.0.1"),
        "the error names the server it could not reach: {}",
        stderr_of(&output)
    );
    assert!(
        !stderr_of(&output).contains("neither a kit folder"),
        "a URL must not be treated as a path: {}",
        stderr_of(&output)
    );
}

#[test]
fn the_standard_minisign_program_accepts_the_kit_inside_a_relais_file() {
    let Some(mut minisign) = system_minisign() else {
        return;
    };
    let organizer = Organizer::new();
    let (secret, public) = organizer.keygen("keys");
    assert_success(&organizer.build(&secret, "kit.relais"), "build");
    let unpacked = organizer.path("unpacked");
    std::fs::create_dir_all(&unpacked).unwrap();
    relais::kit::archive::Archive::open(&organizer.path("kit.relais"))
        .unwrap()
        .unpack_kit(&unpacked, &relais::render::Limits::default())
        .unwrap();
    let output = minisign
        .arg("-Vm")
        .arg(unpacked.join("kit.json"))
        .arg("-p")
        .arg(&public)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "minisign should verify kit.json from the .relais file: {}",
        stderr_of(&output)
    );
}

#[test]
fn build_carries_fonts_styles_blackouts_validity_and_retraction_through_to_the_library() {
    let organizer = Organizer::new();
    let src = organizer.src();
    std::fs::create_dir_all(src.join("fonts")).unwrap();
    let font = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("src-tauri/render/fonts/Inter-Bold.otf"),
    )
    .unwrap();
    std::fs::write(src.join("fonts/Inter-Bold.otf"), &font).unwrap();
    std::fs::write(
        src.join("kit.toml"),
        format!(
            r#"id = "{KIT_ID}"
publisher = "Comité de soutien"
version = 4
title = {{ fr = "Municipales" }}
expires_at = "2099-03-23T20:00:00+01:00"

[[blackouts]]
start = "2099-03-14T00:00:00+01:00"
end = "2099-03-15T20:00:00+01:00"
reason = {{ fr = "Silence électoral" }}

[[fonts]]
file = "fonts/Inter-Bold.otf"
family = "Inter"

[[styles]]
id = "bandeau"
name = {{ fr = "Bandeau" }}
style = {{ face = "sans_bold", max_lines = 2 }}

[[assets]]
id = "partagez"
kind = "image"
file = "partagez.png"
title = {{ fr = "Partagez !" }}
valid_from = "2020-01-01T00:00:00Z"

[[assets.zones]]
x = 0.1
y = 0.7
width = 0.8
height = 0.2
style_id = "bandeau"
movable = false

[[assets]]
id = "a-vos-urnes"
kind = "animation"
file = "{gif}"
title = {{ fr = "À vos urnes" }}
retracted = {{ reason = {{ fr = "Remplacé." }} }}
"#,
            gif = support::DEMO_GIF
        ),
    )
    .unwrap();
    let (secret, public) = organizer.keygen("keys");
    assert_success(
        &organizer.build(&secret, "full.relais"),
        "build with every field",
    );
    let output = organizer.import(
        &organizer.path("full.relais"),
        Some(public.to_str().unwrap()),
        true,
    );
    assert_success(&output, "import");

    let store = relais::db::Store::open(&organizer.path("data")).unwrap();
    let now = 1_790_000_000;
    let assets: Vec<_> = relais::kit::list_assets(&store, now)
        .unwrap()
        .into_iter()
        .filter(|asset| asset.kit_id == KIT_ID)
        .collect();
    assert_eq!(assets.len(), 1, "the retracted asset is not in the library");
    let zone = &assets[0].entry.zones[0];
    assert_eq!(zone.style_id.as_deref(), Some("bandeau"));
    assert!(!zone.movable, "movable = false should survive the build");
    let blackouts = relais::kit::blackouts(&store, KIT_ID).unwrap();
    assert_eq!(blackouts[0].reason.fr, "Silence électoral");
    assert!(
        store.blobs().contains(&support::sha256_hex(&font)),
        "the kit's font should be stored, checked by its hash"
    );
    let kits = relais::kit::list_kits(&store).unwrap();
    let summary = kits.iter().find(|kit| kit.id == KIT_ID).unwrap();
    assert_eq!(
        summary.expires_at.as_deref(),
        Some("2099-03-23T20:00:00+01:00")
    );
}

#[test]
fn build_refuses_a_date_without_a_time_zone_naming_the_field() {
    let organizer = Organizer::new();
    let toml = kit_toml(2).replace(
        "[[assets.zones]]",
        "expires_at = \"2026-06-30 20:00\"\n\n[[assets.zones]]",
    );
    std::fs::write(organizer.src().join("kit.toml"), toml).unwrap();
    let (secret, _) = organizer.keygen("keys");
    assert_failure_mentions(
        &organizer.build(&secret, "out"),
        "a date without a zone",
        &["assets[0].expires_at", "RFC 3339"],
    );
}

#[test]
fn build_refuses_an_alt_text_too_long_for_some_network_naming_the_field_and_the_limit() {
    let organizer = Organizer::new();
    // Discord's 1024 characters are the strictest limit on image descriptions.
    let long = "é".repeat(1025);
    let toml = kit_toml(2).replace("Visuel carré jaune.", &long);
    std::fs::write(organizer.src().join("kit.toml"), toml).unwrap();
    let (secret, _) = organizer.keygen("keys");
    assert_failure_mentions(
        &organizer.build(&secret, "out"),
        "an image description longer than every network accepts",
        &["assets[0].alt.fr", "1025 characters", "at most 1024"],
    );
}

#[test]
fn build_refuses_a_jpeg_with_corrupt_scan_data_naming_the_field_and_the_file() {
    let organizer = Organizer::new();
    let (secret, _) = organizer.keygen("keys");
    std::fs::write(
        organizer.src().join("tract.jpg"),
        support::corrupt_jpeg(160, 120),
    )
    .unwrap();
    let toml = kit_toml(2).replace(r#"file = "partagez.png""#, r#"file = "tract.jpg""#);
    std::fs::write(organizer.src().join("kit.toml"), toml).unwrap();
    assert_failure_mentions(
        &organizer.build(&secret, "out"),
        "a JPEG the lenient decoder would paint grey below the damage",
        &["assets[0].file", "tract.jpg", "damaged"],
    );
    assert!(!organizer.path("out").exists(), "nothing is written");
}

#[test]
fn the_command_line_error_comes_first_on_stderr_without_log_lines_or_colours() {
    let organizer = Organizer::new();
    let (secret, _) = organizer.keygen("keys");
    std::fs::write(
        organizer.src().join("marque.ttf"),
        b"<html>not a font</html>",
    )
    .unwrap();
    let toml = kit_toml(2).replacen(
        "\n[[assets]]",
        "\n[[fonts]]\nfile = \"marque.ttf\"\nfamily = \"Marque\"\n\n[[assets]]",
        1,
    );
    std::fs::write(organizer.src().join("kit.toml"), toml).unwrap();
    let output = organizer.build(&secret, "out");
    assert!(!output.status.success(), "a garbage font is refused");
    let stderr = stderr_of(&output);
    assert!(
        stderr.starts_with("relais: "),
        "stderr must start with the error a person reads, not a log line: {stderr:?}"
    );
    assert!(
        !stderr.contains('\u{1b}'),
        "no terminal colour codes when stderr is not a terminal: {stderr:?}"
    );
    assert_eq!(
        stderr.lines().count(),
        1,
        "one sentence, nothing else: {stderr:?}"
    );
    assert!(
        stderr.contains("fonts[0].file"),
        "names the field: {stderr:?}"
    );
}
