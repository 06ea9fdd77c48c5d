//! The parser: a message as a tree of [`Node`]s.
//!
//! Rules are tried in a fixed order at each position, as Discord's client
//! does; the inner text of a marker pair is parsed again, one level
//! deeper.

use chrono::{DateTime, Utc};

use super::{Node, Style, fence_at, link};

/// How deep markers may nest before further markers stay literal; keeps
/// hostile input like a thousand `**` from recursing without bound.
const MAX_DEPTH: u8 = 12;

/// Where in the message a span is parsed, and which rules apply there.
#[derive(Debug, Clone, Copy)]
struct Scope {
    depth: u8,
    quotes: bool,
    links: bool,
}

impl Scope {
    fn inner(self) -> Scope {
        Scope {
            depth: self.depth + 1,
            quotes: false,
            ..self
        }
    }
}

pub(super) fn parse(text: &str) -> Vec<Node<'_>> {
    let top = Scope {
        depth: 0,
        quotes: true,
        links: true,
    };
    Parser { src: text }.span(0, text.len(), top)
}

struct Parser<'a> {
    src: &'a str,
}

impl<'a> Parser<'a> {
    /// Parses `src[start..end]`; text between constructs becomes text.
    fn span(&self, start: usize, end: usize, scope: Scope) -> Vec<Node<'a>> {
        let mut nodes = Vec::new();
        let (mut at, mut text_from) = (start, start);
        while at < end {
            let Some((node, next)) = self.rule(at, end, scope) else {
                at += self.char_len(at);
                continue;
            };
            self.push_text(&mut nodes, text_from, at);
            nodes.push(node);
            (at, text_from) = (next, next);
        }
        self.push_text(&mut nodes, text_from, end);
        nodes
    }

    fn push_text(&self, nodes: &mut Vec<Node<'a>>, from: usize, to: usize) {
        if from < to {
            nodes.push(Node::Text(&self.src[from..to]));
        }
    }

    fn char_len(&self, at: usize) -> usize {
        self.src[at..].chars().next().map_or(1, char::len_utf8)
    }

    fn before(&self, at: usize) -> Option<char> {
        self.src[..at].chars().next_back()
    }

    /// The construct starting at `at`, and where it ends.
    fn rule(&self, at: usize, end: usize, scope: Scope) -> Option<(Node<'a>, usize)> {
        match self.src.as_bytes()[at] {
            b'`' => self.block(at, end).or_else(|| self.code(at, end)),
            b'>' if scope.quotes && self.line_start(at) => self.quote(at, end, scope),
            b'\\' => self.escaped(at, end),
            b'<' => self.angle(at, end, scope),
            b'[' if scope.links => self.masked(at, end, scope),
            b'*' | b'_' | b'~' => self.styled(at, end, scope),
            b'\n' => Some((Node::Break, at + 1)),
            b'h' | b'H' | b'm' | b'M' if scope.links => self.bare_link(at, end),
            _ => None,
        }
    }

    fn line_start(&self, at: usize) -> bool {
        at == 0 || self.src.as_bytes()[at - 1] == b'\n'
    }

    /// A block ends its line, so the newline after it is not a break.
    fn past_newline(&self, at: usize, end: usize) -> usize {
        if at < end && self.src.as_bytes()[at] == b'\n' {
            at + 1
        } else {
            at
        }
    }

    fn block(&self, at: usize, end: usize) -> Option<(Node<'a>, usize)> {
        let fence = fence_at(self.src, at, end)?;
        let next = self.past_newline(fence.end, end);
        Some((Node::Block(fence.lang, fence.code), next))
    }

    /// Inline code: a run of backticks up to the next run of the same
    /// length; the code is never parsed further.
    fn code(&self, at: usize, end: usize) -> Option<(Node<'a>, usize)> {
        let ticks = run_len(&self.src[at..end], b'`');
        let body = at + ticks;
        let mut search = body;
        while let Some(found) = self.src[search..end].find('`') {
            let close = search + found;
            let run = run_len(&self.src[close..end], b'`');
            if run == ticks && close > body {
                return Some((Node::Code(&self.src[body..close]), close + run));
            }
            search = close + run;
        }
        None
    }

    /// `>>> ` quotes the rest of the message; `> ` quotes a line, and
    /// consecutive quoted lines form one quote.
    fn quote(&self, at: usize, end: usize, scope: Scope) -> Option<(Node<'a>, usize)> {
        let rest = &self.src[at..end];
        if rest.starts_with(">>> ") {
            return Some((Node::Quote(self.span(at + 4, end, scope.inner())), end));
        }
        let mut lines = Vec::new();
        let mut line = at;
        while line < end && self.src[line..end].starts_with("> ") {
            let stop = self.src[line..end].find('\n').map_or(end, |n| line + n);
            if !lines.is_empty() {
                lines.push(Node::Break);
            }
            lines.extend(self.span(line + 2, stop, scope.inner()));
            line = self.past_newline(stop, end);
        }
        (!lines.is_empty()).then_some((Node::Quote(lines), line))
    }

    /// A backslash keeps the punctuation after it literal, as in Discord.
    fn escaped(&self, at: usize, end: usize) -> Option<(Node<'a>, usize)> {
        let next = *self.src.as_bytes().get(at + 1).filter(|_| at + 1 < end)?;
        if !next.is_ascii_punctuation() {
            return None;
        }
        Some((Node::Text(&self.src[at + 1..at + 2]), at + 2))
    }

    /// Discord's `<…>` tokens: mentions, emoji, timestamps, and links
    /// written without a preview.
    fn angle(&self, at: usize, end: usize, scope: Scope) -> Option<(Node<'a>, usize)> {
        let rest = &self.src[at + 1..end];
        let close = rest.find(|c: char| c == '>' || c == '<' || c.is_whitespace())?;
        if !rest[close..].starts_with('>') {
            return None;
        }
        let inner = &rest[..close];
        let node = if scope.links && link::is_clean(inner) {
            Node::Link(inner)
        } else {
            token(inner)?
        };
        Some((node, at + close + 2))
    }

    /// `[label](url)`: only when the address is a clean link; the label
    /// is parsed without links so it cannot pose as another address.
    fn masked(&self, at: usize, end: usize, scope: Scope) -> Option<(Node<'a>, usize)> {
        let label_end = at + 1 + self.src[at + 1..end].find([']', '[', '\n'])?;
        let rest = &self.src[label_end..end];
        if label_end == at + 1 || !rest.starts_with("](") {
            return None;
        }
        let (url, used) = link::in_parens(&rest[2..])?;
        let label_scope = Scope {
            links: false,
            ..scope.inner()
        };
        let label = self.span(at + 1, label_end, label_scope);
        Some((Node::Masked(label, url), label_end + 2 + used))
    }

    fn bare_link(&self, at: usize, end: usize) -> Option<(Node<'a>, usize)> {
        if self.before(at).is_some_and(|c| c.is_alphanumeric()) {
            return None;
        }
        let url = link::bare(&self.src[at..end])?;
        Some((Node::Link(url), at + url.len()))
    }

    /// A marker pair: `**`, `__`, `~~`, `*` or `_`, with its inner text
    /// parsed again.
    fn styled(&self, at: usize, end: usize, scope: Scope) -> Option<(Node<'a>, usize)> {
        if scope.depth >= MAX_DEPTH {
            return None;
        }
        let rest = &self.src[at..end];
        let (style, width, close) = if let Some(pair) = ["**", "__", "~~"]
            .into_iter()
            .find(|pair| rest.starts_with(pair))
        {
            (pair_style(pair), 2, self.double_close(at, end, pair)?)
        } else if rest.starts_with('*') {
            (Style::Em, 1, self.star_close(at, end)?)
        } else if rest.starts_with('_') {
            (Style::Em, 1, self.underscore_close(at, end)?)
        } else {
            return None;
        };
        let inner = self.span(at + width, close, scope.inner());
        Some((Node::Styled(style, inner), close + width))
    }

    /// The first `pair` after some inner text that is not followed by
    /// another of its marker, so `***a***` reads as strong around `*a*`.
    fn double_close(&self, at: usize, end: usize, pair: &str) -> Option<usize> {
        let mark = pair.as_bytes()[0];
        let bytes = &self.src.as_bytes()[..end];
        let mut from = at + 3;
        while from < end {
            let found = from
                + bytes[from..]
                    .windows(2)
                    .position(|w| w == pair.as_bytes())?;
            if bytes.get(found + 2) != Some(&mark) {
                return Some(found);
            }
            from = found + 1;
        }
        None
    }

    /// `*text*`: the text starts and ends with something other than a
    /// space, and `**` inside it is taken whole.
    fn star_close(&self, at: usize, end: usize) -> Option<usize> {
        let first = self.src[at + 1..end].chars().next()?;
        if first.is_whitespace() || first == '*' {
            return None;
        }
        self.single_close(at, end, b'*', |p, i| {
            !p.before(i).is_some_and(char::is_whitespace)
        })
    }

    /// `_text_` only between word boundaries, so `order_ref_id` is text.
    fn underscore_close(&self, at: usize, end: usize) -> Option<usize> {
        if self.before(at).is_some_and(is_word) {
            return None;
        }
        self.single_close(at, end, b'_', |p, i| {
            !p.src[i + 1..end].chars().next().is_some_and(is_word)
        })
    }

    fn single_close(
        &self,
        at: usize,
        end: usize,
        mark: u8,
        closes: impl Fn(&Self, usize) -> bool,
    ) -> Option<usize> {
        let bytes = self.src.as_bytes();
        let mut i = at + 1;
        while i < end {
            match bytes[i] {
                b if b == mark && bytes.get(i + 1) == Some(&mark) && i + 1 < end => i += 2,
                b if b == mark && i > at + 1 && closes(self, i) => return Some(i),
                b'\\' => {
                    i += 1 + self.src[i + 1..end]
                        .chars()
                        .next()
                        .map_or(0, char::len_utf8)
                }
                _ => i += self.char_len(i),
            }
        }
        None
    }
}

