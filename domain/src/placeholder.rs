//! `[[NAME]]` placeholders in a build's text fields: what the engine
//! replaces with variables and secrets, and what a build references.
//!
//! A placeholder is `[[` + 1 to 128 characters other than whitespace, `[`
//! and `]` + `]]`, so shell tests like `[[ -f x ]]` are left alone.
//!
//! ```
//! use kiln_domain::placeholder::placeholders;
//! let names: Vec<&str> = placeholders("[[A]]:[[ -f x ]] [[B]]").map(|p| p.name).collect();
//! assert_eq!(names, ["A", "B"]);
//! ```

/// The longest placeholder name, in characters.
pub const MAX_NAME: usize = 128;

/// One `[[NAME]]` in a text.
pub struct Placeholder<'a> {
    /// Byte offset of the opening `[[`.
    pub start: usize,
    /// Byte offset just past the closing `]]`.
    pub end: usize,
    /// The text between the brackets.
    pub name: &'a str,
}

/// The placeholders of `text`, left to right, not overlapping.
pub fn placeholders(text: &str) -> impl Iterator<Item = Placeholder<'_>> {
    let mut from = 0;
    std::iter::from_fn(move || {
        while let Some(offset) = text[from..].find("[[") {
            let start = from + offset;
            let name_start = start + 2;
            let found = text[name_start..].find("]]").and_then(|len| {
                let name = &text[name_start..name_start + len];
                let valid = !name.is_empty()
                    && name.chars().count() <= MAX_NAME
                    && !name
                        .chars()
                        .any(|c| c.is_whitespace() || c == '[' || c == ']');
                valid.then_some((name, name_start + len + 2))
            });
            match found {
                Some((name, end)) => {
                    from = end;
                    return Some(Placeholder { start, end, name });
                }
                None => from = start + 1,
            }
        }
        None
    })
}
