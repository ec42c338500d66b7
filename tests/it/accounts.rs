//! Accounts with their secrets in the real keychain (GNOME Keyring in the test run's
//! private D-Bus session), added through the command line as a volunteer would, against
//! scripted Discord and Telegram servers (neither can run here). Secrets go in on
//! standard input and must never come out: not in the data folder, the logs, the
//! output, or an error.

use std::path::Path;

use relais::accounts::{AccountId, Keychain};
use tempfile::TempDir;

use crate::support::scripted::{json, Answer, Scripted};
use crate::support::{files_holding, keychain, relais};

const WEBHOOK_TOKEN: &str = "xK9-webhook-SECRET-token_7Qz";
const BOT_TOKEN: &str = "123456:AAE-bot-SECRET-token_9Lp";

struct Run {
    ok: bool,
    stdout: String,
    stderr: String,
}

/// `relais --data-dir DATA args…` with `stdin`, off the async threads the servers use.
async fn run(data: &Path, lang: &str, args: &[&str], stdin: &str) -> Run {
    let mut command = relais(data.parent().unwrap());
    command
        .env("LANG", lang)
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .write_stdin(stdin.to_owned());
    let output = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    Run {
        ok: output.status.success(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

async fn list(data: &Path) -> Vec<serde_json::Value> {
    let listed = run(data, "C.UTF-8", &["account", "list", "--json"], "").await;
    assert!(listed.ok, "{}", listed.stderr);
    serde_json::from_str(&listed.stdout).expect("account list --json is JSON")
}

fn discord_webhook(server: &Scripted) -> String {
    format!("{}/api/webhooks/112233/{WEBHOOK_TOKEN}", server.base())
}

fn webhook_answer() -> Answer {
    json(
        200,
        serde_json::json!({"type": 1, "id": "112233", "name": "Relais Lyon", "channel_id": "998877",
            "guild_id": "5544", "token": WEBHOOK_TOKEN}),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_discord_webhook_is_checked_kept_in_the_keychain_only_and_removed_with_its_account() {
    keychain::ensure();
    let home = TempDir::new().unwrap();
    let data = home.path().join("data");
    let server = Scripted::start().await;
    let path = format!("/api/webhooks/112233/{WEBHOOK_TOKEN}");
    server.script(&path, vec![webhook_answer()]);

    let added = run(
        &data,
        "C.UTF-8",
        &["account", "add", "discord"],
        &format!("{}\n", discord_webhook(&server)),
    )
    .await;
    assert!(
        added.ok,
        "adding a webhook that answers should work: {}",
        added.stderr
    );
    assert!(added.stdout.contains("Relais Lyon"), "{}", added.stdout);
    let accounts = list(&data).await;
    assert_eq!(accounts.len(), 1, "{accounts:?}");
    let account = &accounts[0];
    assert_eq!(account["kind"], "discord");
    assert_eq!(
        account["server"], "127.0.0.1",
        "the webhook's host is shown"
    );
    assert_eq!(account["status"], "connected");
    let id = AccountId::parse(account["id"].as_str().unwrap()).expect("an account id");
    assert_eq!(
        Keychain
            .secret(&id)
            .expect("the secret is in the keychain")
            .expose(),
        discord_webhook(&server),
        "the keychain holds the webhook address"
    );
    assert!(
        server.requests_in_full().iter().all(|r| r.method == "GET"),
        "checking a webhook posts nothing: {:?}",
        server.requests()
    );

    // Deleted in Discord: the test says so, in French, and the account needs sign-in.
    server.script(
        &path,
        vec![json(
            404,
            serde_json::json!({"message": "Unknown Webhook", "code": 10015}),
        )],
    );
    let tested = run(&data, "fr_FR.UTF-8", &["account", "test", id.as_str()], "").await;
    assert!(!tested.ok);
    assert!(
        tested.stderr.contains("Ce webhook n’existe plus"),
        "{}",
        tested.stderr
    );
    assert_eq!(list(&data).await[0]["status"], "needs_sign_in");

    // A server error: the error names the server, never the token in the address.
    server.script(&path, vec![Answer::Status(503)]);
    let failed = run(&data, "C.UTF-8", &["account", "test", id.as_str()], "").await;
    assert!(
        !failed.ok && failed.stderr.contains("503"),
        "{}",
        failed.stderr
    );
    assert_eq!(list(&data).await[0]["status"], "unreachable");

    for run in [&added, &tested, &failed] {
        assert!(
            !run.stdout.contains(WEBHOOK_TOKEN) && !run.stderr.contains(WEBHOOK_TOKEN),
            "the token must never be printed:\n{}\n{}",
            run.stdout,
            run.stderr
        );
    }
    assert_eq!(
        files_holding(&data, WEBHOOK_TOKEN),
        Vec::<String>::new(),
        "no file in the data folder (database, logs) may hold the token"
    );

    let removed = run(&data, "C.UTF-8", &["account", "remove", id.as_str()], "").await;
    assert!(removed.ok, "{}", removed.stderr);
    assert!(list(&data).await.is_empty());
    assert!(
        Keychain.secret(&id).is_err(),
        "removing the account removes its secret"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_address_is_never_taken_from_the_arguments() {
    let home = TempDir::new().unwrap();
    let data = home.path().join("data");
    let given = run(
        &data,
        "C.UTF-8",
        &[
            "account",
            "add",
            "discord",
            "https://discord.com/api/webhooks/1/abc",
        ],
        "",
    )
    .await;
    assert!(
        !given.ok && given.stderr.contains("unexpected argument"),
        "a secret in argv would be readable by every user of the machine: {}",
        given.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn addresses_that_are_not_webhooks_are_refused_before_anything_is_kept() {
    keychain::ensure();
    let home = TempDir::new().unwrap();
    let data = home.path().join("data");
    let server = Scripted::start().await;
    server.script(
        "/api/webhooks/1/tok",
        vec![Answer::Full {
            status: 200,
            headers: vec![("Content-Type".into(), "text/html".into())],
            body: b"<html>hello</html>".to_vec(),
        }],
    );
    for (input, words) in [
        ("\n".to_owned(), "Nothing was given"),
        (
            "https://discord.com/channels/1/2\n".to_owned(),
            "not a webhook address",
        ),
        (
            format!("{}/api/webhooks/1/tok\n", server.base()),
            "not as a webhook does",
        ),
    ] {
        let refused = run(&data, "C.UTF-8", &["account", "add", "discord"], &input).await;
        assert!(
            !refused.ok && refused.stderr.contains(words),
            "{input:?}: {}",
            refused.stderr
        );
    }
    // In French, the words nested in the sentence are French too.
    let french = run(
        &data,
        "fr_FR.UTF-8",
        &["account", "add", "discord"],
        "https://discord.com/channels/1/2\n",
    )
    .await;
    assert!(
        french.stderr.contains(
            "Ce n’est pas une adresse de webhook : son chemin ne contient pas /webhooks/"
        ),
        "{}",
        french.stderr
    );
    assert!(list(&data).await.is_empty(), "nothing half-written");
}

fn telegram_server(server: &Scripted, member_status: &str) {
    let at = |method: &str| format!("/bot{BOT_TOKEN}/{method}");
    server.script(
        &at("getMe"),
        vec![json(200, serde_json::json!({"ok": true, "result": {"id": 4242, "is_bot": true, "first_name": "Relais", "username": "relais_lyon_bot"}}))],
    );
    server.script(
        &at("getChat"),
        vec![json(200, serde_json::json!({"ok": true, "result": {"id": -1001234, "title": "Lyon en campagne", "type": "channel", "username": "lyon_campagne"}}))],
    );
    server.script(
        &at("getChatMember"),
        vec![json(200, serde_json::json!({"ok": true, "result": {"status": member_status, "can_post_messages": true, "user": {"id": 4242}}}))],
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_telegram_bot_is_added_only_when_it_may_post_in_the_channel() {
    keychain::ensure();
    let home = TempDir::new().unwrap();
    let data = home.path().join("data");
    let server = Scripted::start().await;
    let add = |lang: &'static str| {
        let data = data.clone();
        let base = server.base();
        async move {
            run(
                &data,
                lang,
                &[
                    "account",
                    "add",
                    "telegram",
                    "--channel",
                    "@lyon_campagne",
                    "--server",
                    &base,
                ],
                &format!("{BOT_TOKEN}\n"),
            )
            .await
        }
    };

    telegram_server(&server, "member");
    let refused = add("fr_FR.UTF-8").await;
    assert!(!refused.ok);
    assert!(
        refused
            .stderr
            .contains("@relais_lyon_bot n’est pas administrateur de @lyon_campagne"),
        "a bot that is only a member is refused, saying how to fix it: {}",
        refused.stderr
    );
    assert!(list(&data).await.is_empty(), "nothing kept after a refusal");

    server.script(
        &format!("/bot{BOT_TOKEN}/getMe"),
        vec![json(
            401,
            serde_json::json!({"ok": false, "error_code": 401, "description": "Unauthorized"}),
        )],
    );
    let bad_token = add("C.UTF-8").await;
    assert!(
        !bad_token.ok && bad_token.stderr.contains("refused the bot token"),
        "{}",
        bad_token.stderr
    );

    telegram_server(&server, "administrator");
    let added = add("C.UTF-8").await;
    assert!(added.ok, "{}", added.stderr);
    let accounts = list(&data).await;
    assert_eq!(accounts[0]["display_name"], "Lyon en campagne");
    assert_eq!(accounts[0]["handle"], "@lyon_campagne");
    let again = add("C.UTF-8").await;
    assert!(
        !again.ok && again.stderr.contains("already added"),
        "{}",
        again.stderr
    );

    for run in [&refused, &bad_token, &added, &again] {
        assert!(
            !run.stdout.contains(BOT_TOKEN) && !run.stderr.contains(BOT_TOKEN),
            "{}",
            run.stderr
        );
    }
    assert_eq!(files_holding(&data, BOT_TOKEN), Vec::<String>::new());
    assert_eq!(files_holding(&data, "AAE-bot-SECRET"), Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_keychain_nothing_is_kept_and_the_volunteer_is_told_what_to_start() {
    let home = TempDir::new().unwrap();
    let data = home.path().join("data");
    let server = Scripted::start().await;
    server.script(
        &format!("/api/webhooks/112233/{WEBHOOK_TOKEN}"),
        vec![webhook_answer()],
    );
    let mut command = relais(home.path());
    command
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            format!("unix:path={}", home.path().join("no-bus").display()),
        )
        .arg("--data-dir")
        .arg(&data)
        .args(["account", "add", "discord"])
        .write_stdin(format!("{}\n", discord_webhook(&server)));
    let output = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("No keychain answers") && stderr.contains("Secret Service"),
        "{stderr}"
    );
    assert!(
        list(&data).await.is_empty(),
        "no account without its secret"
    );
    assert_eq!(
        files_holding(&data, WEBHOOK_TOKEN),
        Vec::<String>::new(),
        "never a plaintext fallback"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_folder_account_is_a_writable_folder() {
    let home = TempDir::new().unwrap();
    let data = home.path().join("data");
    let folder = home.path().join("à poster");
    let added = run(
        &data,
        "C.UTF-8",
        &[
            "account",
            "add",
            "folder",
            "--path",
            folder.to_str().unwrap(),
        ],
        "",
    )
    .await;
    assert!(added.ok, "{}", added.stderr);
    assert!(folder.is_dir(), "the folder is created");
    let accounts = list(&data).await;
    assert_eq!(accounts[0]["kind"], "folder");
    assert_eq!(accounts[0]["display_name"], "à poster");
    let file = home.path().join("a-file");
    std::fs::write(&file, b"x").unwrap();
    let refused = run(
        &data,
        "C.UTF-8",
        &["account", "add", "folder", "--path", file.to_str().unwrap()],
        "",
    )
    .await;
    assert!(
        !refused.ok && refused.stderr.contains("cannot be used"),
        "{}",
        refused.stderr
    );
}

/// The secrets an account of each kind involves, as they can be read back from the
/// keychain after it was added.
fn kept_secrets(data: &Path) -> Vec<String> {
    let store = relais::db::Store::open(data).unwrap();
    let mut secrets = Vec::new();
    for account in relais::accounts::list(&store).unwrap() {
        if account.kind == relais::accounts::Kind::Folder {
            continue;
        }
        let secret = Keychain.secret(&account.id).expect("a kept secret");
        // A Bluesky session is JSON: each token inside is a secret on its own.
        match serde_json::from_str::<serde_json::Value>(secret.expose()) {
            Ok(serde_json::Value::Object(fields)) => secrets.extend(
                ["accessJwt", "refreshJwt", "access_jwt", "refresh_jwt"]
                    .iter()
                    .filter_map(|name| fields.get(*name)?.as_str().map(str::to_owned)),
            ),
            _ => secrets.push(secret.expose().to_owned()),
        }
    }
    secrets
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_of_any_kind_of_account_is_left_in_files_logs_output_or_errors() {
    keychain::ensure();
    let home = TempDir::new().unwrap();
    let data = home.path().join("data");
    let scripted = Scripted::start().await;
    scripted.script(
        &format!("/api/webhooks/112233/{WEBHOOK_TOKEN}"),
        vec![webhook_answer()],
    );
    telegram_server(&scripted, "administrator");
    let pds = crate::support::pds::pds();
    let volunteer = pds.volunteer("secrets").await;
    let mastodon = crate::support::mastodon::mastodon();
    let folder = home.path().join("export");

    let mut runs = vec![
        run(
            &data,
            "fr_FR.UTF-8",
            &["account", "add", "discord"],
            &format!("{}\n", discord_webhook(&scripted)),
        )
        .await,
        run(
            &data,
            "fr_FR.UTF-8",
            &[
                "account",
                "add",
                "telegram",
                "--channel",
                "@lyon_campagne",
                "--server",
                &scripted.base(),
            ],
            &format!("{BOT_TOKEN}\n"),
        )
        .await,
        run(
            &data,
            "fr_FR.UTF-8",
            &[
                "account",
                "add",
                "bluesky",
                "--handle",
                &volunteer.handle,
                "--pds",
                &pds.url,
            ],
            &format!("{}\n", volunteer.app_password),
        )
        .await,
        run(
            &data,
            "fr_FR.UTF-8",
            &[
                "account",
                "add",
                "mastodon",
                "--server",
                mastodon.url.as_str(),
                "--code",
            ],
            &format!("mockcode_{}\n", mastodon.username),
        )
        .await,
        run(
            &data,
            "fr_FR.UTF-8",
            &[
                "account",
                "add",
                "folder",
                "--path",
                folder.to_str().unwrap(),
            ],
            "",
        )
        .await,
    ];
    for added in &runs {
        assert!(added.ok, "every kind is added: {}", added.stderr);
    }
    let accounts = list(&data).await;
    assert_eq!(accounts.len(), 5, "{accounts:?}");

    // Each account tested, and each refused once, so errors are printed too.
    for account in &accounts {
        let id = account["id"].as_str().unwrap();
        runs.push(run(&data, "fr_FR.UTF-8", &["account", "test", id], "").await);
    }
    scripted.script(
        &format!("/api/webhooks/112233/{WEBHOOK_TOKEN}"),
        vec![Answer::Status(503)],
    );
    scripted.script(&format!("/bot{BOT_TOKEN}/getMe"), vec![Answer::Status(502)]);
    for account in &accounts {
        let id = account["id"].as_str().unwrap();
        runs.push(run(&data, "C.UTF-8", &["account", "test", id], "").await);
    }
    let wrong = run(
        &data,
        "C.UTF-8",
        &[
            "account",
            "add",
            "bluesky",
            "--handle",
            &volunteer.handle,
            "--pds",
            &pds.url,
        ],
        "wrong-app-password-SECRET\n",
    )
    .await;
    assert!(!wrong.ok, "a wrong app password is refused");
    runs.push(wrong);

    let mut secrets = kept_secrets(&data);
    secrets.extend([
        WEBHOOK_TOKEN.to_owned(),
        BOT_TOKEN.to_owned(),
        volunteer.app_password.clone(),
        "wrong-app-password-SECRET".to_owned(),
    ]);
    assert!(
        secrets.len() >= 7,
        "every secret is known to the test: {}",
        secrets.len()
    );
    for secret in &secrets {
        let shown: String = secret.chars().take(6).collect();
        assert_eq!(
            files_holding(home.path(), secret),
            Vec::<String>::new(),
            "a secret starting {shown}… is in a file (data folder, logs, export)"
        );
        for run in &runs {
            assert!(
                !run.stdout.contains(secret.as_str()) && !run.stderr.contains(secret.as_str()),
                "a secret starting {shown}… was printed"
            );
        }
    }
    for account in &accounts {
        let id = account["id"].as_str().unwrap();
        assert!(
            run(&data, "C.UTF-8", &["account", "remove", id], "")
                .await
                .ok
        );
    }
}
