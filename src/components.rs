//! Theme components called from Markdown: `:fact{value=94260 unit="$"}`.
//!
//! The syntax is the generic directive of remark and markdown-it
//! (`:name{key="value" n=3 flag=true}`): plain text to CommonMark, and
//! free of `{{` and `{%`, so it can never be read as Tera. A writer who
//! means the text writes `\:name{...}`. Calls inside code spans and code
//! blocks are left as they are; calls work in paragraphs, lists, tables,
//! link text and headings' neighbours alike, because they are found in the
//! source before Markdown is parsed and replaced by a placeholder of the
//! same length (so every offset, and every error position, stays true).
//!
//! A call renders the theme's Tera 2 component of that name (`{% component
//! fact(value: number, unit="") %}`) with its arguments, after the site's
//! templates are loaded ([`expand`]); the component's own parameter list is
//! the contract, checked before rendering: unknown component, unknown or
//! missing argument, wrong type, each an error at the call's line and column.

use std::collections::BTreeMap;
use std::sync::Arc;

use pulldown_cmark::{Event, Parser, Tag};
use tera::{ComponentArgType, Context, Tera};

use crate::content::Site;
use crate::diagnostics::Diagnostic;

/// Starts and ends the placeholder left in the Markdown (and so in the
/// HTML) for call number N: `\u{1}N\u{2}`, padded to the call's length.
const OPEN: char = '\u{1}';
const CLOSE: char = '\u{2}';

/// An argument's value as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Argument {
    Text(String),
    Number(serde_json::Number),
    Bool(bool),
}

/// A call's arguments, in the order written.
pub type Arguments = Vec<(String, Argument)>;

/// One call found in a page's Markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub name: String,
    pub arguments: Arguments,
    /// Byte offset of the `:` in the Markdown body.
    pub offset: usize,
    /// Where errors about it are reported (file, line, column, the line),
    /// filled in by the content loader, which knows the file.
    pub at: Option<Diagnostic>,
}

/// A malformed call, at a byte offset of the Markdown body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    pub offset: usize,
    pub message: String,
}

/// The Markdown with every call replaced by its placeholder, the calls in
/// order, and the calls that could not be read.
pub fn extract(markdown: &str) -> (String, Vec<Call>, Vec<Malformed>) {
    if !markdown.contains(":") || !markdown.contains('{') {
        return (markdown.to_string(), Vec::new(), Vec::new());
    }
    // A second parse, for the code spans and blocks, only once a call is seen.
    let mut code: Option<Vec<std::ops::Range<usize>>> = None;
    let mut out = String::with_capacity(markdown.len());
    let (mut calls, mut malformed) = (Vec::new(), Vec::new());
    let mut copied = 0;
    for (at, _) in markdown.match_indices(':') {
        if at < copied || !starts_call(markdown, at) {
            continue;
        }
        let code = code.get_or_insert_with(|| code_ranges(markdown));
        if code.iter().any(|range| range.contains(&at)) {
            continue;
        }
        match parse_call(&markdown[at..]) {
            Ok((name, arguments, length)) => {
                out.push_str(&markdown[copied..at]);
                out.push_str(&placeholder(calls.len(), length));
                calls.push(Call {
                    name,
                    arguments,
                    offset: at,
                    at: None,
                });
                copied = at + length;
            }
            Err(message) => malformed.push(Malformed {
                offset: at,
                message,
            }),
        }
    }
    out.push_str(&markdown[copied..]);
    (out, calls, malformed)
}

/// Byte ranges of code spans and code blocks, where calls are text.
fn code_ranges(markdown: &str) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    for (event, range) in Parser::new(markdown).into_offset_iter() {
        if matches!(event, Event::Code(_) | Event::Start(Tag::CodeBlock(_))) {
            ranges.push(range);
        }
    }
    ranges
}

/// A `:` that begins `:name{`, not escaped and not inside a word or URL.
fn starts_call(markdown: &str, at: usize) -> bool {
    let before = markdown[..at].chars().next_back();
    if before.is_some_and(|c| c.is_alphanumeric() || matches!(c, '\\' | ':' | '/' | '_')) {
        return false;
    }
    let rest = &markdown[at + 1..];
    let name_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(rest.len());
    name_len > 0 && rest.as_bytes()[0].is_ascii_alphabetic() && rest[name_len..].starts_with('{')
}

/// Reads `:name{key=value ...}` at the start of `text`: the name, the
/// arguments and the call's length in bytes.
fn parse_call(text: &str) -> Result<(String, Arguments, usize), String> {
    let open = text.find('{').expect("starts_call saw the brace");
    let name = text[1..open].to_string();
    let mut arguments: Arguments = Vec::new();
    let mut rest = &text[open + 1..];
    loop {
        rest = rest.trim_start_matches([' ', '\t']);
        if let Some(after) = rest.strip_prefix('}') {
            return Ok((name, arguments, text.len() - after.len()));
        }
        let key_len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let (key, after) = rest.split_at(key_len);
        let Some(after) = after.strip_prefix('=').filter(|_| !key.is_empty()) else {
            return Err(format!(
                "component `{name}`: expected `name=value` or `}}`, found {}",
                shown(rest)
            ));
        };
        if arguments.iter().any(|(k, _)| k == key) {
            return Err(format!(
                "component `{name}`: argument `{key}` is given twice"
            ));
        }
        let (value, after) =
            parse_value(after).map_err(|e| format!("component `{name}`: `{key}`: {e}"))?;
        arguments.push((key.to_string(), value));
        rest = after;
    }
}

