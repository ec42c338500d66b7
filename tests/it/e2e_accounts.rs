//! End to end in the real window: a volunteer adds their Bluesky account through the
//! Accounts view against the reference PDS (the window shares the test run's keychain:
//! the private D-Bus session with GNOME Keyring), is told in French when the app
//! password is wrong, then tests, renames and removes the account. Same harness as `e2e`.

use std::path::Path;

use fantoccini::Locator;
use relais::accounts::{AccountId, Keychain};
use serde_json::json;

use super::e2e::Session;
use crate::support::mastodon::mastodon;
use crate::support::pds::pds;
use crate::support::scripted::{Answer, Scripted};
use crate::support::{files_holding, keychain};

/// Clicks `css` as a person would, scrolling it clear of the status bar first (WebKit's
/// driver refuses a click whose centre is under another element).
async fn click(session: &Session, css: &str) {
    let element = session
        .client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|_| panic!("{css} is on the page"));
    session
        .client
        .execute(
            "arguments[0].scrollIntoView({block: 'center'})",
            vec![serde_json::to_value(&element).expect("an element reference")],
        )
        .await
        .expect("scroll the element into view");
    element
        .click()
        .await
        .unwrap_or_else(|error| panic!("click {css}: {error}"));
}

async fn count(session: &Session, css: &str) -> u64 {
    session
        .client
        .execute(
            "return document.querySelectorAll(arguments[0]).length",
            vec![json!(css)],
        )
        .await
        .expect("count elements")
        .as_u64()
        .unwrap_or(0)
}

