//! The one catalogue of texts: the window loads the same two files.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use super::Lang;

pub const CATALOGUE_FR: &str = include_str!("../../ui/catalogue/fr.json");
pub const CATALOGUE_EN: &str = include_str!("../../ui/catalogue/en.json");

fn parsed(lang: Lang) -> &'static BTreeMap<String, String> {
    static FR: OnceLock<BTreeMap<String, String>> = OnceLock::new();
    static EN: OnceLock<BTreeMap<String, String>> = OnceLock::new();
    let (cell, text) = match lang {
        Lang::Fr => (&FR, CATALOGUE_FR),
        Lang::En => (&EN, CATALOGUE_EN),
    };
    // A test parses both files; if one were broken, every message falls back to its
    // code rather than taking the program down.
    cell.get_or_init(|| serde_json::from_str(text).unwrap_or_default())
}

/// The text for `key` in `lang`, if the catalogue has it.
pub fn template(key: &str, lang: Lang) -> Option<&'static str> {
    parsed(lang).get(key).map(String::as_str)
}

/// Every key of one language's catalogue.
pub fn keys(lang: Lang) -> impl Iterator<Item = &'static str> {
    parsed(lang).keys().map(String::as_str)
}
