//! What Scribe says back, kept inside Discord's limits.

/// Discord refuses message content longer than this.
pub const CONTENT_MAX: usize = 2000;

/// `text` cut to Discord's content limit, with an ellipsis when cut.
pub fn fit(text: &str) -> String {
    if text.chars().count() <= CONTENT_MAX {
        return text.to_string();
    }
    let mut short: String = text.chars().take(CONTENT_MAX - 1).collect();
    short.push('…');
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_replies_are_cut_to_the_limit() {
        assert_eq!(fit("Phase → mitigate"), "Phase → mitigate");
        let long = "é".repeat(2500);
        let cut = fit(&long);
        assert_eq!(cut.chars().count(), CONTENT_MAX);
        assert!(cut.ends_with('…'));
    }
}
