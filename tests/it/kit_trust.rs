//! Which key a volunteer trusts, tried as a hostile organizer would: the fingerprint is
//! derived from the whole public key, so a key forged to carry a campaign's minisign key
//! id is told apart everywhere, and its kits are refused by the genuine fingerprint.

use std::path::Path;

use ct_codecs::{Base64, Decoder};
use serde_json::Value;
use tempfile::TempDir;

use crate::support::organizer::{build_kit, Keys, KitSpec};
use crate::support::{self, relais};

/// A genuine organizer and a forger whose key carries the genuine key id.
struct Forgery {
    work: TempDir,
    genuine: Keys,
    forged: Keys,
}

impl Forgery {
    fn new() -> Self {
        let work = TempDir::new().unwrap();
        let genuine = Keys::generate(&work.path().join("genuine-keys"));
        let forged = Keys::forged_from(&genuine, &work.path().join("forged-keys"));
        Self {
            work,
            genuine,
            forged,
        }
    }

    fn kit(&self, keys: &Keys, spec: &KitSpec, name: &str) -> std::path::PathBuf {
        build_kit(self.work.path(), keys, spec, &self.work.path().join(name))
    }

    fn data(&self) -> std::path::PathBuf {
        self.work.path().join("volunteer-data")
    }

    /// `relais kit import PATH [--trust VALUE]` in the volunteer's data folder.
    fn import(&self, kit: &Path, trust: Option<&str>) -> std::process::Output {
        let mut command = relais(&self.work.path().join("volunteer-home"));
        command
            .arg("--data-dir")
            .arg(self.data())
            .args(["kit", "import"]);
        command.arg(kit);
        if let Some(trust) = trust {
            command.args(["--trust", trust]);
        }
        command.output().unwrap()
    }

    fn list_json(&self) -> Vec<Value> {
        let output = relais(&self.work.path().join("volunteer-home"))
            .arg("--data-dir")
            .arg(self.data())
            .args(["kit", "list", "--json"])
            .output()
            .unwrap();
        assert!(output.status.success(), "kit list: {output:?}");
        serde_json::from_slice(&output.stdout).expect("kit list --json is JSON")
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn forged_spec() -> KitSpec<'static> {
    KitSpec {
        id: "legislatives-ete-officiel",
        publisher: "Collectif Été",
        shade: 0x55,
        ..KitSpec::default()
    }
}

#[test]
fn the_fingerprint_is_the_sha256_of_the_whole_public_key_grouped_by_four() {
    let forgery = Forgery::new();
    let key = &forgery.genuine.public;
    let decoded = Base64::decode_to_vec(key.to_base64(), None).expect("base64");
    let expected = support::sha256_hex(&decoded).to_uppercase();
    assert_eq!(
        key.fingerprint().compact(),
        expected,
        "the fingerprint must be SHA-256 over the 42 decoded key bytes, as docs/kit-format.md tells organizers to recompute it"
    );
    let grouped = key.fingerprint().to_string();
    assert_eq!(grouped.split(' ').count(), 16, "16 groups: {grouped}");
    assert!(
        grouped.split(' ').all(|group| group.len() == 4),
        "groups of four: {grouped}"
    );
}

#[test]
fn a_key_forged_with_a_campaigns_key_id_has_another_fingerprint() {
    let forgery = Forgery::new();
    assert_eq!(
        forgery.forged.public.key_id(),
        forgery.genuine.public.key_id(),
        "the forger copied the key id"
    );
    assert_ne!(
        forgery.forged.public.fingerprint(),
        forgery.genuine.public.fingerprint(),
        "a copied key id must not give the same fingerprint"
    );
}

#[test]
fn trusting_the_genuine_fingerprint_refuses_a_kit_signed_by_a_key_forged_with_its_key_id() {
    let forgery = Forgery::new();
    let genuine = forgery.genuine.public.fingerprint().compact();
    let forged_kit = forgery.kit(&forgery.forged, &forged_spec(), "forged.relais");

    let output = forgery.import(&forged_kit, Some(&genuine));
    assert!(
        !output.status.success(),
        "a kit signed by the forged key must not install with the genuine fingerprint"
    );
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains(&forgery.forged.public.fingerprint().to_string()),
        "the refusal shows the fingerprint the kit really carries: {stderr}"
    );
    assert!(
        forgery
            .list_json()
            .iter()
            .all(|kit| kit["id"] != "legislatives-ete-officiel"),
        "nothing of the forged kit is in the library"
    );

    // The genuine kit still installs with the same confirmation.
    let genuine_kit = forgery.kit(&forgery.genuine, &KitSpec::default(), "genuine.relais");
    let output = forgery.import(&genuine_kit, Some(&genuine));
    assert!(output.status.success(), "genuine kit: {output:?}");
}

