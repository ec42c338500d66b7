//! End to end in the real window: a volunteer imports a signed `.relais` kit through the
//! Kits view, checks the organizer's fingerprint in the trust dialog, finds the new
//! poster with an accent-free search, and is shown another fingerprint for a kit signed
//! by a key forged with the organizer's key id. Same harness as `e2e`.

use fantoccini::Locator;
use serde_json::json;

use super::e2e::Session;
use crate::support::organizer::{build_kit, Keys, KitSpec};

const KIT_ID: &str = "legislatives-ete";

async fn trust_dialog_is(session: &Session, what: &str, open: bool) {
    session
        .until(what, || async {
            let shown = session
                .client
                .execute(
                    "return document.getElementById('trust-dialog').open",
                    vec![],
                )
                .await
                .ok()?;
            (shown == json!(open)).then_some(())
        })
        .await;
}

async fn wait_for_trust_dialog(session: &Session, what: &str) {
    trust_dialog_is(session, what, true).await;
}

async fn wait_for_library(session: &Session) {
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
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_volunteer_imports_a_signed_kit_after_checking_its_fingerprint_and_finds_its_poster() {
    let work = tempfile::tempdir().expect("temp dir");
    let keys = Keys::generate(&work.path().join("keys"));
    let fingerprint = keys.public.fingerprint().to_string();
    // The pre-answered open dialog always returns this path; the test puts a different
    // kit there for the second import.
    let kit_file = work.path().join("ete.relais");
    build_kit(work.path(), &keys, &KitSpec::default(), &kit_file);
    let data = work.path().join("data");
    let Some(session) = Session::start(&[
        ("RELAIS_DATA_DIR", data.as_path()),
        ("RELAIS_OPEN_DIALOG_ANSWER", kit_file.as_path()),
    ])
    .await
    else {
        return;
    };
    wait_for_library(&session).await;

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
    wait_for_trust_dialog(&session, "the trust dialog").await;
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

    // A forger copies the organizer's key id into a new key and publishes a kit that
    // looks the same under another id: the dialog shows another fingerprint.
    let forged_keys = Keys::forged_from(&keys, &work.path().join("forged-keys"));
    assert_eq!(forged_keys.public.key_id(), keys.public.key_id());
    let forged_spec = KitSpec {
        id: "legislatives-ete-officiel",
        shade: 0x55,
        ..KitSpec::default()
    };
    std::fs::remove_file(&kit_file).expect("replace the answered kit file");
    build_kit(work.path(), &forged_keys, &forged_spec, &kit_file);
    session
        .client
        .find(Locator::Css("#kit-pick-file"))
        .await
        .expect("the open-a-file button")
        .click()
        .await
        .expect("open the forged .relais file");
    session
        .until("the trust dialog for the forged kit", || async {
            let shown = session.text("#trust-fingerprint").await?;
            let open = session
                .client
                .execute(
                    "return document.getElementById('trust-dialog').open",
                    vec![],
                )
                .await
                .ok()?;
            (open == json!(true) && !shown.is_empty() && shown != fingerprint).then_some(shown)
        })
        .await;
    let shown = session.text("#trust-fingerprint").await.unwrap_or_default();
    assert_eq!(
        shown,
        forged_keys.public.fingerprint().to_string(),
        "the dialog shows the forged key's own fingerprint, not the organizer's"
    );
    session.screenshot("trust-dialog-forged-fr.png").await;
    session
        .client
        .find(Locator::Css("#trust-dialog button[value='cancel']"))
        .await
        .expect("the cancel button")
        .click()
        .await
        .expect("refuse the forged kit");
    trust_dialog_is(&session, "the dialog to close", false).await;
    let cards = session
        .client
        .execute(
            "return document.querySelectorAll(\".kit-card[data-kit='legislatives-ete-officiel']\").length",
            vec![],
        )
        .await
        .expect("count kit cards");
    assert_eq!(cards, json!(0), "the refused kit is not in the Kits view");

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

/// `from`, rezipped with `edit` applied to the bytes of entry `name`.
fn rezip_with(
    from: &std::path::Path,
    to: &std::path::Path,
    name: &str,
    edit: impl Fn(&mut Vec<u8>),
) {
    use std::io::{Read, Write};
    let mut archive = zip::ZipArchive::new(std::fs::File::open(from).unwrap()).unwrap();
    let mut out = zip::ZipWriter::new(std::fs::File::create(to).unwrap());
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).unwrap();
        let entry_name = entry.name().expect("a UTF-8 entry name").into_owned();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        if entry_name == name {
            edit(&mut bytes);
        }
        out.start_file(entry_name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&bytes).unwrap();
    }
    out.finish().unwrap();
}

/// WebDriver reads no-break spaces back as plain spaces: compare texts that way.
fn plain(text: &str) -> String {
    text.replace(['\u{a0}', '\u{202f}'], " ")
}

