//! Discord chat text as safe HTML, and as plain text.
//!
//! Everything from chat is untrusted. A message is first parsed into a
//! small tree of nodes that knows only the constructs the record shows:
//! bold, italic, underline, strikethrough, inline code, code blocks,
//! quotes, links, mentions, custom emoji and timestamps. Anything else is
//! text. The HTML writer escapes every piece of text it copies out of the
//! message and writes only its own tags (`strong em u s code pre
//! blockquote a br span`) with its own attributes (`href rel class
//! data-lang`), which is what lets the templates mark the result safe.
//!
//! The parser follows the way Discord's client reads markdown (rules
//! tried in a fixed order at each position, the inner text of a marker
//! pair parsed again), so a message reads in the record as it read in
//! the channel. Where the two differ, the record shows more literally.

mod html;
mod link;
mod parse;
mod plain;

use chrono::{DateTime, Utc};

use parse::parse;

/// What a message's references resolve to, supplied by the caller.
pub struct Names<'a> {
    /// The display name a user id had when the message was recorded.
    pub users: &'a dyn Fn(&str) -> Option<String>,
    /// A Discord timestamp written the way the record writes times.
    pub time: &'a dyn Fn(DateTime<Utc>) -> String,
}

/// Renders chat text as HTML that is safe to embed as is.
pub fn to_html(text: &str, names: &Names) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    html::nodes(&parse(text), names, &mut out);
    out
}

/// Renders chat text as plain text: references resolved, markup gone.
/// Meant for search text and titles, which escape it themselves.
pub fn to_plain(text: &str, names: &Names) -> String {
    let mut out = String::with_capacity(text.len());
    plain::nodes(&parse(text), names, &mut out);
    out
}

/// An address that is not chat text, such as an embed's URL, as HTML:
/// a link when it is a clean `http`, `https` or `mailto` address, else
/// escaped text. No markup applies, so no block can end up inside the
/// inline element that holds it.
pub fn address_to_html(url: &str) -> String {
    let mut out = String::with_capacity(url.len() * 2);
    if link::is_clean(url) {
        html::link(url, &mut out);
    } else {
        escape_into(&mut out, url);
    }
    out
}

/// Escapes text for an HTML text node or a double-quoted attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

fn escape_into(out: &mut String, text: &str) {
    let mut from = 0;
    for (i, b) in text.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&text[from..i]);
        out.push_str(entity);
        from = i + 1;
    }
    out.push_str(&text[from..]);
}

/// A fenced code block found at some position of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Fence<'a> {
    /// The language word after the opening fence, if one was written.
    pub lang: Option<&'a str>,
    /// The code, without the language line and the edge newlines.
    pub code: &'a str,
    /// Where the closing fence ends.
    pub end: usize,
}

/// Reads a fenced code block starting at `start`, ending by `limit`.
///
/// The first line is a language word only when a newline follows it, as
/// Discord reads it; a block with nothing in it is not a block.
pub(crate) fn fence_at(text: &str, start: usize, limit: usize) -> Option<Fence<'_>> {
    let open = start + 3;
    if !text.get(start..limit)?.starts_with("```") {
        return None;
    }
    let close = open + text[open..limit].find("```")?;
    let mut body = &text[open..close];
    let lang = lang_line(body);
    if let Some(word) = lang {
        body = &body[word.len() + 1..];
    }
    let code = body.strip_prefix('\n').unwrap_or(body);
    let code = code.strip_suffix('\n').unwrap_or(code);
    if code.trim().is_empty() {
        return None;
    }
    let end = close + 3;
    Some(Fence { lang, code, end })
}

fn lang_line(body: &str) -> Option<&str> {
    let (word, _) = body.split_once('\n')?;
    let shaped = word.len() <= 32
        && !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_+-.#".contains(&b));
    shaped.then_some(word)
}

/// True when a language word may go into a `data-lang` attribute.
fn lang_is_plain(word: &str) -> bool {
    (1..=20).contains(&word.len())
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+#-".contains(&b))
}

/// The styles a pair of markers gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Strong,
    Em,
    Underline,
    Strike,
}

impl Style {
    fn tag(self) -> &'static str {
        match self {
            Style::Strong => "strong",
            Style::Em => "em",
            Style::Underline => "u",
            Style::Strike => "s",
        }
    }
}

