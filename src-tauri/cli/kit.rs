use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};

use super::say::Say;
use super::{Cli, Error};
use crate::db::Store;
use crate::kit::{self, signature};
use crate::messages::Lang;
use crate::render::{Limits, Typesetter};

#[derive(Debug, Subcommand)]
pub enum KitCommand {
    /// List the kits in the library (installing the demo kit on first use).
    List(ListArgs),
    /// Write the built-in demo kit as a kit folder, to see what a kit looks like.
    Demo(DemoArgs),
    /// Organizers: make a signing key pair (relais-kit.key and relais-kit.pub).
    Keygen(KeygenArgs),
    /// Organizers: build a signed kit from a folder of assets and its kit.toml.
    Build(BuildArgs),
    /// Check a kit's signature and every file it lists, as an import would.
    Verify(VerifyArgs),
    /// Import a kit (folder, .relais file or https:// URL) into the library.
    Import(ImportArgs),
    /// Remove a kit from the library, with its trusted key and unused files.
    Remove(RemoveArgs),
    /// Sync kits that have a web address (all, or one by id).
    Update(super::sync::UpdateArgs),
    /// Draw the demo kit's source folder (assets + kit.toml), for
    /// scripts/build-demo-kit.sh.
    #[command(hide = true)]
    DemoSource(DemoArgs),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A kit folder, a .relais file, or the https:// address of a published kit.
    #[arg(value_name = "PATH_OR_URL")]
    pub source: String,
    /// Trust this organizer key for a kit not imported before: the key's fingerprint
    /// (64 hex digits) shown by a first attempt, or the public key (.pub file or base64
    /// line). A 16-digit minisign key id is not enough.
    #[arg(long, value_name = "KEY_OR_FINGERPRINT")]
    pub trust: Option<String>,
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct RemoveArgs {
    /// The kit id, as `relais kit list` shows it.
    #[arg(value_name = "ID")]
    pub id: String,
}

/// Where a secret key's password comes from when not typed at a terminal.
const PASSWORD_ENV: &str = "RELAIS_KEY_PASSWORD";

#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// Folder to write relais-kit.key and relais-kit.pub into (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Write the secret key without a password. Only for keys kept on an encrypted,
    /// access-controlled machine (e.g. a CI secret).
    #[arg(long)]
    pub unencrypted: bool,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Source folder: kit.toml and the asset files it lists.
    #[arg(value_name = "SRC_DIR")]
    pub source: PathBuf,
    /// The organizer's secret key (relais-kit.key or a minisign .key file). Its
    /// password is read from RELAIS_KEY_PASSWORD, or asked for on the terminal.
    #[arg(long, value_name = "SECRET_KEY")]
    pub key: PathBuf,
    /// Folder to create with the signed kit (must not exist or be empty), or a file
    /// name ending in .relais for a zipped kit (must not exist).
    #[arg(long, value_name = "OUT")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Kit folder holding kit.json, kit.json.minisig and the assets, a .relais file, or
    /// the https:// address of a published kit (needs --pubkey).
    #[arg(value_name = "PATH_OR_URL")]
    pub path: PathBuf,
    /// The organizer's public key: a .pub file or its base64 line. Without it the
    /// signature is only parsed and the kit is not trusted.
    #[arg(long, value_name = "KEY_OR_FILE")]
    pub pubkey: Option<String>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Folder to write into (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

impl KitCommand {
    /// Whether the command reads or writes the volunteer's library.
    pub(super) fn uses_data_folder(&self) -> bool {
        matches!(
            self,
            KitCommand::List(_)
                | KitCommand::Import(_)
                | KitCommand::Remove(_)
                | KitCommand::Update(_)
        )
    }
}

pub fn run(cli: &Cli, command: &KitCommand) -> Result<(), Error> {
    match command {
        KitCommand::List(args) => list(cli, args),
        KitCommand::Demo(args) => {
            std::fs::create_dir_all(&args.out)?;
            kit::demo::write(&args.out, &mut Typesetter::new())?;
            println!("{}", args.out.display());
            Ok(())
        }
        KitCommand::DemoSource(args) => {
            std::fs::create_dir_all(&args.out)?;
            kit::demo::write_source(&args.out, &mut Typesetter::new())?;
            println!("{}", args.out.display());
            Ok(())
        }
        KitCommand::Keygen(args) => keygen(cli, args),
        KitCommand::Build(args) => build(cli, args),
        KitCommand::Verify(args) => verify(cli, args),
        KitCommand::Import(args) => import(cli, args),
        KitCommand::Remove(args) => remove(cli, args),
        KitCommand::Update(args) => super::sync::update(cli, args),
    }
}

fn is_url(source: &str) -> bool {
    source.starts_with("https://") || source.starts_with("http://")
}

/// The one place URLs leave this file.
fn import_url(cli: &Cli, url: &str, trust: Option<&str>, json: bool) -> Result<(), Error> {
    super::sync::import_url(cli, url, &parse_trust(trust)?, json)
}

/// `--trust`: 64 hex digits confirm the fingerprint of the key kit.json embeds; a bare
/// key id is refused (anyone can copy one); anything else is the key itself.
fn parse_trust(value: Option<&str>) -> Result<kit::Trust, Error> {
    let Some(value) = value else {
        return Ok(kit::Trust::KnownOnly);
    };
    Ok(match kit::Fingerprint::parse(value) {
        Ok(fingerprint) => kit::Trust::Fingerprint(fingerprint),
        Err(signature::FingerprintText::KeyId(key_id)) => {
            return Err(kit::Error::KeyIdNotEnough { key_id }.into())
        }
        Err(signature::FingerprintText::Other) => {
            kit::Trust::Pinned(signature::PublicKey::from_file_or_text(value).map_err(kit_error)?)
        }
    })
}

fn import(cli: &Cli, args: &ImportArgs) -> Result<(), Error> {
    if is_url(&args.source) {
        return import_url(cli, &args.source, args.trust.as_deref(), args.json);
    }
    let path = Path::new(&args.source);
    let trust = parse_trust(args.trust.as_deref())?;
    let mut store = Store::open(&cli.data_dir()?)?;
    let limits = Limits::default();
    let now = crate::clock::now_unix();
    let report = match kit::import_path(&mut store, path, &trust, now, &limits) {
        Err(kit::Error::NotTrusted { .. }) => {
            // Show what the volunteer must check, and how to say they did.
            let inspection = kit::inspect(path, &store, &limits)?;
            return Err(Error::TrustNeeded {
                command: format!(
                    "relais kit import {} --trust {}",
                    shell_quote(&args.source),
                    inspection.fingerprint.compact()
                ),
                publisher: inspection.publisher,
                kit: inspection.kit_id,
                version: inspection.version,
                fingerprint: inspection.fingerprint,
            });
        }
        other => other?,
    };
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &report).map_err(std::io::Error::from)?;
        writeln!(out)?;
        return Ok(());
    }
    let signed = Say::ImportSignedBy
        .message()
        .text("fingerprint", report.fingerprint);
    super::import_report::write_import(&mut out, &report, signed, cli.lang())?;
    Ok(())
}

