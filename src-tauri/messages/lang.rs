//! Which language a person reads.

/// The languages Relais speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    Fr,
    En,
}

impl Lang {
    /// `fr`, `fr_FR.UTF-8`, `fr-CA`… are French; `en…` is English; anything else None.
    pub fn from_tag(tag: &str) -> Option<Self> {
        let base = tag
            .split(['_', '-', '.', '@'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match base.as_str() {
            "fr" => Some(Lang::Fr),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }
}

/// The command line's language, by the usual variables: the first of `LC_ALL`,
/// `LC_MESSAGES`, `LANG` that is set and not empty decides, as POSIX says; French if
/// it names French, English otherwise (`C`, `POSIX`, a language Relais lacks).
pub fn from_environment(get: impl Fn(&str) -> Option<String>) -> Lang {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|name| get(name))
        .find(|value| !value.is_empty())
        .and_then(|value| Lang::from_tag(&value))
        .unwrap_or(Lang::En)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| value.to_string())
        }
    }

    #[test]
    fn lc_all_wins_then_lc_messages_then_lang() {
        assert_eq!(from_environment(env(&[("LANG", "fr_FR.UTF-8")])), Lang::Fr);
        assert_eq!(
            from_environment(env(&[("LC_ALL", "en_GB.UTF-8"), ("LANG", "fr_FR.UTF-8")])),
            Lang::En
        );
        assert_eq!(
            from_environment(env(&[("LC_MESSAGES", "fr_BE"), ("LANG", "en_US")])),
            Lang::Fr
        );
        assert_eq!(
            from_environment(env(&[("LC_ALL", ""), ("LANG", "fr_CA.UTF-8")])),
            Lang::Fr,
            "an empty variable counts as unset"
        );
    }

    #[test]
    fn english_by_default_and_for_c_or_other_languages() {
        assert_eq!(from_environment(env(&[])), Lang::En);
        assert_eq!(from_environment(env(&[("LANG", "C.UTF-8")])), Lang::En);
        assert_eq!(from_environment(env(&[("LANG", "de_DE.UTF-8")])), Lang::En);
    }
}
