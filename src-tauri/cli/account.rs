//! `relais account …`: the volunteer's own accounts. Secrets are read from standard
//! input (or asked for without echo at a terminal), never from the arguments, which
//! any user of the machine can read in the process list.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use clap::{Args, Subcommand};
use url::Url;

use super::say::Say;
use super::{Cli, Error};
use crate::accounts::{self, Account, AccountId, Keychain, NewAccount, Secret};
use crate::db::Store;
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
    /// The account's server (PDS), for accounts not hosted by Bluesky itself.
    #[arg(long, value_name = "URL", default_value = "https://bsky.social")]
    pub pds: String,
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
    let store = Store::open(&cli.data_dir()?)?;
    let lang = cli.lang();
    match command {
        AccountCommand::Add(add) => {
            let new = NewAccount {
                now: crate::clock::now_unix(),
                random: random_bytes()?,
            };
            let account = match add {
                AddCommand::Bluesky(args) => {
                    let pds =
                        server_url(&args.pds, |server| accounts::Error::NotBluesky { server })?;
                    let secret = read_secret(cli, Say::AccountPasteAppPassword)?;
                    let client = client()?;
                    runtime()?.block_on(accounts::add_bluesky(
                        &store,
                        &Keychain,
                        &client,
                        &pds,
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
            let all = accounts::list(&store)?;
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
            let account =
                runtime()?.block_on(accounts::test_connection(&store, &Keychain, &client, &id))?;
            println!("{}", line(&account).render(lang));
            Ok(())
        }
        AccountCommand::Remove(args) => {
            let id = parse_id(&args.id)?;
            let account = accounts::remove(&store, &Keychain, &id)?;
            let line = Say::AccountRemoved
                .message()
                .text("account", &account.id)
                .text("name", &account.display_name);
            println!("{}", line.render(lang));
            Ok(())
        }
    }
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

fn parse_id(text: &str) -> Result<AccountId, Error> {
    AccountId::parse(text).ok_or_else(|| {
        Error::Accounts(accounts::Error::NotFound {
            account: text.to_owned(),
        })
    })
}

fn server_url(text: &str, wrong: fn(String) -> accounts::Error) -> Result<Url, Error> {
    let with_slash = if text.ends_with('/') {
        text.to_owned()
    } else {
        format!("{text}/")
    };
    Url::parse(&with_slash).map_err(|_| Error::Accounts(wrong(text.to_owned())))
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