/// Quotes a path for the command line we print, only when it needs it.
fn shell_quote(value: &str) -> String {
    if value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"/._-+=:,@".contains(&b))
    {
        value.to_owned()
    } else {
        format!("'{}'", value.replace('\'', "'\\''"))
    }
}

fn remove(cli: &Cli, args: &RemoveArgs) -> Result<(), Error> {
    let mut store = Store::open(&cli.data_dir()?)?;
    kit::remove_kit(&mut store, &args.id)?;
    let line = Say::KitRemoved.message().text("kit", &args.id);
    println!("{}", line.render(cli.lang()));
    Ok(())
}

fn keygen(cli: &Cli, args: &KeygenArgs) -> Result<(), Error> {
    let lang = cli.lang();
    let secret_path = args.out.join(signature::SECRET_KEY_FILE);
    // Refuse before asking for a password that would then be thrown away.
    for path in [&secret_path, &args.out.join(signature::PUBLIC_KEY_FILE)] {
        if path.symlink_metadata().is_ok() {
            return Err(kit_error(signature::Error::KeyFileExists {
                path: path.clone(),
            }));
        }
    }
    let password = if args.unencrypted {
        None
    } else {
        Some(new_password(&secret_path, lang).map_err(kit_error)?)
    };
    let pair = signature::generate_key_pair(&args.out, password.as_deref()).map_err(kit_error)?;
    let mut out = std::io::stdout().lock();
    let secret = if args.unencrypted {
        Say::KeygenSecretUnprotected
    } else {
        Say::KeygenSecretProtected
    };
    for line in [
        secret.message().text("path", pair.secret_path.display()),
        Say::KeygenPublic
            .message()
            .text("path", pair.public_path.display()),
        Say::KeygenFingerprint
            .message()
            .text("fingerprint", pair.public.fingerprint()),
        Say::KeygenKeyId
            .message()
            .text("key_id", pair.public.key_id()),
    ] {
        writeln!(out, "{}", line.render(lang))?;
    }
    writeln!(out, "{}", pair.public.to_base64())?;
    Ok(())
}

