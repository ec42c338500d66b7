/// Why a kit.json is refused as a document: every refusal names the field at fault.
#[derive(Debug, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
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

impl crate::messages::Describe for Error {
    fn codes() -> Vec<String> {
        crate::messages::codes_of(
            "error.manifest",
            <Self as strum::VariantNames>::VARIANTS,
            &[],
        )
    }

    fn describe(&self) -> crate::messages::Message {
        #[allow(unused_imports)]
        use crate::messages::{io_reason, Describe, Message};
        let message = Message::new(format!("error.manifest.{}", <&str>::from(self)));
        match self {
            Error::Invalid { detail } => message.text("detail", detail),
            Error::Field { field, problem } => {
                message.text("field", field).text("problem", problem)
            }
            Error::FormatTooNew { found, supported } => message
                .number("found", *found)
                .number("supported", *supported),
        }
    }
}
