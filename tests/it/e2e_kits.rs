//! End to end in the real window: a volunteer imports a signed `.relais` kit through the
//! Kits view, checks the organizer's fingerprint in the trust dialog, and finds the new
//! poster with an accent-free search. Same harness as `e2e`.

use std::path::{Path, PathBuf};
use std::process::Command;

use fantoccini::Locator;
use serde_json::json;

use super::e2e::Session;

const KIT_ID: &str = "legislatives-ete";

/// What an organizer does with the `relais` tools: a key, then a signed `.relais` kit
/// with one poster titled « Été solidaire ». Returns the kit file and the key's
/// fingerprint as the trust dialog groups it.
fn organizer_kit(dir: &Path) -> (PathBuf, String) {
    let relais = env!("CARGO_BIN_EXE_relais");
    let keys = dir.join("keys");
    let keygen = Command::new(relais)
        .args(["kit", "keygen", "--unencrypted", "--out"])
        .arg(&keys)
        .output()
        .expect("run relais kit keygen");
    assert!(keygen.status.success(), "keygen: {keygen:?}");
    let public = std::fs::read_to_string(keys.join("relais-kit.pub")).expect("public key");
    let key_id = relais::kit::PublicKey::parse(&public)
        .expect("a minisign public key")
        .key_id()
        .to_string();
    let grouped = key_id
        .as_bytes()
        .chunks(4)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect::<Vec<_>>()
        .join(" ");

    let src = dir.join("src");
    std::fs::create_dir_all(&src).expect("source folder");
    std::fs::write(
        src.join("affiche.png"),
        crate::support::png(240, 300, |x, y| {
            [(x % 256) as u8, 120, (y % 256) as u8, 255]
        }),
    )
    .expect("poster");
    std::fs::write(
        src.join("kit.toml"),
        format!(
            "id = \"{KIT_ID}\"\npublisher = \"Collectif Été\"\nversion = 3\n\
             title = {{ fr = \"Législatives, été\", en = \"Summer election\" }}\n\n\
             [[assets]]\nid = \"ete-solidaire\"\nkind = \"image\"\nfile = \"affiche.png\"\n\
             title = {{ fr = \"Été solidaire\", en = \"Summer of solidarity\" }}\n\
             tags = [\"été\"]\n"
        ),
    )
    .expect("kit.toml");
    let out = dir.join("ete.relais");
    let build = Command::new(relais)
        .args(["kit", "build"])
        .arg(&src)
        .arg("--key")
        .arg(keys.join("relais-kit.key"))
        .arg("--out")
        .arg(&out)
        .output()
        .expect("run relais kit build");
    assert!(build.status.success(), "build: {build:?}");
    (out, grouped)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_volunteer_imports_a_signed_kit_after_checking_its_fingerprint_and_finds_its_poster() {
    let work = tempfile::tempdir().expect("temp dir");
    let (kit_file, fingerprint) = organizer_kit(work.path());
    let data = work.path().join("data");
    let Some(session) = Session::start(&[
        ("RELAIS_DATA_DIR", data.as_path()),
        ("RELAIS_OPEN_DIALOG_ANSWER", kit_file.as_path()),
    ])
    .await
    else {
        return;
    };
    session
        .until("the library", || async {
            let cards = session
                .client
                .find_all(Locator::Css(".asset-card"))
                .await
                .ok()?;
            (!cards.is_empty()).then_some(())
        })
        .await;

    session
        .client
        .find(Locator::Css("#nav-kits"))
        .await
        .expect("Kits tab")
        .click()
        .await
        .expect("open the Kits view");
    session
        .client
        .find(Locator::Css("#kit-pick-file"))
        .await
        .expect("the open-a-file button")
        .click()
        .await
        .expect("open a .relais file (the dialog is pre-answered)");

    // The trust dialog shows what Relais verified: who, which kit, which key.
    session
        .until("the trust dialog", || async {
            let open = session
                .client
                .execute(
                    "return document.getElementById('trust-dialog').open",
                    vec![],
                )
                .await
                .ok()?;
            (open == json!(true)).then_some(())
        })
        .await;
    let shown = session.text("#trust-fingerprint").await.unwrap_or_default();
    assert_eq!(
        shown, fingerprint,
        "the dialog shows the fingerprint of the key that signed the kit"
    );
    let publisher = session.text("#trust-publisher").await.unwrap_or_default();
    assert_eq!(publisher, "Collectif Été", "the publisher from kit.json");
    session.screenshot("trust-dialog-fr.png").await;
    session
        .client
        .find(Locator::Css("#trust-confirm"))
        .await
        .expect("the confirm button")
        .click()
        .await
        .expect("confirm the fingerprint");

    session
        .until("the new kit in the Kits view", || async {
            let text = session
                .text(&format!(".kit-card[data-kit='{KIT_ID}']"))
                .await?;
            text.contains("Collectif Été").then_some(())
        })
        .await;
    session.screenshot("kits-imported-fr.png").await;

    // The library now has the kit's poster, and « ete » finds it without the accent.
    session
        .client
        .find(Locator::Css("#nav-library"))
        .await
        .expect("Library tab")
        .click()
        .await
        .expect("open the library");
    session
        .until("the imported poster in the library", || async {
            session
                .attr(
                    &format!(".asset-card[data-kit='{KIT_ID}'][data-asset='ete-solidaire']"),
                    "data-asset",
                )
                .await
        })
        .await;
    let search = session
        .client
        .find(Locator::Css("#library-search"))
        .await
        .expect("the search field");
    search.send_keys("ete").await.expect("type « ete »");
    let visible = session
        .until("the search to filter the grid", || async {
            let visible = session
                .client
                .execute(
                    "return [...document.querySelectorAll('.asset-card')].filter(c => !c.hidden).map(c => c.dataset.kit + '/' + c.dataset.asset)",
                    vec![],
                )
                .await
                .ok()?;
            let list = visible.as_array()?.clone();
            list.iter()
                .any(|v| v == &json!(format!("{KIT_ID}/ete-solidaire")))
                .then_some(list)
        })
        .await;
    assert!(
        visible.len() < 7,
        "the search hides assets that do not mention « été »: {visible:?}"
    );
}