/// The status line once it shows an error.
async fn status_error(session: &Session, what: &str) -> String {
    session
        .until(what, || async {
            let kind = session.attr("#status", "data-kind").await?;
            let text = session.text("#status").await?;
            (kind == "error" && !text.is_empty()).then_some(text)
        })
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_different_failures_read_as_french_sentences_in_the_real_window() {
    use relais::messages::{Describe, Lang};
    let work = tempfile::tempdir().expect("temp dir");
    let keys = Keys::generate(&work.path().join("keys"));
    let genuine = build_kit(
        work.path(),
        &keys,
        &KitSpec::default(),
        &work.path().join("genuine.relais"),
    );
    let answered = work.path().join("kit.relais");
    // 1. kit.json changed after signing.
    rezip_with(&genuine, &answered, "kit.json", |bytes| bytes.push(b'\n'));
    let data = work.path().join("data");
    let Some(session) = Session::start(&[
        ("RELAIS_DATA_DIR", data.as_path()),
        ("RELAIS_OPEN_DIALOG_ANSWER", answered.as_path()),
    ])
    .await
    else {
        return;
    };
    wait_for_library(&session).await;
    let click = |css: &'static str| {
        let session = &session;
        async move {
            session
                .client
                .find(Locator::Css(css))
                .await
                .unwrap_or_else(|_| panic!("{css} is on the page"))
                .click()
                .await
                .unwrap_or_else(|_| panic!("click {css}"));
        }
    };
    click("#nav-kits").await;
    click("#kit-pick-file").await;
    let shown = status_error(&session, "the bad signature refusal").await;
    let expected = relais::kit::Error::Signature(relais::kit::signature::Error::SignatureInvalid {
        key: keys.public.fingerprint(),
    });
    assert_eq!(
        plain(&shown),
        plain(&expected.describe().render(Lang::Fr)),
        "the window words the refusal from the catalogue, in French"
    );
    assert!(
        !shown.contains("signing") && !shown.contains("Download"),
        "{shown}"
    );
    session.screenshot("failure-bad-signature-fr.png").await;

    // 2. A poster whose bytes changed after signing: the signature is fine, the file is
    // not. The volunteer confirms the key, then the import refuses the file.
    std::fs::remove_file(&answered).unwrap();
    rezip_with(&genuine, &answered, "affiche.png", |bytes| {
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0x5A;
    });
    click("#kit-pick-file").await;
    wait_for_trust_dialog(&session, "the trust dialog").await;
    click("#trust-confirm").await;
    let shown = session
        .until("the tampered file refusal", || async {
            let text = session.text("#status").await?;
            text.contains("affiche.png").then_some(text)
        })
        .await;
    let expected = relais::kit::Error::HashMismatch {
        file: "affiche.png".into(),
    };
    assert_eq!(plain(&shown), plain(&expected.describe().render(Lang::Fr)));
    assert!(!shown.contains("does not match"), "{shown}");
    session.screenshot("failure-tampered-file-fr.png").await;

    // 3. A kit address where nothing answers.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .unwrap()
        .port();
    let address = format!("http://127.0.0.1:{port}/kit/");
    let field = session
        .client
        .find(Locator::Css("#kit-url"))
        .await
        .expect("the kit address field");
    field.send_keys(&address).await.expect("type the address");
    click("#kit-url-submit").await;
    let shown = session
        .until("the unreachable address refusal", || async {
            let text = session.text("#status").await?;
            text.contains("127.0.0.1").then_some(text)
        })
        .await;
    let expected = relais::kit::remote::Error::Net(relais::net::Error::Offline {
        host: "127.0.0.1".into(),
        detail: String::new(),
    });
    assert_eq!(plain(&shown), plain(&expected.describe().render(Lang::Fr)));
    assert!(
        !shown.contains("Cannot reach") && !shown.contains("offline"),
        "{shown}"
    );
    session.screenshot("failure-unreachable-fr.png").await;
}

/// A `.relais` file double-clicked in the file manager starts Relais with its path: the
/// app goes straight to importing it, trust dialog first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kit_file_the_app_is_opened_with_goes_straight_to_its_trust_dialog() {
    let work = tempfile::tempdir().expect("temp dir");
    let keys = Keys::generate(&work.path().join("keys"));
    let kit_file = work.path().join("ete.relais");
    build_kit(work.path(), &keys, &KitSpec::default(), &kit_file);
    let data = work.path().join("data");
    let path = kit_file.to_str().expect("a UTF-8 temp path");
    let Some(session) =
        Session::start_with_args(&[("RELAIS_DATA_DIR", data.as_path())], &[path]).await
    else {
        return;
    };
    wait_for_trust_dialog(&session, "the trust dialog for the opened file").await;
    assert_eq!(
        session.text("#trust-fingerprint").await.unwrap_or_default(),
        keys.public.fingerprint().to_string(),
        "the dialog is about the file the app was opened with"
    );
    session.screenshot("trust-dialog-opened-file-fr.png").await;
}
