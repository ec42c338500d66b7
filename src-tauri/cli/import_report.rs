//! How `relais kit import` and `relais kit update` say what an import did.

use std::io::Write;

use super::say::Say;
use crate::kit;
use crate::messages::{Lang, Message};

/// What an import did: one line ending with `detail`, then each asset the organizer
/// withdrew and why.
pub(super) fn write_import(
    out: &mut impl Write,
    report: &kit::ImportReport,
    detail: Message,
    lang: Lang,
) -> std::io::Result<()> {
    let line = match report.outcome {
        kit::ImportOutcome::Installed => Say::ImportInstalled.message(),
        kit::ImportOutcome::Updated(previous) => Say::ImportUpdated
            .message()
            .number("previous", previous as i64),
        kit::ImportOutcome::Unchanged => Say::ImportUnchanged.message(),
    }
    .text("kit", &report.kit_id)
    .number("version", report.version as i64)
    .number("count", report.assets as i64)
    .nested("detail", detail);
    writeln!(out, "{}", line.render(lang))?;
    for retracted in &report.retracted {
        let line = Say::ImportWithdrawn
            .message()
            .localized("title", &retracted.title.fr, &retracted.title.en)
            .text("asset", &retracted.asset_id)
            .localized("reason", &retracted.reason.fr, &retracted.reason.en);
        writeln!(out, "{}", line.render(lang))?;
    }
    Ok(())
}