/// A quoted string (`\"` and `\\` escaped), an integer, a number, or
/// `true`/`false`; and what follows it.
fn parse_value(text: &str) -> Result<(Argument, &str), String> {
    if let Some(quoted) = text.strip_prefix('"') {
        let mut value = String::new();
        let mut chars = quoted.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => return Ok((Argument::Text(value), &quoted[i + 1..])),
                '\\' => match chars.next() {
                    Some((_, escaped)) => value.push(escaped),
                    None => break,
                },
                '\n' => break,
                c => value.push(c),
            }
        }
        return Err("the quoted value is never closed: add a `\"` on the same line".into());
    }
    let end = text.find([' ', '\t', '}', '\n']).unwrap_or(text.len());
    let (word, rest) = text.split_at(end);
    let value = match word {
        "true" => Argument::Bool(true),
        "false" => Argument::Bool(false),
        _ => match number(word) {
            Some(n) => Argument::Number(n),
            None => {
                return Err(format!(
                    "{} is not a value: quote text (`\"...\"`), or write a number, `true` or `false`",
                    shown(word)
                ));
            }
        },
    };
    Ok((value, rest))
}

/// An integer, or a finite decimal number.
fn number(word: &str) -> Option<serde_json::Number> {
    match word.parse::<i64>() {
        Ok(n) => Some(n.into()),
        Err(_) => serde_json::Number::from_f64(word.parse::<f64>().ok()?),
    }
}

/// A few characters of `text`, for an error message.
fn shown(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    if line.is_empty() {
        return "the end of the line".to_string();
    }
    let cut: String = line.chars().take(20).collect();
    format!("`{cut}`")
}

/// Call `n`'s placeholder, `length` bytes long (padded with `x`); calls are
/// at least four bytes (`:a{}`), enough for any call number below 100.
fn placeholder(n: usize, length: usize) -> String {
    let number = n.to_string();
    let pad = length.saturating_sub(number.len() + 2);
    format!("{OPEN}{number}{}{CLOSE}", "x".repeat(pad))
}

/// Renders every call of every page and section with the site's
/// components, in place; errors for calls that do not fit their component.
pub fn expand(site: &mut Site, tera: &Tera) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    let rendered = (site
        .pages
        .iter_mut()
        .map(|page| (&page.display, &mut page.rendered)))
    .chain(
        site.sections
            .iter_mut()
            .map(|section| (&section.display, &mut section.rendered)),
    );
    for (display, rendered) in rendered {
        if rendered.components.is_empty() {
            continue;
        }
        let outputs: Vec<Option<String>> = rendered
            .components
            .iter()
            .map(|call| render_call(tera, call).map_err(|e| errors.push(e)).ok())
            .collect();
        let rendered = Arc::make_mut(rendered);
        if let Err(error) = rendered.change_html(|html| substitute(html, &outputs)) {
            errors.push(crate::markdown::unreadable_html(display, &error));
        }
        rendered.summary = rendered.summary.as_deref().map(|s| substitute(s, &outputs));
        rendered.components.clear();
    }
    errors
}

/// `html` with each placeholder replaced by its call's output (nothing
/// for a call that failed: the build fails anyway).
fn substitute(html: &str, outputs: &[Option<String>]) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find(OPEN) {
        out.push_str(&rest[..start]);
        let after = &rest[start + OPEN.len_utf8()..];
        let Some(end) = after.find(CLOSE) else { break };
        let digits: String = after[..end]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        if let Some(Some(output)) = digits.parse::<usize>().ok().and_then(|n| outputs.get(n)) {
            out.push_str(output);
        }
        rest = &after[end + CLOSE.len_utf8()..];
    }
    out.push_str(rest);
    out
}