fn build(cli: &Cli, args: &BuildArgs) -> Result<(), Error> {
    let key_file = signature::SecretKeyFile::read(&args.key).map_err(kit_error)?;
    let password = if key_file.is_encrypted() {
        Some(existing_password(key_file.path(), cli.lang()).map_err(kit_error)?)
    } else {
        None
    };
    let key = key_file.unlock(password.as_deref()).map_err(kit_error)?;
    let report = kit::source::build(
        &args.source,
        &key,
        &args.out,
        crate::clock::now_unix(),
        &Limits::default(),
    )
    .map_err(kit::Error::from)?;
    let line = Say::BuildDone
        .message()
        .text("kit", &report.kit_id)
        .number("version", report.version as i64)
        .number("count", report.assets as i64)
        .text("fingerprint", report.fingerprint)
        .text("path", report.out.display());
    println!("{}", line.render(cli.lang()));
    Ok(())
}

fn verify(cli: &Cli, args: &VerifyArgs) -> Result<(), Error> {
    let lang = cli.lang();
    if let Some(url) = args.path.to_str().filter(|path| is_url(path)) {
        let key = args.pubkey.as_deref().ok_or_else(|| Error::PubkeyNeeded {
            url: url.to_owned(),
        })?;
        let key = signature::PublicKey::from_file_or_text(key).map_err(kit_error)?;
        return super::sync::verify_url(url, &key, lang);
    }
    // A .relais file is checked as the folder it unpacks to, with the same limits as
    // an import, in a temp folder removed afterwards.
    let unpacked = if kit::archive::is_archive(&args.path) {
        let dir = tempfile::Builder::new()
            .prefix("relais-verify-")
            .tempdir()
            .map_err(|source| kit::Error::Staging {
                path: std::env::temp_dir(),
                source,
            })?;
        kit::archive::Archive::open(&args.path)?.unpack_kit(dir.path(), &Limits::default())?;
        Some(dir)
    } else {
        None
    };
    let folder = unpacked
        .as_ref()
        .map_or(args.path.as_path(), |dir| dir.path());
    let key = args
        .pubkey
        .as_deref()
        .map(signature::PublicKey::from_file_or_text)
        .transpose()
        .map_err(kit_error)?;
    let mut out = std::io::stdout().lock();
    let mut print_error = None;
    let result = kit::verify_folder(folder, key.as_ref(), &Limits::default(), &mut |passed| {
        let line = match passed {
            kit::Passed::Signature {
                fingerprint,
                trusted_comment,
            } => Say::VerifySignature
                .message()
                .text("fingerprint", fingerprint)
                .text("comment", trusted_comment),
            kit::Passed::SignatureWellFormed {
                embedded: Some(fingerprint),
            } => Say::VerifyUncheckedEmbedded
                .message()
                .text("fingerprint", fingerprint),
            kit::Passed::SignatureWellFormed { embedded: None } => Say::VerifyUnchecked.message(),
            kit::Passed::File { entry } => Say::VerifyFile
                .message()
                .text("file", &entry.file)
                .size("size", entry.size)
                .text("width", entry.width)
                .text("height", entry.height)
                .text("kind", entry.kind.as_str()),
        };
        if let Err(error) = writeln!(out, "{}", line.render(lang)) {
            print_error.get_or_insert(error);
        }
    });
    if let Some(error) = print_error {
        return Err(error.into());
    }
    let verified = result?;
    let done = Say::VerifyDone
        .message()
        .text("kit", &verified.manifest.id)
        .number("version", verified.manifest.version as i64)
        .number("count", verified.manifest.assets.len() as i64);
    writeln!(out, "{}", done.render(lang))?;
    Ok(())
}

