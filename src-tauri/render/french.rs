//! French typography the volunteer should not have to type: the space before « ! ? : ; »
//! and after « never lets the punctuation start or end a line on its own.

/// Narrow no-break space: before ! ? ; and inside guillemets (Imprimerie nationale usage).
const NARROW_NBSP: char = '\u{202F}';
/// No-break space: before the colon, which takes a full space in French.
const NBSP: char = '\u{A0}';

/// Breakable spaces that French typography glues to the punctuation next to them.
fn is_breakable_space(c: char) -> bool {
    matches!(
        c,
        ' ' | '\u{2002}'..='\u{200A}' // en, em, thin, hair… spaces
    )
}

/// Replaces the spaces that sit before `! ? : ; »` and after `«` (already non-breaking
/// ones stay as they are) so the line breaker can never separate them. A run of several
/// spaces becomes one.
pub fn glue_punctuation(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    let mut index = 0;
    while index < chars.len() {
        let c = chars[index];
        if !is_breakable_space(c) {
            out.push(c);
            index += 1;
            continue;
        }
        let run_end = chars[index..]
            .iter()
            .position(|&c| !is_breakable_space(c))
            .map_or(chars.len(), |offset| index + offset);
        let before = index.checked_sub(1).map(|i| chars[i]);
        let after = chars.get(run_end).copied();
        // A space at the very start or end of a line is not glue: nothing to attach to.
        let glue = match (before, after) {
            (Some(b), Some(a)) if !b.is_whitespace() => match a {
                ':' => Some(NBSP),
                '!' | '?' | ';' | '»' | '\u{203A}' => Some(NARROW_NBSP),
                _ if b == '«' || b == '\u{2039}' => Some(NARROW_NBSP),
                _ => None,
            },
            _ => None,
        };
        match glue {
            Some(space) => out.push(space),
            None => out.extend(&chars[index..run_end]),
        }
        index = run_end;
    }
    out
}