/// One call checked against its component's parameters, then rendered.
fn render_call(tera: &Tera, call: &Call) -> Result<String, Diagnostic> {
    let error = |message: String| {
        let mut diagnostic = call
            .at
            .clone()
            .unwrap_or_else(|| Diagnostic::error("content", "component", ""));
        diagnostic.message = message;
        diagnostic
    };
    let name = &call.name;
    let Some(definition) = tera.get_component_definition(name) else {
        let known: Vec<&str> = tera.get_component_names().collect();
        let hint = match crate::diagnostics::did_you_mean(name, known.iter().copied()) {
            Some(guess) => format!(" (did you mean `{guess}`?)"),
            None => String::new(),
        };
        return Err(error(format!(
            "no component `{name}` in the theme or the site's templates{hint}"
        )));
    };
    let parameters: BTreeMap<&str, &tera::ComponentArg> = definition
        .args()
        .iter()
        .map(|arg| (arg.name(), arg))
        .collect();
    let mut context = Context::new();
    for (key, value) in &call.arguments {
        let Some(parameter) = parameters.get(key.as_str()).filter(|p| !p.is_implicit()) else {
            if definition.rest_param().is_some() {
                insert(&mut context, key, value);
                continue;
            }
            let listed: Vec<&str> = parameters.keys().copied().collect();
            return Err(error(format!(
                "component `{name}` has no argument `{key}`; its arguments are {}",
                listed.join(", ")
            )));
        };
        if let Some(expected) = parameter.arg_type()
            && !fits(value, expected)
        {
            return Err(error(format!(
                "component `{name}`: `{key}` must be {} {expected}, found {}",
                if matches!(
                    expected,
                    ComponentArgType::Integer | ComponentArgType::Array
                ) {
                    "an"
                } else {
                    "a"
                },
                describe(value)
            )));
        }
        insert(&mut context, key, value);
    }
    if let Some(missing) = definition
        .args()
        .iter()
        .find(|arg| arg.is_required() && !call.arguments.iter().any(|(k, _)| k == arg.name()))
    {
        return Err(error(format!(
            "component `{name}` needs `{}`: add `{}=...` to the call",
            missing.name(),
            missing.name()
        )));
    }
    tera.render_component(name, &context, None, true)
        .map_err(|e| error(format!("component `{name}`: {e}")))
}

fn insert(context: &mut Context, key: &str, value: &Argument) {
    let key = key.to_string();
    match value {
        Argument::Text(text) => context.insert(key, text),
        Argument::Number(n) => context.insert(key, n),
        Argument::Bool(b) => context.insert(key, b),
    }
}

fn fits(value: &Argument, expected: ComponentArgType) -> bool {
    matches!(
        (value, expected),
        (Argument::Text(_), ComponentArgType::String)
            | (Argument::Bool(_), ComponentArgType::Bool)
            | (Argument::Number(_), ComponentArgType::Number)
    ) || matches!((value, expected), (Argument::Number(n), ComponentArgType::Integer) if !n.is_f64())
        || matches!((value, expected), (Argument::Number(n), ComponentArgType::Float) if n.is_f64())
}

fn describe(value: &Argument) -> String {
    match value {
        Argument::Text(text) => format!("the text \"{text}\""),
        Argument::Number(n) => format!("the number {n}"),
        Argument::Bool(b) => format!("`{b}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_become_placeholders_of_the_same_length() {
        let text = "Pay: :fact{value=94260 unit=\"$\" note=\"a \\\"b\\\"\"} a year.";
        let (out, calls, malformed) = extract(text);
        assert_eq!(out.len(), text.len());
        assert!(malformed.is_empty());
        assert_eq!(calls.len(), 1);
        assert_eq!(calls[0].name, "fact");
        assert_eq!(
            calls[0].arguments,
            [
                ("value".to_string(), Argument::Number(94260.into())),
                ("unit".to_string(), Argument::Text("$".into())),
                ("note".to_string(), Argument::Text("a \"b\"".into())),
            ]
        );
        assert_eq!(calls[0].offset, 5);
        assert!(out.starts_with("Pay: \u{1}0x") && out.ends_with("\u{2} a year."));
    }

    #[test]
    fn code_escapes_words_and_urls_are_left_alone() {
        for text in [
            "`:fact{value=1}`",
            "```\n:fact{value=1}\n```\n",
            "\\:fact{value=1}",
            "ratio:fact{value=1}",
            "see https://x.org/:fact{value=1}",
            "time 10:30{x}",
        ] {
            let (out, calls, malformed) = extract(text);
            assert_eq!(
                (out.as_str(), calls.len(), malformed.len()),
                (text, 0, 0),
                "{text}"
            );
        }
    }

    #[test]
    fn malformed_calls_say_what_is_wrong() {
        let (_, calls, malformed) = extract(":fact{value=\"open}\nrest");
        assert!(calls.is_empty());
        assert_eq!(
            malformed[0].message,
            "component `fact`: `value`: the quoted value is never closed: add a `\"` on the same line"
        );
        let (_, _, malformed) = extract(":fact{value=abc}");
        assert_eq!(
            malformed[0].message,
            "component `fact`: `value`: `abc` is not a value: quote text (`\"...\"`), or write a number, `true` or `false`"
        );
        let (_, _, malformed) = extract(":fact{value}");
        assert_eq!(
            malformed[0].message,
            "component `fact`: expected `name=value` or `}`, found `value}`"
        );
    }

    #[test]
    fn placeholders_are_replaced_by_the_outputs() {
        let outputs = [Some("<b>1</b>".to_string()), None];
        assert_eq!(
            substitute("a \u{1}0xx\u{2} b \u{1}1\u{2} c", &outputs),
            "a <b>1</b> b  c"
        );
    }
}