fn pair_style(pair: &str) -> Style {
    match pair {
        "**" => Style::Strong,
        "__" => Style::Underline,
        _ => Style::Strike,
    }
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn run_len(text: &str, mark: u8) -> usize {
    text.bytes().take_while(|&b| b == mark).count()
}

/// Reads the inside of a `<…>` token other than a link.
fn token(inner: &str) -> Option<Node<'_>> {
    if let Some(rest) = inner.strip_prefix("@&") {
        return digits(rest).then_some(Node::Role);
    }
    if let Some(rest) = inner.strip_prefix('@') {
        let id = rest.strip_prefix('!').unwrap_or(rest);
        return digits(id).then_some(Node::User(id));
    }
    if let Some(rest) = inner.strip_prefix('#') {
        return digits(rest).then_some(Node::Channel);
    }
    if let Some(rest) = inner.strip_prefix("t:") {
        return timestamp(rest).map(Node::Time);
    }
    emoji(inner).map(Node::Emoji)
}

fn digits(text: &str) -> bool {
    (1..=20).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit())
}

/// `<t:SECONDS>` or `<t:SECONDS:STYLE>`, any style letter.
fn timestamp(rest: &str) -> Option<DateTime<Utc>> {
    let (seconds, style) = rest.split_once(':').unwrap_or((rest, "t"));
    let style_ok = style.len() == 1 && style.bytes().all(|b| b.is_ascii_alphabetic());
    let unsigned = seconds.strip_prefix('-').unwrap_or(seconds);
    if !style_ok || !digits(unsigned) {
        return None;
    }
    DateTime::from_timestamp(seconds.parse().ok()?, 0)
}

/// `<:name:ID>` or `<a:name:ID>`: the name, which Discord keeps to
/// letters, digits and underscores.
fn emoji(inner: &str) -> Option<&str> {
    let rest = inner.strip_prefix('a').unwrap_or(inner).strip_prefix(':')?;
    let (name, id) = rest.split_once(':')?;
    let name_ok = (1..=32).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    (name_ok && digits(id)).then_some(name)
}
