//! Block tags left open in a template. Tera reports a missing
//! `{% endif %}` as an unknown tag at the `{% endblock %}` that follows,
//! which sends a writer to the wrong line; when a template fails to parse,
//! this names the tag left open and where it was opened instead.

/// Tags that take an `end` tag.
const OPENERS: [&str; 6] = ["if", "for", "block", "macro", "filter", "component"];

/// A tag opened and not closed.
#[derive(Debug, PartialEq, Eq)]
pub struct Unclosed {
    /// `if`, `for`, ...
    pub tag: String,
    /// Byte offset of the opening `{%`.
    pub offset: usize,
    /// The closing tag met instead (`endblock`) and its offset; `None`
    /// when the file ended first.
    pub instead: Option<(String, usize)>,
}

impl Unclosed {
    /// What to tell the writer; `line_of` turns an offset into a line.
    pub fn message(&self, line_of: impl Fn(usize) -> usize) -> String {
        let tag = &self.tag;
        match &self.instead {
            Some((closing, offset)) => format!(
                "`{{% {tag} %}}` is never closed: add `{{% end{tag} %}}` before `{{% {closing} %}}` on line {}",
                line_of(*offset)
            ),
            None => format!(
                "`{{% {tag} %}}` is never closed: add `{{% end{tag} %}}` before the end of the file"
            ),
        }
    }
}

/// The first tag left open in `text`, if any.
pub fn unclosed(text: &str) -> Option<Unclosed> {
    let mut open: Vec<(String, usize)> = Vec::new();
    let mut rest = 0;
    while let Some((offset, word, end)) = next_tag(text, rest) {
        rest = end;
        if word == "raw" {
            rest = text[rest..]
                .find("endraw")
                .map_or(text.len(), |at| rest + at);
            continue;
        }
        if OPENERS.contains(&word) {
            open.push((word.to_string(), offset));
        } else if let Some(closed) = word.strip_prefix("end")
            && OPENERS.contains(&closed)
        {
            let (tag, opened) = open.pop()?;
            if tag != closed {
                return Some(Unclosed {
                    tag,
                    offset: opened,
                    instead: Some((word.to_string(), offset)),
                });
            }
        }
    }
    open.pop().map(|(tag, offset)| Unclosed {
        tag,
        offset,
        instead: None,
    })
}

/// The next tag at or after `from`: its offset, its first word and the
/// offset after its `%}`. Comments are skipped.
fn next_tag(text: &str, from: usize) -> Option<(usize, &str, usize)> {
    let mut at = from;
    loop {
        let tag = at + text[at..].find("{%")?;
        if let Some(comment) = text[at..tag].find("{#") {
            let comment_end = text[at + comment..].find("#}")?;
            at += comment + comment_end + 2;
            continue;
        }
        let end = tag + text[tag..].find("%}")? + 2;
        let inner = text[tag + 2..end - 2].trim_matches(|c: char| c == '-' || c.is_whitespace());
        let word = inner.split_whitespace().next().unwrap_or_default();
        return Some((tag, word, end));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_endif_is_found_where_the_block_closes() {
        let text = "{% block main %}\n{% if x %}\n<p>\n{% endblock main %}\n";
        let found = unclosed(text).unwrap();
        assert_eq!((found.tag.as_str(), found.offset), ("if", 17));
        assert_eq!(found.instead, Some(("endblock".to_string(), 32)));
    }

    #[test]
    fn balanced_tags_raw_text_and_comments_are_fine() {
        let text = "{%- for a in b -%}{% if a %}{% else %}{% endif %}{% endfor %}{# {% if %} #}{% raw %}{% if %}{% endraw %}";
        assert_eq!(unclosed(text), None);
    }

    #[test]
    fn a_tag_open_at_the_end_of_the_file_is_found() {
        let found = unclosed("{% for a in b %}x").unwrap();
        assert_eq!((found.tag.as_str(), found.instead), ("for", None));
    }
}