async fn value(session: &Session, css: &str) -> String {
    session
        .client
        .execute(
            "return document.querySelector(arguments[0]).value",
            vec![json!(css)],
        )
        .await
        .expect("read a field")
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// The text of `css` once it is shown and not empty.
async fn shown_text(session: &Session, what: &str, css: &str) -> String {
    session
        .until(what, || async {
            let element = session.client.find(Locator::Css(css)).await.ok()?;
            if !element.is_displayed().await.ok()? {
                return None;
            }
            let text = element.text().await.ok()?;
            (!text.is_empty()).then_some(text)
        })
        .await
}

/// Clicks the card's "test the connection" and waits for the French "works".
async fn connection_works(session: &Session, card: &str) {
    click(session, &format!("{card} [data-action='test']")).await;
    session
        .until("the test's answer", || async {
            let text = session.text("#account-result").await?;
            text.contains("fonctionne").then_some(())
        })
        .await;
    assert_eq!(count(session, card).await, 1, "still connected");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_volunteer_adds_tests_renames_and_removes_a_bluesky_account_in_the_window() {
    keychain::ensure();
    let volunteer = pds().volunteer("camille").await;
    let work = tempfile::tempdir().expect("temp dir");
    let data = work.path().join("data");
    // The most talkative log level: not even there may a secret appear.
    let exports = work.path().join("À poster");
    let Some(session) = Session::start(&[
        ("RELAIS_DATA_DIR", data.as_path()),
        ("RELAIS_OPEN_DIALOG_ANSWER", exports.as_path()),
        ("RELAIS_LOG", Path::new("trace")),
    ])
    .await
    else {
        return;
    };
    session
        .until("the library", || async {
            (count(&session, ".asset-card").await > 0).then_some(())
        })
        .await;
    click(&session, "#nav-accounts").await;
    let none = shown_text(&session, "the empty list", "#account-list li").await;
    assert!(none.contains("Aucun compte"), "{none}");

    // Telegram's steps; a Discord webhook address that does not lead to Discord names
    // where it leads before anything is sent.
    click(&session, "#account-networks [data-network='telegram']").await;
    let steps = shown_text(
        &session,
        "the Telegram steps",
        "#account-form-telegram .account-steps",
    )
    .await;
    assert!(steps.contains("@BotFather"), "{steps}");
    let telegram_fr = session.screenshot("accounts-add-telegram-fr.png").await;
    click(&session, "#account-networks [data-network='discord']").await;
    session
        .type_into(
            "#discord-webhook",
            "https://discord.example.net/api/webhooks/1/not-a-token",
        )
        .await;
    let host = shown_text(
        &session,
        "the webhook's host",
        "#account-form-discord .webhook-host",
    )
    .await;
    assert!(
        host.contains("discord.example.net") && !host.contains("not-a-token"),
        "the host is named, the token is not: {host}"
    );
    let discord_fr = session.screenshot("accounts-add-discord-fr.png").await;

    // The guided Bluesky form, with the server under « Avancé ».
    click(&session, "#account-networks [data-network='bluesky']").await;
    shown_text(
        &session,
        "the Bluesky steps",
        "#account-form-bluesky .account-steps",
    )
    .await;
    assert_eq!(
        value(&session, "#discord-webhook").await,
        "",
        "a secret typed into a form the volunteer left is not kept"
    );
    assert_eq!(
        session.attr("#bluesky-password", "type").await.as_deref(),
        Some("password"),
        "the app password is typed into a password field"
    );
    assert_eq!(
        session
            .attr("#bluesky-password", "autocomplete")
            .await
            .as_deref(),
        Some("off")
    );
    session
        .type_into("#bluesky-handle", &volunteer.handle)
        .await;
    click(&session, "#account-form-bluesky details.advanced summary").await;
    session.type_into("#bluesky-pds", &pds().url).await;
    let wrong_password = "wxyz-wxyz-wxyz-wxyz";
    session.type_into("#bluesky-password", wrong_password).await;
    let add_fr = session.screenshot("accounts-add-fr.png").await;

    // A wrong app password: the French sentence next to the form, nothing listed, the
    // handle and server kept, the password field emptied.
    click(&session, "#account-form-bluesky button[type='submit']").await;
    let refused = shown_text(
        &session,
        "the refusal of the wrong app password",
        "#account-form-bluesky .form-error",
    )
    .await;
    assert!(
        refused.contains("Bluesky refuse ce pseudo et ce mot de passe d’application")
            && refused.contains("Mots de passe d’application"),
        "the refusal is in French and says where to make an app password: {refused}"
    );
    assert_eq!(
        count(&session, ".account-card").await,
        0,
        "a refused account is not listed"
    );
    assert_eq!(value(&session, "#bluesky-handle").await, volunteer.handle);
    assert_eq!(value(&session, "#bluesky-pds").await, pds().url);
    assert_eq!(
        value(&session, "#bluesky-password").await,
        "",
        "the window does not keep a secret after an attempt"
    );
    let refused_fr = session.screenshot("accounts-wrong-password-fr.png").await;

    // The right one: listed, connected, on the PDS's host.
    session
        .type_into("#bluesky-password", &volunteer.app_password)
        .await;
    click(&session, "#account-form-bluesky button[type='submit']").await;
    let card = ".account-card[data-kind='bluesky'][data-status='connected']";
    shown_text(&session, "the connected account", card).await;
    let id = session
        .attr(card, "data-account")
        .await
        .expect("the card names its account");
    let handle = session.text(&format!("{card} .account-handle")).await;
    assert_eq!(handle.as_deref(), Some(volunteer.handle.as_str()));
    let host = url::Url::parse(&pds().url).unwrap();
    let host = format!("{}:{}", host.host_str().unwrap(), host.port().unwrap());
    assert_eq!(
        session.text(&format!("{card} .account-server")).await,
        Some(host),
        "the server is shown by its host"
    );
    let badge = session
        .text(&format!("{card} .status-badge"))
        .await
        .unwrap_or_default();
    assert!(
        badge.contains("connecté"),
        "the status is said in words: {badge}"
    );
    assert!(
        session
            .attr("#account-form-bluesky", "hidden")
            .await
            .is_some(),
        "the form closes once the account is added"
    );
    let id = AccountId::parse(&id).expect("an account id");
    let session_secret = Keychain
        .secret(&id)
        .expect("the session is in the keychain");
    assert!(
        !session_secret.expose().contains(&volunteer.app_password),
        "only the session is kept, not the app password"
    );

    // Test the connection: the PDS still knows the session.
    connection_works(&session, card).await;

    // Rename inline.
    click(&session, &format!("{card} [data-action='rename']")).await;
    let field = session
        .client
        .find(Locator::Css(&format!("{card} .rename-input")))
        .await
        .expect("the name field");
    field.clear().await.expect("clear the name");
    field
        .send_keys("Camille (campagne)")
        .await
        .expect("type the new name");
    let rename_fr = session.screenshot("accounts-rename-fr.png").await;
    click(
        &session,
        &format!("{card} .rename-form button[type='submit']"),
    )
    .await;
    let name = shown_text(&session, "the new name", &format!("{card} .account-name")).await;
    assert_eq!(name, "Camille (campagne)");
    let accounts_fr = session.screenshot("accounts-fr.png").await;

    // The keychain lost the session (wiped, another machine): the test says so, in the
    // account's row, and the badge says to sign in again.
    Keychain
        .forget(&id)
        .expect("the keychain forgets the session");
    click(&session, &format!("{card} [data-action='test']")).await;
    let row = format!(".account-card[data-account='{id}']");
    let lost = shown_text(
        &session,
        "the lost secret named in the row",
        &format!("{row}[data-status='needs_sign_in'] .account-error"),
    )
    .await;
    assert!(lost.contains("n’est plus dans le trousseau"), "{lost}");
    let badge = session
        .text(&format!("{row} .status-badge"))
        .await
        .unwrap_or_default();
    assert!(badge.contains("à reconnecter"), "{badge}");
    let lost_fr = session.screenshot("accounts-needs-sign-in-fr.png").await;

    // The same view in English, the row's failure worded again, then its add form.
    session.choose_language("en").await;
    session
        .until("English labels", || async {
            let badge = session.text(&format!("{row} .status-badge")).await?;
            let error = session.text(&format!("{row} .account-error")).await?;
            (badge.contains("needs sign-in again") && error.contains("no longer in the keychain"))
                .then_some(())
        })
        .await;
    let accounts_en = session.screenshot("accounts-en.png").await;
    click(&session, "#account-networks [data-network='bluesky']").await;
    let steps = shown_text(
        &session,
        "the English steps",
        "#account-form-bluesky .account-steps",
    )
    .await;
    assert!(steps.contains("Privacy and security"), "{steps}");
    let add_en = session.screenshot("accounts-add-en.png").await;
    click(&session, "#account-form-bluesky [data-action='cancel']").await;

    // Remove: the confirmation says the secret leaves the keychain.
    click(&session, &format!("{row} [data-action='remove']")).await;
    let body = shown_text(&session, "the removal dialog", "#account-remove-body").await;
    assert!(body.contains("keychain"), "{body}");
    let remove_en = session.screenshot("accounts-remove-en.png").await;
    click(&session, "#account-remove-confirm").await;
    session
        .until("the account to leave the list", || async {
            (count(&session, ".account-card").await == 0).then_some(())
        })
        .await;
    assert!(
        matches!(
            Keychain.secret(&id),
            Err(relais::accounts::Error::SecretMissing { .. })
        ),
        "removing the account removes its secret from the keychain"
    );

    // An export folder, picked in the (pre-answered) native dialog.
    click(&session, "#account-networks [data-network='folder']").await;
    let intro = shown_text(&session, "the folder's explanation", "#account-form-folder").await;
    assert!(intro.contains("Instagram, TikTok and X"), "{intro}");
    click(&session, "#account-form-folder button[type='submit']").await;
    let folder_card = ".account-card[data-kind='folder'][data-status='connected']";
    shown_text(&session, "the export folder in the list", folder_card).await;
    let shown = session
        .text(&format!("{folder_card} .account-server"))
        .await;
    assert_eq!(
        shown.as_deref(),
        Some(
            exports
                .canonicalize()
                .unwrap()
                .display()
                .to_string()
                .as_str()
        ),
        "a folder is shown by its path"
    );
    let folder_en = session.screenshot("accounts-folder-en.png").await;
    let Session { client, .. } = &session;
    client.clone().close().await.expect("end the session");
    drop(session);
    // The app exits a moment after the session ends, flushing its log; its lock goes last.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while let Err(relais::db::Error::InUse { .. }) = relais::db::Store::open(&data) {
        assert!(
            std::time::Instant::now() < deadline,
            "the app should release the data folder when it closes"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }

    for secret in [volunteer.app_password.as_str(), wrong_password] {
        assert_eq!(
            files_holding(&data, secret),
            Vec::<String>::new(),
            "an app password is in no file of the data folder, logs included"
        );
    }
    for shot in [
        &add_fr,
        &refused_fr,
        &accounts_fr,
        &accounts_en,
        &add_en,
        &remove_en,
        &rename_fr,
        &lost_fr,
        &telegram_fr,
        &discord_fr,
        &folder_en,
    ] {
        assert!(
            super::e2e::decode(shot).width() > 0,
            "{} is a real screenshot",
            shot.display()
        );
    }
}

/// The authorization page's address as the window shows it.
async fn shown_address(session: &Session) -> url::Url {
    let text = shown_text(
        session,
        "the authorization page's address",
        "#account-form-mastodon .mastodon-url",
    )
    .await;
    url::Url::parse(text.trim()).unwrap_or_else(|_| panic!("an address is shown: {text}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_volunteer_signs_in_to_mastodon_in_the_window_with_a_code_or_the_browser() {
    keychain::ensure();
    let peer = mastodon();
    let blog = Scripted::start().await;
    blog.script(
        "/api/v2/instance",
        vec![Answer::Full {
            status: 200,
            headers: vec![("Content-Type".into(), "text/html".into())],
            body: b"<html>Mon blog</html>".to_vec(),
        }],
    );
    let work = tempfile::tempdir().expect("temp dir");
    let data = work.path().join("data");
    let Some(session) = Session::start(&[
        ("RELAIS_DATA_DIR", data.as_path()),
        ("RELAIS_LOG", Path::new("trace")),
    ])
    .await
    else {
        return;
    };
    session
        .until("the library", || async {
            (count(&session, ".asset-card").await > 0).then_some(())
        })
        .await;
    click(&session, "#nav-accounts").await;
    click(&session, "#account-networks [data-network='mastodon']").await;
    let steps = shown_text(
        &session,
        "the Mastodon steps",
        "#account-form-mastodon .account-steps",
    )
    .await;
    assert!(
        steps.contains("mastodon.social, piaille.fr"),
        "the steps say what the server is: {steps}"
    );
    let intro = session
        .text("#account-form-mastodon > p")
        .await
        .unwrap_or_default();
    assert!(
        intro.contains("seulement à publier et à lire ses propres publications"),
        "the form says what Relais asks for: {intro}"
    );

    // A server that is not Mastodon: named in French, next to the form.
    session.type_into("#mastodon-server", &blog.base()).await;
    click(&session, "#account-form-mastodon button[type='submit']").await;
    let refused = shown_text(
        &session,
        "the refusal of a server that is not Mastodon",
        "#account-form-mastodon .form-error",
    )
    .await;
    assert!(
        refused.contains(&blog.base()) && refused.contains("pas comme un serveur Mastodon"),
        "the refusal is in French and names the address: {refused}"
    );
    assert_eq!(count(&session, ".account-card").await, 0);
    let refused_fr = session.screenshot("accounts-mastodon-not-fr.png").await;

    // The code path: the address to open, then the code the server shows.
    let server = session
        .client
        .find(Locator::Css("#mastodon-server"))
        .await
        .expect("the server field");
    server.clear().await.expect("clear the server field");
    session
        .type_into("#mastodon-server", peer.url.as_str())
        .await;
    click(&session, "#account-form-mastodon [data-action='paste']").await;
    let first = shown_address(&session).await;
    // Connect with no code says what is missing; Cancel goes back, the server kept.
    click(&session, "#account-form-mastodon button[type='submit']").await;
    let missing = shown_text(
        &session,
        "the missing code",
        "#account-form-mastodon .form-error",
    )
    .await;
    assert!(
        missing.contains("« Code affiché par le serveur »"),
        "{missing}"
    );
    click(&session, "#account-form-mastodon [data-action='cancel']").await;
    let cancelled = shown_text(
        &session,
        "the cancelled code path",
        "#account-form-mastodon .form-error",
    )
    .await;
    assert!(cancelled.contains("annulée"), "{cancelled}");
    assert!(
        session
            .attr("#account-form-mastodon .mastodon-address", "hidden")
            .await
            .is_some(),
        "a cancelled sign-in's address is not shown any more"
    );
    assert_eq!(value(&session, "#mastodon-server").await, peer.url.as_str());
    click(&session, "#account-form-mastodon [data-action='paste']").await;
    let authorize = session
        .until("a new sign-in's address", || async {
            let text = session.text("#account-form-mastodon .mastodon-url").await?;
            let url = url::Url::parse(text.trim()).ok()?;
            (url != first).then_some(url)
        })
        .await;
    let lead = session
        .text("#account-form-mastodon .mastodon-lead")
        .await
        .unwrap_or_default();
    assert!(lead.contains("affiche alors un code"), "{lead}");
    assert_eq!(
        session
            .attr("#mastodon-code", "autocomplete")
            .await
            .as_deref(),
        Some("off")
    );
    assert!(
        session
            .attr("#account-form-mastodon .form-error", "hidden")
            .await
            .is_some(),
        "the earlier refusal is gone"
    );
    click(&session, "#account-form-mastodon [data-action='copy']").await;
    let copied = shown_text(
        &session,
        "the copy's outcome",
        "#account-form-mastodon .mastodon-copied",
    )
    .await;
    assert_eq!(copied, "Adresse copiée.");
    // The volunteer reads the code off the server's page.
    let code = peer.code_shown(&authorize).await;
    assert_eq!(code, format!("mockcode_{}", peer.username));
    session.type_into("#mastodon-code", &code).await;
    let code_fr = session.screenshot("accounts-mastodon-fr.png").await;
    click(&session, "#account-form-mastodon button[type='submit']").await;
    let card = ".account-card[data-kind='mastodon'][data-status='connected']";
    shown_text(&session, "the connected Mastodon account", card).await;
    let handle = format!(
        "{}@{}:{}",
        peer.username,
        peer.url.host_str().unwrap(),
        peer.url.port().unwrap()
    );
    assert_eq!(
        session.text(&format!("{card} .account-handle")).await,
        Some(handle.clone())
    );
    assert!(
        session
            .attr("#account-form-mastodon", "hidden")
            .await
            .is_some(),
        "the form closes once the account is added"
    );

    // Test the connection, then remove the account.
    connection_works(&session, card).await;
    click(&session, &format!("{card} [data-action='remove']")).await;
    shown_text(&session, "the removal dialog", "#account-remove-body").await;
    click(&session, "#account-remove-confirm").await;
    session
        .until("the account to leave the list", || async {
            (count(&session, ".account-card").await == 0).then_some(())
        })
        .await;

    // In English, the browser path: the browser comes back to Relais's listener.
    session.choose_language("en").await;
    click(&session, "#account-networks [data-network='mastodon']").await;
    session
        .type_into("#mastodon-server", peer.url.as_str())
        .await;
    click(&session, "#account-form-mastodon button[type='submit']").await;
    // Cancelled while the browser is awaited: a browser coming back later adds nothing.
    let cancelled_url = shown_address(&session).await;
    click(&session, "#account-form-mastodon [data-action='cancel']").await;
    let cancelled = shown_text(
        &session,
        "the cancelled sign-in",
        "#account-form-mastodon .form-error",
    )
    .await;
    assert!(cancelled.contains("no account was added"), "{cancelled}");
    peer.authorize(&cancelled_url).await;
    // Time for a listener wrongly left waiting to add the account.
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    click(&session, "#account-form-mastodon button[type='submit']").await;
    let authorize = session
        .until("a new sign-in's address", || async {
            let text = session.text("#account-form-mastodon .mastodon-url").await?;
            let url = url::Url::parse(text.trim()).ok()?;
            (url != cancelled_url).then_some(url)
        })
        .await;
    let lead = session
        .text("#account-form-mastodon .mastodon-lead")
        .await
        .unwrap_or_default();
    assert!(lead.contains("Finish signing in in your browser"), "{lead}");
    assert_eq!(
        session
            .text("#account-form-mastodon button[type='submit']")
            .await
            .as_deref(),
        Some("Waiting for the browser…"),
        "the window says what it waits for"
    );
    assert!(
        authorize
            .query_pairs()
            .any(|(k, v)| k == "lang" && v == "en"),
        "the server's page in the language the window speaks now, not at start-up: {authorize}"
    );
    let browser_en = session.screenshot("accounts-mastodon-en.png").await;
    let back = peer.authorize(&authorize).await;
    assert_eq!(back.host_str(), Some("127.0.0.1"), "{back}");
    shown_text(&session, "the account added from the browser", card).await;
    assert_eq!(
        session.text(&format!("{card} .account-handle")).await,
        Some(handle)
    );
    let added = session.text("#account-result").await.unwrap_or_default();
    assert!(added.contains("added"), "{added}");
    assert_eq!(
        count(&session, ".account-card").await,
        1,
        "the cancelled sign-in added no account"
    );

    for shot in [&refused_fr, &code_fr, &browser_en] {
        assert!(
            super::e2e::decode(shot).width() > 0,
            "{} is a real screenshot",
            shot.display()
        );
    }
}