fn kit_error(error: impl Into<kit::Error>) -> Error {
    Error::Kit(error.into())
}

/// A new key's password: from the environment for scripts, else typed twice at the
/// terminal. Never echoed, printed or logged.
fn new_password(secret_path: &Path, lang: Lang) -> Result<String, signature::Error> {
    if let Some(password) = env_password() {
        return Ok(password);
    }
    if !std::io::stdin().is_terminal() {
        return Err(signature::Error::PasswordNeeded {
            path: secret_path.to_path_buf(),
        });
    }
    let prompt = |text: &str| {
        rpassword::prompt_password(text)
            .map_err(|source| signature::Error::PasswordPrompt { source })
    };
    let first = prompt(&Say::PasswordNew.message().render(lang))?;
    let second = prompt(&Say::PasswordAgain.message().render(lang))?;
    if first != second {
        return Err(signature::Error::PasswordsDiffer);
    }
    Ok(first)
}

fn existing_password(secret_path: &Path, lang: Lang) -> Result<String, signature::Error> {
    if let Some(password) = env_password() {
        return Ok(password);
    }
    if !std::io::stdin().is_terminal() {
        return Err(signature::Error::PasswordNeeded {
            path: secret_path.to_path_buf(),
        });
    }
    let prompt = Say::PasswordExisting
        .message()
        .text("path", secret_path.display());
    rpassword::prompt_password(prompt.render(lang))
        .map_err(|source| signature::Error::PasswordPrompt { source })
}

/// An empty variable counts as unset: an empty password would protect nothing.
fn env_password() -> Option<String> {
    std::env::var(PASSWORD_ENV)
        .ok()
        .filter(|password| !password.is_empty())
}

fn list(cli: &Cli, args: &ListArgs) -> Result<(), Error> {
    let mut store = Store::open(&cli.data_dir()?)?;
    kit::demo::ensure_installed(
        &mut store,
        &mut Typesetter::new(),
        crate::clock::now_unix(),
        &Limits::default(),
    )?;
    let kits = kit::list_kits(&store)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        // KitSummary's field names are the stable JSON scripts read.
        serde_json::to_writer_pretty(&mut out, &kits).map_err(std::io::Error::from)?;
        writeln!(out)?;
    } else {
        let lang = cli.lang();
        for summary in kits {
            let line = Say::ListLine
                .message()
                .text("kit", &summary.id)
                .number("version", summary.version as i64)
                .number("count", summary.assets as i64)
                .localized("title", &summary.title.fr, &summary.title.en)
                .text("publisher", &summary.publisher)
                .text(
                    "fingerprint",
                    summary
                        .fingerprint
                        .map_or_else(|| "-".to_owned(), |fingerprint| fingerprint.to_string()),
                );
            writeln!(out, "{}", line.render(lang))?;
        }
    }
    Ok(())
}
