//! The HTML writer: every tag and attribute in the output comes from
//! here.

use super::{Names, Node, escape_into, lang_is_plain};

pub(super) fn nodes(nodes: &[Node], names: &Names, out: &mut String) {
    for node in nodes {
        one(node, names, out);
    }
}

fn one(node: &Node, names: &Names, out: &mut String) {
    match node {
        Node::Text(text) => escape_into(out, text),
        Node::Break => out.push_str("<br>"),
        Node::Styled(style, inner) => wrap(style.tag(), inner, names, out),
        Node::Code(code) => inline_code(code, out),
        Node::Block(lang, code) => block(*lang, code, out),
        Node::Quote(inner) => wrap("blockquote", inner, names, out),
        Node::Link(url) => link(url, out),
        Node::Masked(label, url) => masked(label, url, names, out),
        Node::User(id) => mention(&user_name(id, names), out),
        Node::Role => mention("@role", out),
        Node::Channel => mention("#channel", out),
        Node::Emoji(name) => colons(name, out),
        Node::Time(at) => time(&(names.time)(*at), out),
    }
}

fn wrap(tag: &str, inner: &[Node], names: &Names, out: &mut String) {
    out.push('<');
    out.push_str(tag);
    out.push('>');
    nodes(inner, names, out);
    out.push_str("</");
    out.push_str(tag);
    out.push('>');
}

fn inline_code(code: &str, out: &mut String) {
    out.push_str("<code>");
    for (n, line) in code.split('\n').enumerate() {
        if n > 0 {
            out.push_str("<br>");
        }
        escape_into(out, line);
    }
    out.push_str("</code>");
}

fn block(lang: Option<&str>, code: &str, out: &mut String) {
    out.push_str("<pre><code");
    if let Some(lang) = lang.filter(|word| lang_is_plain(word)) {
        out.push_str(" data-lang=\"");
        escape_into(out, lang);
        out.push('"');
    }
    out.push('>');
    escape_into(out, code);
    out.push_str("</code></pre>");
}

pub(super) fn link(url: &str, out: &mut String) {
    out.push_str("<a href=\"");
    escape_into(out, url);
    out.push_str("\" rel=\"noopener noreferrer\">");
    escape_into(out, url);
    out.push_str("</a>");
}

/// The label, then the address in full, so a reader always sees
/// where a masked link goes.
fn masked(label: &[Node], url: &str, names: &Names, out: &mut String) {
    nodes(label, names, out);
    out.push_str(" (");
    link(url, out);
    out.push(')');
}

pub(super) fn user_name(id: &str, names: &Names) -> String {
    let name = (names.users)(id).unwrap_or_else(|| "unknown user".to_string());
    format!("@{name}")
}

fn mention(text: &str, out: &mut String) {
    out.push_str("<span class=\"mention\">");
    escape_into(out, text);
    out.push_str("</span>");
}

fn colons(name: &str, out: &mut String) {
    out.push(':');
    escape_into(out, name);
    out.push(':');
}

fn time(text: &str, out: &mut String) {
    out.push_str("<span class=\"ts\">");
    escape_into(out, text);
    out.push_str("</span>");
}
