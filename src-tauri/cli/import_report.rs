//! How `relais kit import` and `relais kit update` say what an import did.

use std::io::Write;

use crate::kit;

/// What an import did, as `relais kit import` and `relais kit update` print it: one line
/// ending with `detail`, then each asset the organizer withdrew and why.
pub(super) fn write_import(
    out: &mut impl Write,
    report: &kit::ImportReport,
    detail: &str,
) -> std::io::Result<()> {
    let what = match report.outcome {
        kit::ImportOutcome::Installed => "installed".to_owned(),
        kit::ImportOutcome::Updated(previous) => format!("updated from version {previous}"),
        kit::ImportOutcome::Unchanged => "already installed, unchanged".to_owned(),
    };
    writeln!(
        out,
        "kit `{}` version {} {what}: {} assets, {detail}",
        report.kit_id, report.version, report.assets
    )?;
    for retracted in &report.retracted {
        writeln!(
            out,
            "withdrawn by the organizer: {} ({}): {}",
            retracted.title.get("fr"),
            retracted.asset_id,
            retracted.reason.get("fr")
        )?;
    }
    Ok(())
}
