//! Secrets out of chat text before anything is stored.
//!
//! A [`Redactor`] is built once from the built-in rules and the
//! operator's extra patterns, and runs over every piece of text ingest
//! stores: content, edit history, embeds, file names, text attachments.
//! Each secret becomes `[redacted:kind]`; where the text around a secret
//! says what it is (`password=`, `Bearer`, `user:…@host`) that text is
//! kept and only the secret goes.
//!
//! Most text holds no secret, so one combined automaton answers "is
//! anything here?" first, in linear time and without allocating; only
//! text it flags is scanned rule by rule.

use std::borrow::Cow;
use std::ops::Range;

use regex::{Captures, Match, Regex, RegexSet};

/// The built-in rules, most specific first: a provider token inside a
/// `token=` pair is named for its provider, and the generic pair rules
/// then find only a marker.
const RULES: &[(&str, Target, &str)] = &[
    (
        "private-key",
        Target::Whole,
        // A block cut off before its END line is still a key.
        concat!(
            r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----",
            r"(?:[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|[\s\S]*)",
        ),
    ),
    (
        "jwt",
        Target::Whole,
        r"(?-u:\b)eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*",
    ),
    (
        "discord-token",
        Target::Whole,
        // Base64 of the bot's id, a timestamp, an HMAC that grew from 27
        // to 38 characters in 2022; `mfa.` tokens are the older form.
        concat!(
            r"(?-u:\b)(?:[MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6,7}",
            r"\.[A-Za-z0-9_-]{27,110}|mfa\.[A-Za-z0-9_-]{80,})",
        ),
    ),
    (
        "discord-webhook",
        Target::Group,
        concat!(
            r"(?i)https://(?:(?:ptb|canary)\.)?discord(?:app)?\.com",
            r"/api(?:/v\d+)?/webhooks/\d+/([A-Za-z0-9_-]+)",
        ),
    ),
    (
        "github-token",
        Target::Whole,
        r"(?-u:\b)(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})",
    ),
    (
        "aws-access-key",
        Target::Whole,
        r"(?-u:\b)(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?-u:\b)",
    ),
    (
        "aws-secret-key",
        Target::Group,
        concat!(
            r"(?i)(?-u:\b)aws_?secret(?:_?access)?_?key",
            r#"["']?\s*(?:=>|:=|[:=])\s*["']?([A-Za-z0-9/+=]{30,})"#,
        ),
    ),
    (
        "slack-token",
        Target::Whole,
        r"(?-u:\b)(?:xox[abposr]-[A-Za-z0-9-]{10,}|xapp-\d-[A-Za-z0-9-]{10,})",
    ),
    (
        "slack-webhook",
        Target::Group,
        r"(?i)https://hooks\.slack\.com/(?:services|workflows|triggers)/([A-Za-z0-9/_-]+)",
    ),
    (
        "stripe-key",
        Target::Whole,
        r"(?-u:\b)(?:(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{10,}|whsec_[A-Za-z0-9]{20,})",
    ),
    (
        "url-password",
        Target::Group,
        r"(?-u:\b)[A-Za-z][A-Za-z0-9+.-]*://[^\s:@/?#]*:([^\s@/?#]+)@",
    ),
    (
        "bearer",
        Target::Group,
        r"(?i)(?-u:\b)bearer\s+([A-Za-z0-9._~+/-]{16,}=*)",
    ),
    (
        "password",
        Target::Group,
        concat!(
            r"(?i)(?-u:\b)[A-Za-z0-9_.-]*?(?:password|passwd|passphrase|pwd)",
            r#"["']?\s*(?:=>|:=|[:=])\s*"#,
            r#"(?:"((?:[^"\\\r\n]|\\.)+)"|'((?:[^'\\\r\n]|\\.)+)'|([^\s&;"']+))"#,
        ),
    ),
    (
        "token",
        Target::Group,
        concat!(
            r"(?i)(?-u:\b)[A-Za-z0-9_.-]*?token",
            r#"["']?\s*(?:=>|:=|[:=])\s*"#,
            r#"(?:"((?:[^"\\\r\n]|\\.)+)"|'((?:[^'\\\r\n]|\\.)+)'|([^\s&;"']+))"#,
        ),
    ),
    (
        "secret",
        Target::Group,
        concat!(
            r"(?i)(?-u:\b)[A-Za-z0-9_.-]*?",
            r"(?:secret|credentials?",
            r"|(?:api|access|secret|private|signing|encryption|master)[_-]?key)",
            r#"["']?\s*(?:=>|:=|[:=])\s*"#,
            r#"(?:"((?:[^"\\\r\n]|\\.)+)"|'((?:[^'\\\r\n]|\\.)+)'|([^\s&;"']+))"#,
        ),
    ),
];

