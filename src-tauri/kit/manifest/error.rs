/// Why a kit.json is refused as a document: every refusal names the field at fault.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("kit.json is not valid: {detail}. Ask the kit's organizer for a corrected kit.")]
    Invalid { detail: String },
    #[error("kit.json field `{field}`: {problem}. Ask the kit's organizer for a corrected kit.")]
    Field { field: String, problem: String },
    #[error("this kit uses format {found}, newer than this Relais understands ({supported}). Update Relais to open it.")]
    FormatTooNew { found: u32, supported: u32 },
}

impl Error {
    pub fn field(field: impl Into<String>, problem: impl Into<String>) -> Self {
        Error::Field {
            field: field.into(),
            problem: problem.into(),
        }
    }
}
