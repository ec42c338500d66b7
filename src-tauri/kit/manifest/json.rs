//! Reading kit.json so that every refusal names the field at fault: the path of the value
//! (`assets[2].width`) comes from the deserializer, and numbers that must be whole get a
//! rule a person can act on instead of serde's "invalid type … expected u64".

use std::fmt;

use serde::de::{self, DeserializeOwned, Deserializer, Visitor};

use super::error::Error;

/// Parses `bytes` as `T`. Syntax errors keep their line and column (the file is broken
/// as JSON, no field to name); a value of the wrong shape names its field.
pub(super) fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Error> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let result = serde_path_to_error::deserialize(&mut deserializer);
    let value = result.map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        if !inner.is_data() {
            return Error::Invalid {
                detail: inner.to_string(),
            };
        }
        let message = without_position(&inner);
        if let Some(name) = message
            .strip_prefix("missing field `")
            .and_then(|rest| rest.strip_suffix('`'))
        {
            return Error::Field {
                field: join(&path, name),
                problem: "is missing".to_owned(),
            };
        }
        Error::Field {
            field: path,
            problem: message,
        }
    })?;
    deserializer.end().map_err(|error| Error::Invalid {
        detail: error.to_string(),
    })?;
    Ok(value)
}

/// serde_json appends " at line L column C" to every message; a field name says more.
fn without_position(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    text.strip_suffix(&suffix).unwrap_or(&text).to_owned()
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() || path == "." {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

/// A whole number between `min` and `max`; anything else (a negative number, a
/// fraction, a number too large, a string such as "3") is refused with `rule`.
struct Whole {
    min: u64,
    max: u64,
    rule: &'static str,
}

impl<'de> Visitor<'de> for Whole {
    type Value = u64;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.rule)
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<u64, E> {
        if (self.min..=self.max).contains(&value) {
            Ok(value)
        } else {
            Err(E::custom(self.rule))
        }
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<u64, E> {
        u64::try_from(value)
            .map_err(|_| E::custom(self.rule))
            .and_then(|value| self.visit_u64(value))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<u64, E> {
        Err(E::custom(self.rule))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<u64, E> {
        Err(E::custom(self.rule))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<u64, E> {
        Err(E::custom(self.rule))
    }

    fn visit_unit<E: de::Error>(self) -> Result<u64, E> {
        Err(E::custom(self.rule))
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, _: A) -> Result<u64, A::Error> {
        Err(de::Error::custom(self.rule))
    }

    fn visit_map<A: de::MapAccess<'de>>(self, _: A) -> Result<u64, A::Error> {
        Err(de::Error::custom(self.rule))
    }
}

/// A kit's `version`, a file's `size`: counted from 1.
pub(crate) fn counted<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    deserializer.deserialize_any(Whole {
        min: 1,
        max: u64::MAX,
        rule: "must be a whole number of 1 or more",
    })
}

/// A width or a height in pixels.
pub(crate) fn pixels<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    deserializer
        .deserialize_any(Whole {
            min: 1,
            max: u64::from(u32::MAX),
            rule: "must be a whole number of pixels, 1 or more",
        })
        .map(|value| value as u32)
}

/// The format number, read before anything else.
pub(crate) fn format<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u32>, D::Error> {
    deserializer
        .deserialize_any(Whole {
            min: 0,
            max: u64::from(u32::MAX),
            rule: "must be a whole number (the kit format, 1 today)",
        })
        .map(|value| Some(value as u32))
}
