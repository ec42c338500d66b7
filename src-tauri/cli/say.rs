//! What the command line says when things go right, worded from the catalogue like its
//! errors (`cli.<line>` keys), in the language of `LC_ALL` / `LC_MESSAGES` / `LANG`.

use strum::VariantNames;

use crate::messages::Message;

#[derive(Debug, Clone, Copy, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
pub(crate) enum Say {
    ImportInstalled,
    ImportUpdated,
    ImportUnchanged,
    ImportSignedBy,
    ImportDownloaded,
    ImportWithdrawn,
    KitRemoved,
    KeygenSecretProtected,
    KeygenSecretUnprotected,
    KeygenPublic,
    KeygenFingerprint,
    KeygenKeyId,
    BuildDone,
    VerifySignature,
    VerifyUnchecked,
    VerifyUncheckedEmbedded,
    VerifyFile,
    VerifyDone,
    VerifyUrlFiles,
    UpdateNone,
    UpdateUpToDate,
    UpdateFailed,
    Progress,
    ListLine,
    PasswordNew,
    PasswordAgain,
    PasswordExisting,
    RenderUndrawable,
    NoWindowNotBuilt,
    NoWindowNoDisplay,
    NoWindowDisplayRefused,
    AccountPasteWebhook,
    AccountPasteBotToken,
    AccountPasteAppPassword,
    AccountAdded,
    AccountRemoved,
    AccountLine,
    MastodonOpenBrowser,
    MastodonOpenPaste,
    MastodonPasteCode,
}

impl Say {
    pub(crate) fn message(self) -> Message {
        Message::new(format!("cli.{}", <&str>::from(self)))
    }
}

/// Every code the command line's own lines use, for the catalogue test.
pub fn message_codes() -> Vec<String> {
    Say::VARIANTS
        .iter()
        .map(|variant| format!("cli.{variant}"))
        .collect()
}