/// One piece of a parsed message. Text borrows from the message.
#[derive(Debug, Clone, PartialEq)]
enum Node<'a> {
    Text(&'a str),
    Break,
    Styled(Style, Vec<Node<'a>>),
    Code(&'a str),
    Block(Option<&'a str>, &'a str),
    Quote(Vec<Node<'a>>),
    Link(&'a str),
    Masked(Vec<Node<'a>>, &'a str),
    User(&'a str),
    Role,
    Channel,
    Emoji(&'a str),
    Time(DateTime<Utc>),
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn user(id: &str) -> Option<String> {
        (id == "4242").then(|| "M. Tanaka".to_string())
    }

    fn clock(at: DateTime<Utc>) -> String {
        at.format("%H:%M UTC").to_string()
    }

    const NAMES: Names<'static> = Names {
        users: &user,
        time: &clock,
    };

    fn html(text: &str) -> String {
        to_html(text, &NAMES)
    }

    const TAGS: [&str; 10] = [
        "strong",
        "em",
        "s",
        "code",
        "pre",
        "blockquote",
        "a",
        "br",
        "span",
        "u",
    ];
    const ATTRIBUTES: [&str; 5] = ["href", "rel", "class", "data-lang", "title"];

    /// Checks every tag in `out`: a known name, known attributes with
    /// quoted values, and links only to the allowed schemes.
    fn check_safe(out: &str) -> Result<(), String> {
        let mut rest = out;
        while let Some(open) = rest.find('<') {
            let close = rest[open..]
                .find('>')
                .ok_or_else(|| format!("unclosed tag in {out:?}"))?;
            check_tag(&rest[open + 1..open + close])?;
            rest = &rest[open + close + 1..];
        }
        if rest.contains('>') {
            return Err(format!("stray > in {out:?}"));
        }
        Ok(())
    }

    fn check_tag(tag: &str) -> Result<(), String> {
        let tag = tag.strip_prefix('/').unwrap_or(tag);
        let (name, mut attrs) = tag.split_once(' ').unwrap_or((tag, ""));
        if !TAGS.contains(&name) {
            return Err(format!("tag {name:?} is not allowed"));
        }
        while !attrs.is_empty() {
            let (key, after) = attrs
                .split_once("=\"")
                .ok_or_else(|| format!("bad attributes {attrs:?}"))?;
            let (value, next) = after
                .split_once('"')
                .ok_or_else(|| format!("unquoted value in {attrs:?}"))?;
            check_attribute(key, value)?;
            attrs = next.strip_prefix(' ').unwrap_or(next);
        }
        Ok(())
    }

    fn check_attribute(key: &str, value: &str) -> Result<(), String> {
        if !ATTRIBUTES.contains(&key) {
            return Err(format!("attribute {key:?} is not allowed"));
        }
        let schemes = ["http://", "https://", "mailto:"];
        if key == "href" && !schemes.iter().any(|s| value.starts_with(s)) {
            return Err(format!("href {value:?} is not an allowed link"));
        }
        if value.contains('<') {
            return Err(format!("raw < in attribute {value:?}"));
        }
        Ok(())
    }

    fn assert_safe(input: &str) {
        let out = html(input);
        if let Err(problem) = check_safe(&out) {
            panic!("{problem}\ninput: {input:?}\noutput: {out}");
        }
        let lower = out.to_ascii_lowercase();
        for bad in ["<script", "<img", "<svg", "<!--", "<iframe"] {
            assert!(!lower.contains(bad), "{bad} in {out} from {input:?}");
        }
        let styled = lower
            .match_indices("style=")
            .any(|(i, _)| in_tag(&lower, i));
        assert!(!styled, "style attribute in {out} from {input:?}");
        assert!(
            !has_handler(&lower),
            "event handler in {out} from {input:?}"
        );
    }

    /// True when some ` on…=` attribute could reach a browser.
    fn has_handler(lower: &str) -> bool {
        let bytes = lower.as_bytes();
        lower.match_indices(" on").any(|(i, _)| {
            let name_end = bytes[i + 3..]
                .iter()
                .position(|b| !b.is_ascii_alphabetic())
                .map_or(bytes.len(), |n| i + 3 + n);
            bytes.get(name_end) == Some(&b'=') && in_tag(lower, i)
        })
    }

    fn in_tag(text: &str, at: usize) -> bool {
        text[..at].rfind('<') > text[..at].rfind('>')
    }

    #[test]
    fn checker_catches_what_it_should() {
        assert!(check_safe("<img src=x onerror=alert(1)>").is_err());
        assert!(check_safe("<a href=\"javascript:alert(1)\">x</a>").is_err());
        assert!(check_safe("<span style=\"color:red\">x</span>").is_err());
        assert!(check_safe("<strong>ok</strong> &lt;b&gt;").is_ok());
        assert!(has_handler("<a onclick=\"x\">"));
        assert!(!has_handler("&lt;a onclick=x&gt;"));
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            escape(r#"<b>&"x"'y'</b>"#),
            "&lt;b&gt;&amp;&quot;x&quot;&#39;y&#39;&lt;/b&gt;"
        );
        assert_eq!(html("a < b && c > d"), "a &lt; b &amp;&amp; c &gt; d");
    }

    #[test]
    fn an_address_is_a_link_or_text_never_markup() {
        assert_eq!(
            address_to_html("https://status.example/x"),
            "<a href=\"https://status.example/x\" rel=\"noopener noreferrer\">\
             https://status.example/x</a>"
        );
        assert_eq!(
            address_to_html("```\n<b>x</b>\n```"),
            "```\n&lt;b&gt;x&lt;/b&gt;\n```"
        );
        assert_eq!(address_to_html("> **q**"), "&gt; **q**");
        assert_eq!(
            address_to_html("javascript:alert('x')"),
            "javascript:alert(&#39;x&#39;)"
        );
    }

    #[test]
    fn each_style_renders() {
        assert_eq!(html("**bold**"), "<strong>bold</strong>");
        assert_eq!(html("*it* and _it_"), "<em>it</em> and <em>it</em>");
        assert_eq!(html("__under__"), "<u>under</u>");
        assert_eq!(html("~~gone~~"), "<s>gone</s>");
        assert_eq!(html("***both***"), "<strong><em>both</em></strong>");
        assert_eq!(html("**a _b_ c**"), "<strong>a <em>b</em> c</strong>");
    }

    #[test]
    fn unclosed_markers_stay_literal() {
        assert_eq!(html("**not bold"), "**not bold");
        assert_eq!(html("*half"), "*half");
        assert_eq!(html("~~strike"), "~~strike");
        assert_eq!(html("`open code"), "`open code");
        assert_eq!(html("```\nno close"), "```<br>no close");
        assert_eq!(html("2 * 3 * 4"), "2 * 3 * 4");
        assert_eq!(html("~single~"), "~single~");
    }

    #[test]
    fn underscores_inside_words_are_text() {
        assert_eq!(html("order_ref and run_id"), "order_ref and run_id");
        assert_eq!(html("a_b_c _d_"), "a_b_c <em>d</em>");
    }

    #[test]
    fn backslash_keeps_markers_literal() {
        assert_eq!(html(r"\*not it\*"), "*not it*");
        assert_eq!(html(r"\<@4242>"), "&lt;@4242&gt;");
    }

    #[test]
    fn inline_code_is_not_parsed_further() {
        assert_eq!(html("`**x** <@4242>`"), "<code>**x** &lt;@4242&gt;</code>");
        assert_eq!(html("``a ` b``"), "<code>a ` b</code>");
    }

    #[test]
    fn code_blocks_keep_newlines_and_check_the_language() {
        let out = html("see:\n```rust\nlet a = 1 < 2;\n```\nafter");
        let block = "<pre><code data-lang=\"rust\">let a = 1 &lt; 2;</code></pre>";
        assert_eq!(out, format!("see:<br>{block}after"));
        assert_eq!(html("```x.y\ncode```"), "<pre><code>code</code></pre>");
        assert_eq!(html("```one line```"), "<pre><code>one line</code></pre>");
    }

    #[test]
    fn quotes_cover_lines_or_the_rest() {
        assert_eq!(html("> a\n> b\nc"), "<blockquote>a<br>b</blockquote>c");
        assert_eq!(html("x\n>>> a\nb"), "x<br><blockquote>a<br>b</blockquote>");
        assert_eq!(html("a > b"), "a &gt; b");
        assert_eq!(html(">no space"), "&gt;no space");
    }

    #[test]
    fn mentions_use_the_recorded_name() {
        let known = "<span class=\"mention\">@M. Tanaka</span>";
        assert_eq!(html("<@4242> ack"), format!("{known} ack"));
        assert_eq!(html("<@!4242>"), known);
        let unknown = "<span class=\"mention\">@unknown user</span>";
        assert_eq!(html("<@99>"), unknown);
        assert_eq!(html("<@&77>"), "<span class=\"mention\">@role</span>");
        assert_eq!(html("<#88>"), "<span class=\"mention\">#channel</span>");
        assert_eq!(html("<@name>"), "&lt;@name&gt;");
    }

    #[test]
    fn emoji_and_timestamps() {
        assert_eq!(html("<:shipit:123> <a:party:456>"), ":shipit: :party:");
        let ts = "<span class=\"ts\">04:36 UTC</span>";
        assert_eq!(html("<t:1780461360>"), ts);
        assert_eq!(html("<t:1780461360:R>"), ts);
        assert_eq!(html("<t:soon:R>"), "&lt;t:soon:R&gt;");
        assert_eq!(
            html("<t:99999999999999999999>"),
            "&lt;t:99999999999999999999&gt;"
        );
    }

    #[test]
    fn bare_links_show_their_address() {
        let link = |u: &str| format!("<a href=\"{u}\" rel=\"noopener noreferrer\">{u}</a>");
        let out = html("see https://status.example.com/x?a=1&b=2.");
        let url = "https://status.example.com/x?a=1&amp;b=2";
        assert_eq!(out, format!("see {}.", link(url)));
        let wiki = "https://en.wikipedia.org/wiki/Idempotence_(x)";
        assert_eq!(html(&format!("({wiki})")), format!("({})", link(wiki)));
        assert_eq!(html("<https://a.example>"), link("https://a.example"));
        assert_eq!(
            html("mailto:oncall@example.com"),
            link("mailto:oncall@example.com")
        );
        assert_eq!(html("HTTPS://A.EXAMPLE"), link("HTTPS://A.EXAMPLE"));
    }

    #[test]
    fn broken_links_stay_text() {
        assert_eq!(html("https://"), "https://");
        assert_eq!(html("xhttps://a.example"), "xhttps://a.example");
        assert_eq!(html("mailto:nobody"), "mailto:nobody");
        assert_eq!(html("ftp://a.example"), "ftp://a.example");
    }

    #[test]
    fn masked_links_show_label_then_address() {
        let out = html("[runbook](https://wiki.example/rb)");
        let link = concat!(
            "<a href=\"https://wiki.example/rb\" rel=\"noopener noreferrer\">",
            "https://wiki.example/rb</a>",
        );
        assert_eq!(out, format!("runbook ({link})"));
        let posing = html("[https://bank.example](https://evil.example)");
        assert!(posing.starts_with("https://bank.example ("), "{posing}");
        assert_eq!(posing.matches("<a ").count(), 1);
    }

    #[test]
    fn plain_text_resolves_tokens_and_drops_markup() {
        let plain = to_plain("**<@4242>** paged _billing_ at <t:1780461360:t>", &NAMES);
        assert_eq!(plain, "@M. Tanaka paged billing at 04:36 UTC");
        let masked = to_plain("[pr](https://git.example/498) `x`", &NAMES);
        assert_eq!(masked, "pr (https://git.example/498) x");
        assert_eq!(to_plain("a\n```\nb\n```", &NAMES), "a\nb\n");
    }

    #[test]
    fn fences_report_their_parts() {
        let text = "x ```sh\nls -la\n``` y";
        let fence = fence_at(text, 2, text.len()).expect("a fence");
        assert_eq!((fence.lang, fence.code), (Some("sh"), "ls -la"));
        assert_eq!(&text[fence.end..], " y");
        assert_eq!(fence_at("``` ```", 0, 7), None);
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let deep = format!("{}x{}", "**".repeat(500), "**".repeat(500));
        assert_safe(&deep);
        let stars = "*a ".repeat(2000);
        assert_eq!(html(&stars), stars);
    }

    const HOSTILE: &[&str] = &[
        "<script>alert(1)</script>",
        "</script><script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<svg onload=alert(1)>",
        "\"><script>alert(1)</script>",
        "'><img src=x onerror=alert(1)>",
        "<!-- <script>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "java&#x09;script:alert(1)",
        "[x](javascript:alert(1))",
        "[x](JAVASCRIPT:alert(1))",
        "[x]( javascript:alert(1))",
        "[x](\u{1}javascript:alert(1))",
        "[x](java\tscript:alert(1))",
        "[x](%6aavascript:alert(1))",
        "[x](<javascript:alert(1)>)",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x](vbscript:msgbox(1))",
        "[x](file:///etc/passwd)",
        "<javascript:alert(1)>",
        "<data:text/html,<script>alert(1)</script>>",
        "data:text/html,<script>alert(1)</script>",
        "[x](https://a.example\"onmouseover=\"alert(1))",
        "https://a.example/\"onmouseover=\"alert(1)",
        "https://a.example/'onmouseover='alert(1)",
        "<https://a.example/\"x>",
        "[x](https://a.example/\u{202e}gpj.exe)",
        "https://a.example/\u{200b}.evil",
        "<p style=\"position:fixed\">x</p>",
        "<div style=background:url(javascript:alert(1))>",
        "ｊａｖａｓｃｒｉｐｔ:alert(1)",
        "[x](ｊａｖａｓｃｒｉｐｔ:alert(1))",
        "＜script＞alert(1)＜/script＞",
        "**<b>**",
        "**<b onclick=x>bold</b>**",
        "_<i>_</i>",
        "~~<s>~~</s>",
        "`<script>`",
        "```html\n<script>alert(1)</script>\n```",
        "```\"><script>\nx```",
        "> <iframe src=javascript:alert(1)>",
        ">>> <svg><script>alert(1)</script>",
        "<@1><script>",
        "<:x\"onload=\"alert(1):123>",
        "<t:1:\"onload=x>",
        "[**x**](https://a.example/<script>)",
        "[<img src=x onerror=alert(1)>](https://a.example)",
        "[x](https://a.example) onclick=alert(1)",
        "mailto:a@b.example?body=<script>",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "<<script>script>alert(1)<</script>/script>",
        "\u{0}<script>",
        "<scr\u{0}ipt>",
    ];

    #[test]
    fn hostile_inputs_never_produce_markup_of_their_own() {
        assert!(HOSTILE.len() >= 40);
        for input in HOSTILE {
            assert_safe(input);
        }
    }

    #[test]
    fn disguised_schemes_never_become_links() {
        let allowed = ["https://", "mailto:"];
        for input in HOSTILE
            .iter()
            .filter(|i| !allowed.iter().any(|a| i.contains(a)))
        {
            let out = html(input);
            assert!(!out.contains("<a "), "link from {input:?}: {out}");
        }
    }

    #[test]
    fn representative_messages() {
        let inputs = [
            "**Declaring SEV-2** for INC-2417, <@4242> is IC",
            "dispatch queue paused _as a precaution_ ~~resume at 06:00~~",
            "> recon flagged 1,842 drafts\nconfirmed run-wide",
            "```log\n04:36:02 ALERT recon.invoice 1,842 drafts\n```",
            "PR: [idempotency key](https://git.example/batch-billing/pull/498)",
            "dry run clean at <t:1780467000:t>, see <https://runbook.example/cleanup>",
            "`DELETE FROM drafts WHERE dup` ran on <#123456> :white_check_mark: <:ok:42>",
            "*unclosed **markers ~~everywhere",
            "[bad](javascript:alert(document.cookie)) <img src=x onerror=alert(1)>",
        ];
        let table: Vec<(String, String)> =
            inputs.iter().map(|i| (i.to_string(), html(i))).collect();
        insta::assert_json_snapshot!(table);
    }

    fn markdownish() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("**"),
            Just("*"),
            Just("_"),
            Just("__"),
            Just("~~"),
            Just("`"),
            Just("```"),
            Just("> "),
            Just(">>> "),
            Just("\n"),
            Just("<"),
            Just(">"),
            Just("<@1>"),
            Just("<t:1:R>"),
            Just("["),
            Just("]("),
            Just(")"),
            Just("https://a.example/"),
            Just("javascript:"),
            Just("mailto:a@b"),
            Just("\""),
            Just("'"),
            Just("&"),
            Just("\\"),
            Just(" onerror="),
            Just("script"),
            Just("x"),
            Just(" "),
        ];
        prop::collection::vec(piece, 0..40).prop_map(|p| p.concat())
    }

    proptest! {
        #[test]
        fn arbitrary_text_yields_only_known_tags(text in any::<String>()) {
            prop_assert_eq!(check_safe(&html(&text)), Ok(()));
        }

        #[test]
        fn markdown_soup_yields_only_known_tags(text in markdownish()) {
            let out = html(&text);
            prop_assert_eq!(check_safe(&out), Ok(()));
            prop_assert!(!has_handler(&out.to_ascii_lowercase()));
        }
    }
}
