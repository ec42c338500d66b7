//! `relais account …`: the volunteer's own accounts. Secrets are read from standard
//! input (or asked for without echo at a terminal), never from the arguments, which
//! any user of the machine can read in the process list.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Mutex;

use clap::{Args, Subcommand};
use url::Url;

use super::say::Say;
use super::{Cli, Error};
use crate::accounts::{self, Account, AccountId, Keychain, NewAccount, Secret};
use crate::db::Store;
use crate::networks::bluesky::identity;
use crate::networks::mastodon::{self, Loopback, Redirect};
use crate::networks::telegram;

#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Add an account: checked with its network first, its secret kept in the keychain.
    #[command(subcommand)]
    Add(AddCommand),
    /// List the accounts.
    List(ListArgs),
    /// Check that an account still works, without posting.
    Test(IdArgs),
    /// Remove an account and its secret from the keychain.
    Remove(IdArgs),
}

#[derive(Debug, Subcommand)]
pub enum AddCommand {
    /// A Mastodon account, on any server that speaks Mastodon's API. Relais opens your
    /// browser on the server's sign-in page and waits for you to come back; with --code,
    /// it prints the address and you paste the code the server shows.
    Mastodon(MastodonArgs),
    /// A Bluesky account. Paste an app password on standard input (Settings, Privacy and
    /// security, App passwords); it is exchanged for a session and not kept.
    Bluesky(BlueskyArgs),
    /// A Discord channel webhook. Paste its address on standard input (channel
    /// settings, Integrations, Webhooks, Copy Webhook URL).
    Discord,
    /// A Telegram bot that is an administrator of your channel. Paste the bot's token
    /// (from @BotFather) on standard input.
    Telegram(TelegramArgs),
    /// A folder on this computer: each post is written there (image and text) for you
    /// to hand on to a network without an open API (Instagram, TikTok, X).
    Folder(FolderArgs),
}

#[derive(Debug, Args)]
pub struct BlueskyArgs {
    /// The handle, e.g. name.bsky.social.
    #[arg(long, value_name = "HANDLE")]
    pub handle: String,
    /// The account's server (PDS). Without it, Relais finds it from the handle.
    #[arg(long, value_name = "URL")]
    pub pds: Option<String>,
}

#[derive(Debug, Args)]
pub struct MastodonArgs {
    /// The server, e.g. https://mastodon.social.
    #[arg(long, value_name = "URL")]
    pub server: String,
    /// No browser on this computer: paste the code the server shows instead.
    #[arg(long)]
    pub code: bool,
}

#[derive(Debug, Args)]
pub struct TelegramArgs {
    /// The channel, as @name.
    #[arg(long, value_name = "@NAME")]
    pub channel: String,
    /// A self-hosted Bot API server instead of api.telegram.org.
    #[arg(long, value_name = "URL", default_value = telegram::DEFAULT_SERVER)]
    pub server: String,
}

