//! Which addresses may become links.

const SCHEMES: [&str; 3] = ["https://", "http://", "mailto:"];

/// True for an `http`, `https` or `mailto` address with nothing in
/// it that could end an attribute or hide what it points to.
pub(super) fn is_clean(url: &str) -> bool {
    let Some(scheme) = SCHEMES.iter().find(|s| starts_with_ignore_case(url, s)) else {
        return false;
    };
    let rest = &url[scheme.len()..];
    let target_ok = if scheme.starts_with("mailto") {
        let to = rest.split('?').next().unwrap_or_default();
        to.split_once('@')
            .is_some_and(|(user, domain)| !user.is_empty() && !domain.is_empty())
    } else {
        host_is_valid(host_of(rest))
    };
    target_ok && url.chars().all(fits)
}

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

fn host_of(rest: &str) -> &str {
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    authority.rsplit('@').next().unwrap_or(authority)
}

/// True when `host` (with an optional port) is one a browser accepts:
/// a name with a letter or digit and none of the code points the URL
/// standard forbids in a domain, or a bracketed IPv6 address. Without
/// this, `[label](javascript:…)` written after a bare `https://` would
/// pass as one address whose host holds `](`.
fn host_is_valid(host: &str) -> bool {
    let (name, port) = split_port(host);
    let port_ok = port.is_none_or(|p| p.bytes().all(|b| b.is_ascii_digit()));
    let name_ok = match name.strip_prefix('[').and_then(|n| n.strip_suffix(']')) {
        Some(v6) => {
            v6.contains(':')
                && v6
                    .chars()
                    .all(|c| c.is_ascii_hexdigit() || ":.".contains(c))
        }
        None => {
            name.chars().any(char::is_alphanumeric)
                && !name
                    .chars()
                    .any(|c| c.is_control() || "#%/:<>?@[\\]^|".contains(c))
        }
    };
    port_ok && name_ok
}

/// The host and its port: the port follows the last colon after any
/// bracketed address.
fn split_port(host: &str) -> (&str, Option<&str>) {
    let after = host.rfind(']').map_or(0, |i| i + 1);
    match host[after..].rfind(':') {
        Some(i) => (&host[..after + i], Some(&host[after + i + 1..])),
        None => (host, None),
    }
}

/// Characters a link may hold. Format characters (zero-width and
/// direction overrides) are refused: they make an address read as
/// another one.
fn fits(c: char) -> bool {
    !(c.is_whitespace() || c.is_control() || is_format(c) || "\"'<>\\`".contains(c))
}

fn is_format(c: char) -> bool {
    matches!(c, '\u{ad}' | '\u{61c}' | '\u{180e}' | '\u{200b}'..='\u{200f}'
        | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{206f}' | '\u{feff}'
        | '\u{fff9}'..='\u{fffb}' | '\u{e0000}'..='\u{e007f}')
}

/// A link written in running text: it runs to the first character a
/// link may not hold, less trailing punctuation, and closing
/// parentheses it did not open.
pub(super) fn bare(text: &str) -> Option<&str> {
    if !SCHEMES.iter().any(|s| starts_with_ignore_case(text, s)) {
        return None;
    }
    let stop = text.find(|c| !fits(c)).unwrap_or(text.len());
    let mut url = &text[..stop];
    while let Some(last) = url.chars().next_back() {
        let trailing = ".,;:!?".contains(last) || (last == ')' && !balanced(url));
        if !trailing {
            break;
        }
        url = &url[..url.len() - 1];
    }
    is_clean(url).then_some(url)
}

fn balanced(url: &str) -> bool {
    url.matches('(').count() >= url.matches(')').count()
}

/// The `(url)` part of a masked link, already past the `(`: the
/// address and how many bytes the part takes, up to its `)`.
pub(super) fn in_parens(text: &str) -> Option<(&str, usize)> {
    if let Some(inner) = text.strip_prefix('<') {
        let close = inner.find('>')?;
        let url = &inner[..close];
        let used = close + 2;
        return (text[used..].starts_with(')') && is_clean(url)).then_some((url, used + 1));
    }
    let close = paren_close(text)?;
    let url = &text[..close];
    is_clean(url).then_some((url, close + 1))
}

fn paren_close(text: &str) -> Option<usize> {
    let mut open = 0usize;
    for (i, c) in text.char_indices() {
        match c {
            '(' => open += 1,
            ')' if open == 0 => return Some(i),
            ')' => open -= 1,
            c if c.is_whitespace() => return None,
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_allowed_schemes_with_a_target_are_clean() {
        assert!(is_clean("https://status.example/incidents/2417"));
        assert!(is_clean(
            "mailto:billing-oncall@example.com?subject=INC-2417"
        ));
        assert!(!is_clean("mailto:@example.com"));
        assert!(!is_clean("https://-/"));
        assert!(!is_clean("javascript://example.com/%0aalert(1)"));
        assert!(!is_clean("https://example.com/a\u{202e}txt.exe"));
        assert!(!is_clean("https://example.com/\u{e0041}"));
        assert!(!is_clean("https://safe.example](javascript:alert(1))"));
        assert!(!is_clean("https://a.example:80x/"));
        assert!(is_clean("https://a.example:8443/x"));
        assert!(is_clean("http://[::1]:8080/"));
        assert!(!is_clean("http://[::1/"));
    }

    #[test]
    fn bare_links_leave_trailing_punctuation_outside() {
        assert_eq!(
            bare("https://a.example/x). next"),
            Some("https://a.example/x")
        );
        assert_eq!(
            bare("https://a.example/f(1)!"),
            Some("https://a.example/f(1)")
        );
        assert_eq!(bare("https://a.example/\"x"), Some("https://a.example/"));
        assert_eq!(bare("ftp://a.example"), None);
    }

    #[test]
    fn masked_addresses_end_at_their_parenthesis() {
        let text = "https://a.example/w_(x)) rest";
        assert_eq!(in_parens(text), Some(("https://a.example/w_(x)", 24)));
        assert_eq!(
            in_parens("<https://a.example>) x"),
            Some(("https://a.example", 20))
        );
        assert_eq!(in_parens("https://a.example/a b)"), None);
        assert_eq!(in_parens("data:text/html,x)"), None);
    }
}
