//! The page: the template, its one stylesheet and one script, and the
//! Content-Security-Policy that allows exactly those two and nothing
//! from anywhere else.

use std::sync::OnceLock;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use minijinja::syntax::SyntaxConfig;
use minijinja::value::Serde;
use minijinja::{Environment, ErrorKind, UndefinedBehavior, Value, context};
use sha2::{Digest, Sha256};

use super::view::View;

/// The record's template. Its name ends in `.html`, which is what turns
/// on minijinja's HTML auto-escaping.
const TEMPLATE_NAME: &str = "record.html";
const TEMPLATE: &str = include_str!("../../templates/record.html");

/// The text of the page's one `<style>` element, hashed into the CSP.
pub const STYLE: &str = include_str!("../../templates/record.css");

/// The text of the page's one executable `<script>` element.
pub const SCRIPT: &str = include_str!("../../templates/record.js");

/// The template environment, built once: the template is part of the
/// binary, so a fault in it is the same fault on every render.
fn environment() -> Result<&'static Environment<'static>, minijinja::Error> {
    static ENV: OnceLock<Result<Environment<'static>, String>> = OnceLock::new();
    let built = ENV.get_or_init(|| build_environment().map_err(|e| format!("{e:#}")));
    built
        .as_ref()
        .map_err(|text| minijinja::Error::new(ErrorKind::SyntaxError, text.clone()))
}

fn build_environment() -> Result<Environment<'static>, minijinja::Error> {
    let mut env = Environment::new();
    let syntax = SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .build()?;
    env.set_syntax(syntax);
    // A misspelt field in the template fails the render instead of
    // printing nothing.
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.add_template(TEMPLATE_NAME, TEMPLATE)?;
    Ok(env)
}

/// The policy the page carries: only the inline style and script whose
/// hashes it names run, images only from `data:` URLs, nothing fetched.
pub fn content_security_policy() -> String {
    format!(
        "default-src 'none'; script-src '{}'; style-src '{}'; img-src data:; \
         base-uri 'none'; form-action 'none'; object-src 'none'",
        sha256_source(SCRIPT),
        sha256_source(STYLE)
    )
}

/// A CSP hash source: `sha256-` and the base64 digest of the exact text.
pub fn sha256_source(text: &str) -> String {
    format!(
        "sha256-{}",
        STANDARD.encode(Sha256::digest(text.as_bytes()))
    )
}

/// Lays out `view` with `archive` (already escaped for a script block)
/// as the page's data block.
pub fn page(view: &View, archive: &str) -> Result<String, minijinja::Error> {
    let template = environment()?.get_template(TEMPLATE_NAME)?;
    // Only our own text is marked safe: the policy and the style and
    // script (fixed at build time), and the archive, whose escaping
    // leaves no `<` in it.
    template.render(context! {
        csp => Value::from_safe_string(content_security_policy()),
        style => Value::from_safe_string(STYLE.to_string()),
        script => Value::from_safe_string(SCRIPT.to_string()),
        archive => Value::from_safe_string(archive.to_string()),
        v => Value::from(Serde(view)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_compiles() {
        assert!(environment().is_ok(), "{:?}", environment().err());
    }

    #[test]
    fn style_and_script_cannot_close_their_elements() {
        assert!(!STYLE.to_ascii_lowercase().contains("</style"));
        assert!(!SCRIPT.to_ascii_lowercase().contains("</script"));
        assert!(!SCRIPT.contains("innerHTML") && !SCRIPT.contains("eval("));
    }

    #[test]
    fn hash_sources_are_base64_sha256() {
        // The digest of the empty string, a fixed point worth pinning.
        assert_eq!(
            sha256_source(""),
            "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
        );
    }
}