#[test]
fn a_first_import_without_trust_prints_the_fingerprint_of_the_key_that_really_signed() {
    let forgery = Forgery::new();
    let forged_kit = forgery.kit(&forgery.forged, &forged_spec(), "forged.relais");
    let output = forgery.import(&forged_kit, None);
    assert!(
        !output.status.success(),
        "an unknown kit needs a confirmation"
    );
    let stderr = text(&output.stderr);
    let forged = forgery.forged.public.fingerprint();
    assert!(
        stderr.contains(&forged.to_string()) && stderr.contains(&format!("--trust {}", forged.compact())),
        "the volunteer is shown the forged key's own fingerprint and the command to confirm it: {stderr}"
    );
    assert!(
        !stderr.contains(&forgery.genuine.public.fingerprint().to_string()),
        "nothing in the message matches the genuine key: {stderr}"
    );
}

#[test]
fn two_kits_whose_keys_share_a_key_id_are_listed_with_different_fingerprints() {
    let forgery = Forgery::new();
    let genuine_kit = forgery.kit(&forgery.genuine, &KitSpec::default(), "genuine.relais");
    let forged_kit = forgery.kit(&forgery.forged, &forged_spec(), "forged.relais");
    let genuine = forgery.genuine.public.fingerprint();
    let forged = forgery.forged.public.fingerprint();
    assert!(forgery
        .import(&genuine_kit, Some(&genuine.compact()))
        .status
        .success());
    assert!(forgery
        .import(&forged_kit, Some(&forged.compact()))
        .status
        .success());

    let kits = forgery.list_json();
    let shown = |id: &str| {
        kits.iter()
            .find(|kit| kit["id"] == id)
            .and_then(|kit| kit["fingerprint"].as_str())
            .unwrap_or_else(|| panic!("kit {id} with a fingerprint in {kits:?}"))
            .to_owned()
    };
    assert_ne!(
        shown("legislatives-ete"),
        shown("legislatives-ete-officiel"),
        "two keys sharing a key id must look different in the library"
    );
    assert_eq!(shown("legislatives-ete"), genuine.to_string());
    assert_eq!(shown("legislatives-ete-officiel"), forged.to_string());

    let output = relais(&forgery.work.path().join("volunteer-home"))
        .arg("--data-dir")
        .arg(forgery.data())
        .args(["kit", "list"])
        .output()
        .unwrap();
    let listing = text(&output.stdout);
    assert!(
        listing.contains(&genuine.to_string()) && listing.contains(&forged.to_string()),
        "`kit list` shows two different keys: {listing}"
    );
}

#[test]
fn an_update_signed_by_a_forged_key_with_the_pinned_key_id_is_refused_as_signed_by_another_key() {
    let forgery = Forgery::new();
    let genuine = forgery.genuine.public.fingerprint();
    let v3 = forgery.kit(&forgery.genuine, &KitSpec::default(), "v3.relais");
    assert!(forgery
        .import(&v3, Some(&genuine.compact()))
        .status
        .success());

    let v4 = KitSpec {
        version: 4,
        shade: 0x33,
        ..KitSpec::default()
    };
    let forged_update = forgery.kit(&forgery.forged, &v4, "v4-forged.relais");
    let output = forgery.import(&forged_update, None);
    assert!(
        !output.status.success(),
        "the forged update must be refused"
    );
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("signed by a different key"),
        "the refusal says the kit is signed by another key: {stderr}"
    );
    assert!(
        !stderr.contains("altered or damaged"),
        "a well-signed kit from another key is not damage: {stderr}"
    );
    assert!(
        stderr.contains(&genuine.to_string())
            && stderr.contains(&forgery.forged.public.fingerprint().to_string()),
        "both fingerprints are named: {stderr}"
    );
    let kits = forgery.list_json();
    assert_eq!(kits.len(), 2, "the demo kit and the genuine kit: {kits:?}");
    let installed = kits
        .iter()
        .find(|kit| kit["id"] == "legislatives-ete")
        .unwrap();
    assert_eq!(
        installed["version"], 3,
        "the genuine version stays installed"
    );
}

#[test]
fn a_bare_minisign_key_id_is_not_enough_to_trust_a_kit() {
    let forgery = Forgery::new();
    let kit = forgery.kit(&forgery.genuine, &KitSpec::default(), "genuine.relais");
    let key_id = forgery.genuine.public.key_id().to_string();
    let output = forgery.import(&kit, Some(&key_id));
    assert!(
        !output.status.success(),
        "a key id must not be accepted as trust"
    );
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("key id") && stderr.contains("fingerprint"),
        "the refusal says a key id is not a fingerprint and what to give instead: {stderr}"
    );
}

#[test]
fn the_fingerprint_is_accepted_as_shown_grouped_or_in_lowercase() {
    let forgery = Forgery::new();
    let kit = forgery.kit(&forgery.genuine, &KitSpec::default(), "genuine.relais");
    let grouped = forgery
        .genuine
        .public
        .fingerprint()
        .to_string()
        .to_lowercase();
    let output = forgery.import(&kit, Some(&grouped));
    assert!(
        output.status.success(),
        "grouped lowercase fingerprint: {output:?}"
    );
}
