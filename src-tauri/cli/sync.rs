//! `relais kit import URL` and `relais kit update [ID]`: kits synced over HTTPS, with a
//! progress line on stderr when it is a terminal.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;

use clap::Args;

use super::say::Say;
use super::{Cli, Error};
use crate::db::Store;
use crate::kit::remote::{self, Progress, SyncOptions, SyncOutcome, SyncReport};
use crate::kit::signature::PublicKey;
use crate::kit::Trust;
use crate::messages::{Describe, Lang};
use crate::render::Limits;

#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// Only this kit; without it, every kit that has a web address.
    #[arg(value_name = "ID")]
    pub kit_id: Option<String>,
}

/// `relais kit import https://…`: the kit folder served at `url`.
pub fn import_url(cli: &Cli, url: &str, trust: &Trust, json: bool) -> Result<(), Error> {
    let store = Mutex::new(Store::open(&cli.data_dir()?)?);
    let bar = ProgressLine::new(cli.lang());
    let report = runtime()?.block_on(remote::sync(
        &store,
        url,
        trust,
        crate::clock::now_unix(),
        &Limits::default(),
        &|progress| bar.show(url, progress),
    ));
    bar.finish();
    let report = match report {
        Err(remote::Error::Kit(crate::kit::Error::NotTrusted {
            kit,
            version,
            publisher,
            fingerprint,
        })) => {
            // The same guidance as for a file: what to check, and how to say it was.
            return Err(Error::TrustNeeded {
                command: format!("relais kit import {url} --trust {}", fingerprint.compact()),
                publisher,
                kit,
                version,
                fingerprint,
            });
        }
        other => other?,
    };
    if json {
        let mut out = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut out, &report).map_err(std::io::Error::from)?;
        writeln!(out)?;
        return Ok(());
    }
    print_report(&report, cli.lang())
}

/// `relais kit verify https://… --pubkey KEY`: the kit is synced into a throwaway data
/// folder, which runs every check an import runs (signature with `key` first, then
/// every file's size, SHA-256 and pixels), and nothing of it is kept.
pub fn verify_url(url: &str, key: &PublicKey, lang: Lang) -> Result<(), Error> {
    let scratch = tempfile::Builder::new()
        .prefix("relais-verify-")
        .tempdir()
        .map_err(|source| crate::kit::Error::Staging {
            path: std::env::temp_dir(),
            source,
        })?;
    let store = Mutex::new(Store::open(scratch.path())?);
    let bar = ProgressLine::new(lang);
    let report = runtime()?.block_on(remote::sync(
        &store,
        url,
        &Trust::Pinned(key.clone()),
        crate::clock::now_unix(),
        &Limits::default(),
        &|progress| bar.show(url, progress),
    ));
    bar.finish();
    let report = report?;
    let SyncOutcome::Imported(import) = &report.outcome else {
        // A fresh folder has no ETag to send, so the server cannot answer "not modified".
        return Ok(());
    };
    let mut out = std::io::stdout().lock();
    for line in [
        Say::VerifySignature
            .message()
            .text("fingerprint", import.fingerprint)
            .text(
                "comment",
                crate::kit::signature::trusted_comment(&import.kit_id, import.version),
            ),
        Say::VerifyUrlFiles
            .message()
            .number("count", report.files_fetched as i64)
            .size("size", report.bytes_fetched)
            .text("url", &report.url),
        Say::VerifyDone
            .message()
            .text("kit", &import.kit_id)
            .number("version", import.version as i64)
            .number("count", report.files_fetched as i64),
    ] {
        writeln!(out, "{}", line.render(lang))?;
    }
    Ok(())
}

/// `relais kit update [ID]`. Every kit is tried; the command fails if any kit failed.
pub fn update(cli: &Cli, args: &UpdateArgs) -> Result<(), Error> {
    let lang = cli.lang();
    let store = Mutex::new(Store::open(&cli.data_dir()?)?);
    let now = crate::clock::now_unix();
    let limits = Limits::default();
    let options = SyncOptions::default();
    let runtime = runtime()?;
    let bar = ProgressLine::new(lang);
    if let Some(kit_id) = &args.kit_id {
        let report = runtime.block_on(remote::update_kit(
            &store,
            kit_id,
            now,
            &limits,
            &options,
            &|progress| bar.show(kit_id, progress),
        ));
        bar.finish();
        return print_report(&report?, lang);
    }
    let updates = runtime.block_on(remote::update_all(
        &store,
        now,
        &limits,
        &options,
        &|kit_id, progress| bar.show(kit_id, progress),
    ))?;
    bar.finish();
    if updates.is_empty() {
        println!("{}", Say::UpdateNone.message().render(lang));
        return Ok(());
    }
    let mut first_error = None;
    for update in updates {
        match update.result {
            Ok(report) => print_report(&report, lang)?,
            Err(error) => {
                let line = Say::UpdateFailed
                    .message()
                    .text("kit", &update.kit_id)
                    .nested("problem", error.describe());
                eprintln!("relais: {}", line.render(lang));
                first_error.get_or_insert(error);
            }
        }
    }
    match first_error {
        Some(error) => Err(error.into()),
        None => Ok(()),
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, Error> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| {
            remote::Error::Net(crate::net::Error::Client {
                detail: error.to_string(),
            })
        })?)
}

fn print_report(report: &SyncReport, lang: Lang) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    match &report.outcome {
        SyncOutcome::NotModified => {
            let line = Say::UpdateUpToDate
                .message()
                .text("kit", &report.kit_id)
                .text("url", &report.url);
            writeln!(out, "{}", line.render(lang))?
        }
        SyncOutcome::Imported(import) => {
            let downloaded = Say::ImportDownloaded
                .message()
                .number("count", report.files_fetched as i64)
                .size("size", report.bytes_fetched);
            super::import_report::write_import(&mut out, import, downloaded, lang)?;
        }
    }
    Ok(())
}

/// One line redrawn in place with `\r`; silent when stderr is not a terminal so logs
/// and scripts get only the final report.
struct ProgressLine {
    enabled: bool,
    lang: Lang,
    drawn: std::sync::atomic::AtomicBool,
}

impl ProgressLine {
    fn new(lang: Lang) -> Self {
        Self {
            enabled: std::io::stderr().is_terminal(),
            lang,
            drawn: std::sync::atomic::AtomicBool::new(false),
        }
    }

    fn show(&self, label: &str, progress: Progress) {
        if !self.enabled || progress.files_total == 0 {
            return;
        }
        let percent = (progress.bytes_done * 100)
            .checked_div(progress.bytes_total)
            .unwrap_or(100);
        let mut err = std::io::stderr().lock();
        // A failed write to the terminal only loses a progress line.
        let line = Say::Progress
            .message()
            .text("label", label)
            .number("files_done", progress.files_done as i64)
            .number("files_total", progress.files_total as i64)
            .size("done", progress.bytes_done)
            .size("total", progress.bytes_total)
            .number("percent", percent as i64);
        let _ = write!(err, "\r\x1b[2K{}", line.render(self.lang));
        let _ = err.flush();
        self.drawn.store(true, std::sync::atomic::Ordering::Relaxed);
    }

    fn finish(&self) {
        if self.drawn.load(std::sync::atomic::Ordering::Relaxed) {
            eprintln!();
        }
    }
}
