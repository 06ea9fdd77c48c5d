//! The plain-text writer: the same tree, without markup.

use super::html::user_name;
use super::{Names, Node};

pub(super) fn nodes(nodes: &[Node], names: &Names, out: &mut String) {
    for node in nodes {
        one(node, names, out);
    }
}

fn one(node: &Node, names: &Names, out: &mut String) {
    match node {
        Node::Text(text) | Node::Code(text) | Node::Link(text) => out.push_str(text),
        Node::Block(_, code) => block(code, out),
        Node::Break => out.push('\n'),
        Node::Styled(_, inner) | Node::Quote(inner) => nodes(inner, names, out),
        Node::Masked(label, url) => {
            nodes(label, names, out);
            out.push_str(&format!(" ({url})"));
        }
        Node::User(id) => out.push_str(&user_name(id, names)),
        Node::Role => out.push_str("@role"),
        Node::Channel => out.push_str("#channel"),
        Node::Emoji(name) => out.push_str(&format!(":{name}:")),
        Node::Time(at) => out.push_str(&(names.time)(*at)),
    }
}

/// A code block stands on its own lines, as it does in the channel.
fn block(code: &str, out: &mut String) {
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(code);
    out.push('\n');
}