#[derive(Debug, Args)]
pub struct FolderArgs {
    /// The folder (created if missing).
    #[arg(long, value_name = "DIR")]
    pub path: PathBuf,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct IdArgs {
    /// The account id, as `relais account list` shows it.
    #[arg(value_name = "ID")]
    pub id: String,
}

impl AccountCommand {
    pub(super) fn uses_data_folder(&self) -> bool {
        true
    }
}

pub fn run(cli: &Cli, command: &AccountCommand) -> Result<(), Error> {
    let store = Mutex::new(Store::open(&cli.data_dir()?)?);
    let lang = cli.lang();
    match command {
        AccountCommand::Add(add) => {
            let new = NewAccount {
                now: crate::clock::now_unix(),
                random: random_bytes()?,
            };
            let account = match add {
                AddCommand::Mastodon(args) => add_mastodon(cli, &store, args, new)?,
                AddCommand::Bluesky(args) => {
                    let given = args
                        .pds
                        .as_deref()
                        .map(|pds| server_url(pds, |server| accounts::Error::NotBluesky { server }))
                        .transpose()?;
                    let directory = identity::Directory::default();
                    let server = match &given {
                        Some(pds) => accounts::BlueskyServer::Given(pds),
                        None => accounts::BlueskyServer::Find(&directory),
                    };
                    let secret = read_secret(cli, Say::AccountPasteAppPassword)?;
                    let client = client()?;
                    runtime()?.block_on(accounts::add_bluesky(
                        &store,
                        &Keychain,
                        &client,
                        server,
                        &args.handle,
                        secret,
                        new,
                    ))?
                }
                AddCommand::Discord => {
                    let secret = read_secret(cli, Say::AccountPasteWebhook)?;
                    let client = client()?;
                    runtime()?.block_on(accounts::add_discord(
                        &store, &Keychain, &client, secret, new,
                    ))?
                }
                AddCommand::Telegram(args) => {
                    let server = server_url(&args.server, |server| accounts::Error::NotTelegram {
                        server,
                    })?;
                    let secret = read_secret(cli, Say::AccountPasteBotToken)?;
                    let client = client()?;
                    runtime()?.block_on(accounts::add_telegram(
                        &store,
                        &Keychain,
                        &client,
                        &server,
                        &args.channel,
                        secret,
                        new,
                    ))?
                }
                AddCommand::Folder(args) => accounts::add_folder(&store, &args.path, new)?,
            };
            let line = Say::AccountAdded
                .message()
                .text("account", &account.id)
                .text("name", &account.display_name)
                .text("server", &account.server);
            println!("{}", line.render(lang));
            Ok(())
        }
        AccountCommand::List(args) => {
            let all = accounts::list(&*locked(&store)?)?;
            let mut out = std::io::stdout().lock();
            if args.json {
                serde_json::to_writer_pretty(&mut out, &all).map_err(std::io::Error::from)?;
                writeln!(out)?;
            } else {
                for account in &all {
                    writeln!(out, "{}", line(account).render(lang))?;
                }
            }
            Ok(())
        }
        AccountCommand::Test(args) => {
            let id = parse_id(&args.id)?;
            let client = client()?;
            let account = runtime()?.block_on(accounts::test_connection(
                &store,
                &Keychain,
                &client,
                &id,
                crate::clock::now_unix(),
            ))?;
            println!("{}", line(&account).render(lang));
            Ok(())
        }
        AccountCommand::Remove(args) => {
            let id = parse_id(&args.id)?;
            let account = accounts::remove(&*locked(&store)?, &Keychain, &id)?;
            let line = Say::AccountRemoved
                .message()
                .text("account", &account.id)
                .text("name", &account.display_name);
            println!("{}", line.render(lang));
            Ok(())
        }
    }
}

/// How long the browser has to come back.
const SIGN_IN_MINUTES: u64 = 10;

fn add_mastodon(
    cli: &Cli,
    store: &Mutex<Store>,
    args: &MastodonArgs,
    new: NewAccount,
) -> Result<Account, Error> {
    let lang = cli.lang();
    let server = server_url(&args.server, |server| {
        accounts::Error::Mastodon(mastodon::Error::NotMastodon { server })
    })?;
    let client = client()?;
    let runtime = runtime()?;
    let mut random = [0u8; 64];
    getrandom::fill(&mut random).map_err(|error| std::io::Error::other(error.to_string()))?;
    let shown = server.as_str().trim_end_matches('/');
    if args.code {
        let sign_in = runtime.block_on(accounts::begin_mastodon(
            &Keychain,
            &client,
            &server,
            Redirect::Paste,
            random,
            lang.code(),
            new.now,
        ))?;
        let open = Say::MastodonOpenPaste
            .message()
            .text("server", shown)
            .text("url", &sign_in.authorize_url);
        eprintln!("{}", open.render(lang));
        let code = read_secret(cli, Say::MastodonPasteCode)?;
        return Ok(runtime.block_on(accounts::finish_mastodon(
            store,
            &Keychain,
            &client,
            &sign_in,
            code.expose(),
            new,
        ))?);
    }
    runtime
        .block_on(async {
            let loopback = Loopback::bind().await.map_err(accounts::Error::from)?;
            let sign_in = accounts::begin_mastodon(
                &Keychain,
                &client,
                &server,
                Redirect::Loopback {
                    port: loopback.port,
                },
                random,
                lang.code(),
                new.now,
            )
            .await?;
            let open = Say::MastodonOpenBrowser
                .message()
                .text("server", shown)
                .text("url", &sign_in.authorize_url)
                .number("minutes", SIGN_IN_MINUTES);
            eprintln!("{}", open.render(lang));
            // No browser is not a failure: the address is printed above.
            if let Err(error) = webbrowser::open(sign_in.authorize_url.as_str()) {
                tracing::info!(%error, "no browser opened");
            }
            let code = tokio::time::timeout(
                std::time::Duration::from_secs(SIGN_IN_MINUTES * 60),
                loopback.code(&sign_in.state, lang),
            )
            .await
            .map_err(|_| mastodon::Error::NoCallback {
                minutes: SIGN_IN_MINUTES,
            })
            .map_err(accounts::Error::from)?
            .map_err(accounts::Error::from)?;
            accounts::finish_mastodon(store, &Keychain, &client, &sign_in, &code, new).await
        })
        .map_err(Error::Accounts)
}

fn line(account: &Account) -> crate::messages::Message {
    Say::AccountLine
        .message()
        .text("account", &account.id)
        .text("network", <&str>::from(account.kind))
        .text("name", &account.display_name)
        .text("server", &account.server)
        .nested(
            "status",
            crate::messages::Message::new(account.status.message_code()),
        )
}

fn locked(store: &Mutex<Store>) -> Result<std::sync::MutexGuard<'_, Store>, Error> {
    store
        .lock()
        .map_err(|_| Error::Accounts(accounts::Error::StoreUnavailable))
}

fn parse_id(text: &str) -> Result<AccountId, Error> {
    AccountId::parse(text).ok_or_else(|| {
        Error::Accounts(accounts::Error::NotFound {
            account: text.to_owned(),
        })
    })
}

fn server_url(text: &str, wrong: fn(String) -> accounts::Error) -> Result<Url, Error> {
    crate::net::server_address(text).ok_or_else(|| Error::Accounts(wrong(text.to_owned())))
}

/// One line from standard input; at a terminal, asked for without echo.
fn read_secret(cli: &Cli, prompt: Say) -> Result<Secret, Error> {
    if std::io::stdin().is_terminal() {
        let text = rpassword::prompt_password(prompt.message().render(cli.lang()))?;
        return Ok(Secret::new(text));
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let secret = Secret::new(line.trim().to_owned());
    line.clear();
    Ok(secret)
}

fn random_bytes() -> Result<[u8; 8], Error> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).map_err(|error| std::io::Error::other(error.to_string()))?;
    Ok(bytes)
}

fn client() -> Result<crate::net::Client, Error> {
    crate::net::Client::new(crate::net::Options {
        overall_timeout: Some(std::time::Duration::from_secs(30)),
        ..crate::net::Options::default()
    })
    .map_err(|error| Error::Accounts(accounts::Error::Net(error)))
}

fn runtime() -> Result<tokio::runtime::Runtime, Error> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(Error::Output)
}