/// The kind written for a match of an operator's pattern.
const CUSTOM: &str = "custom";

/// What part of a match is the secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// The whole match.
    Whole,
    /// The first capture group that took part: the text around it names
    /// the secret and stays.
    Group,
    /// The group named `secret` when an operator's pattern has one, else
    /// the whole match.
    Named,
}

/// A redaction pattern from config that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RedactError {
    #[error(
        "redaction pattern \"{pattern}\" is not a valid regular expression \
         ({reason}): fix it or remove it from redact.patterns"
    )]
    Invalid { pattern: String, reason: String },
    #[error(
        "redaction pattern \"{pattern}\" matches empty text: make it match at least one character"
    )]
    MatchesEmpty { pattern: String },
    #[error(
        "the {count} redaction patterns are too large to run together \
         ({reason}): shorten or merge the ones in redact.patterns"
    )]
    TooLarge { count: usize, reason: String },
}

/// Replaces secrets in text with `[redacted:kind]`.
#[derive(Debug, Clone)]
pub struct Redactor {
    /// Every rule's pattern, to find out in one pass which rules apply.
    any: RegexSet,
    rules: Vec<Rule>,
}

#[derive(Debug, Clone)]
struct Rule {
    kind: &'static str,
    target: Target,
    regex: Regex,
}

impl Redactor {
    /// The built-in rules plus `extra_patterns` (config
    /// `redact.patterns`), whose matches are redacted as `custom`. A
    /// pattern with a group named `secret` redacts only that group.
    pub fn new(extra_patterns: &[String]) -> Result<Redactor, RedactError> {
        let built_in = RULES.iter().map(|&(kind, target, pattern)| Rule {
            kind,
            target,
            regex: Regex::new(pattern).expect("built-in redaction patterns are valid"),
        });
        let mut rules: Vec<Rule> = built_in.collect();
        for pattern in extra_patterns {
            rules.push(custom_rule(pattern)?);
        }
        let patterns = rules.iter().map(|rule| rule.regex.as_str());
        let any = RegexSet::new(patterns).map_err(|error| RedactError::TooLarge {
            count: rules.len(),
            reason: error.to_string(),
        })?;
        Ok(Redactor { any, rules })
    }

    /// `text` with every secret replaced; borrowed when there was none.
    ///
    /// Redacting twice changes nothing more: a `[redacted:…]` marker is
    /// never taken for a secret.
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        if !self.any.is_match(text) {
            return Cow::Borrowed(text);
        }
        let mut current = Cow::Borrowed(text);
        for index in self.any.matches(text).iter() {
            if let Some(changed) = self.rules[index].apply(&current) {
                current = Cow::Owned(changed);
            }
        }
        current
    }

    /// The redacted bytes of an attachment, when they are UTF-8 text and
    /// held a secret; `None` means keep the bytes as they are.
    pub fn redact_bytes(&self, bytes: &[u8]) -> Option<Vec<u8>> {
        let text = std::str::from_utf8(bytes).ok()?;
        match self.redact(text) {
            Cow::Owned(changed) => Some(changed.into_bytes()),
            Cow::Borrowed(_) => None,
        }
    }
}

fn custom_rule(pattern: &str) -> Result<Rule, RedactError> {
    let regex = Regex::new(pattern).map_err(|error| invalid(pattern, &error))?;
    if regex.is_match("") {
        return Err(RedactError::MatchesEmpty {
            pattern: pattern.to_string(),
        });
    }
    Ok(Rule {
        kind: CUSTOM,
        target: Target::Named,
        regex,
    })
}

/// The regex crate's explanation ends with a one-line reason; the lines
/// before it repeat the pattern, which the error already quotes.
fn invalid(pattern: &str, error: &regex::Error) -> RedactError {
    let text = error.to_string();
    let last = text.lines().last().unwrap_or_default();
    RedactError::Invalid {
        pattern: pattern.to_string(),
        reason: last.trim().trim_start_matches("error: ").to_string(),
    }
}

impl Rule {
    /// The text with this rule's secrets replaced, or `None` when it
    /// found nothing new to redact.
    fn apply(&self, text: &str) -> Option<String> {
        let markers = marker_spans(text);
        let mut out = String::new();
        let mut copied = 0;
        for caps in self.regex.captures_iter(text) {
            let Some(secret) = self.secret(&caps) else {
                continue;
            };
            if secret.is_empty() || overlaps(&markers, secret.range()) {
                continue;
            }
            out.push_str(&text[copied..secret.start()]);
            push_marker(&mut out, self.kind);
            copied = secret.end();
        }
        if copied == 0 {
            return None;
        }
        out.push_str(&text[copied..]);
        Some(out)
    }

    fn secret<'t>(&self, caps: &Captures<'t>) -> Option<Match<'t>> {
        match self.target {
            Target::Whole => caps.get(0),
            Target::Group => caps.iter().skip(1).flatten().next(),
            Target::Named => caps.name("secret").or_else(|| caps.get(0)),
        }
    }
}

fn push_marker(out: &mut String, kind: &str) {
    out.push_str("[redacted:");
    out.push_str(kind);
    out.push(']');
}

/// Where earlier redactions left markers, which no rule may touch.
fn marker_spans(text: &str) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    for (start, prefix) in text.match_indices("[redacted:") {
        let kind_start = start + prefix.len();
        let kind_len = text[kind_start..]
            .bytes()
            .take_while(|b| b.is_ascii_lowercase() || *b == b'-')
            .count();
        let end = kind_start + kind_len;
        if kind_len > 0 && text[end..].starts_with(']') {
            spans.push(start..end + 1);
        }
    }
    spans
}

fn overlaps(spans: &[Range<usize>], range: Range<usize>) -> bool {
    spans
        .iter()
        .any(|span| span.start < range.end && range.start < span.end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Built once: compiling the rules dominates a debug test run.
    static BUILT_IN: std::sync::LazyLock<Redactor> =
        std::sync::LazyLock::new(|| Redactor::new(&[]).expect("built-in rules compile"));

    fn redactor() -> &'static Redactor {
        &BUILT_IN
    }

    fn redact(text: &str) -> String {
        redactor().redact(text).into_owned()
    }

    // Fake secrets shaped like the real ones; none of them was ever live.
    const DISCORD: &str =
        "MTI0NjA1MTgyNzAwMDAwMDAwMA.GxYzAb.k3Fq9dXw2Lr7Tn0Pv5Hs8Jc1Mb4Ye6Ua_Qz-Wi";
    const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJiaWxsaW5nIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ";
    const GITHUB: &str = "ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8";

    #[test]
    fn provider_tokens_in_context() {
        let cases = [
            (
                format!("bot.run(\"{DISCORD}\")"),
                "bot.run(\"[redacted:discord-token]\")",
            ),
            (
                "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE in the env".to_string(),
                "AWS_ACCESS_KEY_ID=[redacted:aws-access-key] in the env",
            ),
            (
                format!("git clone https://x:{GITHUB}@github.com/acme/billing"),
                "git clone https://x:[redacted:github-token]@github.com/acme/billing",
            ),
            (
                "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz012345 leaked"
                    .to_string(),
                "[redacted:github-token] leaked",
            ),
            (
                "SLACK_BOT_TOKEN: xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOp".to_string(),
                "SLACK_BOT_TOKEN: [redacted:slack-token]",
            ),
            (
                "stripe.api_key = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc'".to_string(),
                "stripe.api_key = '[redacted:stripe-key]'",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(redact(&input), expected, "input: {input}");
        }
    }

    #[test]
    fn webhooks_keep_their_host() {
        let slack = "posting to https://hooks.slack.com/services/T0ACME/B0BILL/XyZ123abc456 now";
        let expected = "posting to https://hooks.slack.com/services/[redacted:slack-webhook] now";
        assert_eq!(redact(slack), expected);
        let discord = "https://discord.com/api/webhooks/1246051827000000000/AbC-dEf_123";
        let expected =
            "https://discord.com/api/webhooks/1246051827000000000/[redacted:discord-webhook]";
        assert_eq!(redact(discord), expected);
    }

    #[test]
    fn jwts_and_bearer_headers_in_a_curl_command() {
        let curl = format!("curl -H 'Authorization: Bearer {JWT}' https://api.example/v1");
        let expected = "curl -H 'Authorization: Bearer [redacted:jwt]' https://api.example/v1";
        assert_eq!(redact(&curl), expected);
        let opaque = "Authorization: Bearer 0a1b2c3d4e5f6a7b8c9d0e1f2a3b";
        assert_eq!(redact(opaque), "Authorization: Bearer [redacted:bearer]");
        let prose = "the bearer authentication header was missing";
        assert_eq!(redact(prose), prose);
    }

    #[test]
    fn private_key_blocks_go_whole() {
        let paste = "key below
-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAA
QyNTUxOQAAACBmYWtl
-----END OPENSSH PRIVATE KEY-----
thanks";
        assert_eq!(redact(paste), "key below\n[redacted:private-key]\nthanks");
        let cut_off = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA";
        assert_eq!(redact(cut_off), "[redacted:private-key]");
        let public = "-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE
-----END PUBLIC KEY-----";
        assert_eq!(redact(public), public);
    }

    #[test]
    fn url_passwords_keep_scheme_user_and_host() {
        let log = "dsn=postgres://billing:s3cr3t!@orders-primary:5432/orders";
        let expected = "dsn=postgres://billing:[redacted:url-password]@orders-primary:5432/orders";
        assert_eq!(redact(log), expected);
        let no_user = "redis://:hunter2@cache:6379";
        assert_eq!(
            redact(no_user),
            "redis://:[redacted:url-password]@cache:6379"
        );
        let port_only = "https://status.example:8443/incidents";
        assert_eq!(redact(port_only), port_only);
    }

    #[test]
    fn key_value_pairs_keep_the_key() {
        let config = r#"[db]
host = orders-primary
password = "correct horse battery"
DB_PASSWD=p@ss;w0rd"#;
        let expected = r#"[db]
host = orders-primary
password = "[redacted:password]"
DB_PASSWD=[redacted:password];w0rd"#;
        assert_eq!(redact(config), expected);
        let query = "GET /callback?code=abc&access_token=ya29.a0AfH6SMB&state=xyz";
        let expected = "GET /callback?code=abc&access_token=[redacted:token]&state=xyz";
        assert_eq!(redact(query), expected);
        let django = "SECRET_KEY = 'django-insecure-0a1b2c3d'";
        assert_eq!(redact(django), "SECRET_KEY = '[redacted:secret]'");
        let header = "x-api-key: 9f8e7d6c5b4a client_secret='abc\\'def'";
        let expected = "x-api-key: [redacted:secret] client_secret='[redacted:secret]'";
        assert_eq!(redact(header), expected);
    }

    #[test]
    fn json_values_stay_valid_json() {
        let json = r#"{
            "user": "svc-billing",
            "password": "hunter2",
            "aws_secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "retries": 3
        }"#;
        let out = redact(json);
        let value: serde_json::Value = serde_json::from_str(&out).expect("still JSON");
        assert_eq!(value["password"], "[redacted:password]");
        assert_eq!(value["aws_secret_access_key"], "[redacted:aws-secret-key]");
        assert_eq!(value["user"], "svc-billing");
    }

    #[test]
    fn incident_chatter_is_left_alone() {
        let text = "\
02:15:10 WARN retry.wrapper stage=invoice-generation attempt=2 starting (segments 7-12)
04:36:02 ALERT recon.invoice affected segments: 7,8,9,10,11,12 · run_id=2026-06-03T02:00
dup key is (order_ref, run_id); see batch-billing#498 and INC-2417
message 1246051827000000000 in <#1246051827000000001>, trace 3f2b8c1e-9a4d-4e7b-b1c2-5d6e7f8a9b0c
fix in 9fceb02d0ae598e95dc970b74767f19372d61af8, token bucket at 80%, idempotency key missing
/action add text:Add idempotency key owner:@mtanaka due:2026-06-12 ref:batch-billing#498";
        assert!(matches!(redactor().redact(text), Cow::Borrowed(_)));
    }

    #[test]
    fn redacting_twice_changes_nothing() {
        let text = format!("token={GITHUB} password=\"a b\" {JWT} Bearer {DISCORD}");
        let once = redact(&text);
        assert_eq!(redact(&once), once);
        assert!(matches!(redactor().redact(&once), Cow::Borrowed(_)));
        let expected = concat!(
            "token=[redacted:github-token] password=\"[redacted:password]\" ",
            "[redacted:jwt] Bearer [redacted:discord-token]",
        );
        assert_eq!(once, expected);
    }

    #[test]
    fn custom_patterns_redact_their_match_or_their_secret_group() {
        let patterns = [
            r"ACME-[0-9]{6}".to_string(),
            r"vault:(?P<secret>[a-z0-9]{8})".to_string(),
        ];
        let redactor = Redactor::new(&patterns).expect("valid patterns");
        let out = redactor.redact("ticket ACME-123456 read vault:ab12cd34 ok");
        assert_eq!(
            out,
            "ticket [redacted:custom] read vault:[redacted:custom] ok"
        );
        assert_eq!(redactor.redact(&out), out);
    }

    #[test]
    fn a_bad_pattern_names_the_pattern_and_the_fix() {
        let error = Redactor::new(&["(unclosed".to_string()]).expect_err("invalid");
        let text = error.to_string();
        assert!(
            text.starts_with("redaction pattern \"(unclosed\" is not a valid"),
            "{text}"
        );
        assert!(text.contains("unclosed group"), "{text}");
        assert!(text.ends_with("remove it from redact.patterns"), "{text}");
        assert!(!text.contains('\n'), "{text}");
        let error = Redactor::new(&["x*".to_string()]).expect_err("matches empty");
        assert!(matches!(error, RedactError::MatchesEmpty { .. }));
    }

    #[test]
    fn bytes_are_redacted_only_when_text_held_a_secret() {
        let redactor = redactor();
        let log = format!("02:14:52 ERROR auth token={GITHUB}\n");
        let out = redactor.redact_bytes(log.as_bytes()).expect("redacted");
        assert_eq!(out, b"02:14:52 ERROR auth token=[redacted:github-token]\n");
        assert_eq!(redactor.redact_bytes(b"02:14:52 INFO all clean\n"), None);
        assert_eq!(redactor.redact_bytes(&[0xff, 0xd8, 0xff, 0xe0]), None);
    }

    /// Each kind's secret as a generator, and the context it appears in.
    fn secrets() -> impl Strategy<Value = (String, String)> {
        let shaped = |pattern: &'static str, context: &'static str| {
            pattern.prop_map(move |secret| (context.replace("{}", &secret), secret))
        };
        prop_oneof![
            shaped(
                "[MNO][A-Za-z0-9_-]{23,27}\\.[A-Za-z0-9_-]{6}\\.[A-Za-z0-9_-]{27,38}",
                "{}"
            ),
            shaped("(AKIA|ASIA)[A-Z0-9]{16}", "{}"),
            shaped("[A-Za-z0-9/+]{40}", "aws_secret_access_key = {}"),
            shaped("gh[pousr]_[A-Za-z0-9]{36}", "{}"),
            shaped("github_pat_[A-Za-z0-9_]{22,82}", "{}"),
            shaped("xox[abposr]-[0-9]{10,12}-[A-Za-z0-9]{24}", "{}"),
            shaped(
                "[A-Za-z0-9]{24}",
                "https://hooks.slack.com/services/T01/B02/{}"
            ),
            shaped("(sk|rk)_(live|test)_[A-Za-z0-9]{24}", "{}"),
            shaped(
                "eyJ[A-Za-z0-9_-]{10,40}\\.eyJ[A-Za-z0-9_-]{10,60}\\.[A-Za-z0-9_-]{20,43}",
                "{}"
            ),
            shaped("[A-Za-z0-9._~+/-]{20,60}", "Authorization: Bearer {}"),
            shaped(
                "[A-Za-z0-9][A-Za-z0-9/+]{62}[A-Za-z0-9]",
                "-----BEGIN EC PRIVATE KEY-----\n{}\n-----END EC PRIVATE KEY-----"
            ),
            shaped("[A-Za-z0-9!$%*+]{8,20}", "mysql://app:{}@db.internal/app"),
            shaped("[A-Za-z0-9!$%*+]{6,20}", "password={}"),
            shaped("[A-Za-z0-9!$%*+]{6,20}", "\"refresh_token\": \"{}\""),
            shaped("[A-Za-z0-9!$%*+]{6,20}", "client_secret: {}"),
        ]
    }

    /// Secrets and their surroundings jumbled together, to look for text
    /// that a second pass would redact further.
    fn soup() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("password=".to_string()),
            Just("token: ".to_string()),
            Just("Bearer ".to_string()),
            Just("https://u:".to_string()),
            Just("@h/".to_string()),
            Just("[redacted:".to_string()),
            Just("]".to_string()),
            Just("\"".to_string()),
            Just("-----BEGIN RSA PRIVATE KEY-----".to_string()),
            Just(GITHUB.to_string()),
            Just(JWT.to_string()),
            Just(DISCORD.to_string()),
            "[ a-zA-Z0-9_.:=/@-]{0,12}",
        ];
        prop::collection::vec(piece, 0..16).prop_map(|p| p.concat())
    }

    proptest! {
        #[test]
        fn generated_secrets_never_survive(
            (context, secret) in secrets(),
            before in "[a-z ]{0,20}",
            after in "[a-z ]{0,20}",
        ) {
            let text = format!("{before} {context} {after}");
            let out = redact(&text);
            prop_assert!(!out.contains(&secret), "{} survived in {}", secret, out);
            prop_assert!(out.contains("[redacted:"));
        }

        #[test]
        fn redaction_is_idempotent(text in soup()) {
            let once = redact(&text);
            prop_assert_eq!(redact(&once), once);
        }

        #[test]
        fn arbitrary_text_is_idempotent(text in any::<String>()) {
            let once = redact(&text);
            prop_assert_eq!(redact(&once), once);
        }
    }
}
