//! Durations, ages and digests as people read them.

/// `850 ms`, `12.3 s`, `4 min 05 s`, `2 h 03 min`.
pub fn fmt_duration(ms: i64) -> String {
    let ms = ms.max(0);
    if ms < 1_000 {
        return format!("{ms} ms");
    }
    if ms < 60_000 {
        return format!("{}.{} s", ms / 1_000, (ms % 1_000) / 100);
    }
    let secs = ms / 1_000;
    if secs < 3_600 {
        return format!("{} min {:02} s", secs / 60, secs % 60);
    }
    format!("{} h {:02} min", secs / 3_600, (secs % 3_600) / 60)
}

/// `just now`, `5 s ago`, `3 min ago`, `2 h ago`, `4 d ago`.
pub fn fmt_age(now_ms: i64, then_ms: i64) -> String {
    let secs = (now_ms - then_ms).max(0) / 1_000;
    match secs {
        0..=1 => "just now".to_string(),
        2..=59 => format!("{secs} s ago"),
        60..=3_599 => format!("{} min ago", secs / 60),
        3_600..=86_399 => format!("{} h ago", secs / 3_600),
        _ => format!("{} d ago", secs / 86_400),
    }
}

/// `sha256:0123456789ab` (algorithm and the first 12 hex digits).
pub fn short_digest(digest: &str) -> String {
    match digest.split_once(':') {
        Some((algo, hex)) => format!("{algo}:{}", &hex[..hex.len().min(12)]),
        None => digest.chars().take(19).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_pick_a_readable_unit() {
        assert_eq!(fmt_duration(850), "850 ms");
        assert_eq!(fmt_duration(12_345), "12.3 s");
        assert_eq!(fmt_duration(245_000), "4 min 05 s");
        assert_eq!(fmt_duration(7_380_000), "2 h 03 min");
        assert_eq!(fmt_duration(-5), "0 ms");
    }

    #[test]
    fn ages_round_down() {
        assert_eq!(fmt_age(10_000, 9_500), "just now");
        assert_eq!(fmt_age(10_000, 0), "10 s ago");
        assert_eq!(fmt_age(200_000, 0), "3 min ago");
        assert_eq!(fmt_age(7_300_000, 0), "2 h ago");
        assert_eq!(fmt_age(3 * 86_400_000, 0), "3 d ago");
    }

    #[test]
    fn digests_are_shortened() {
        assert_eq!(
            short_digest("sha256:0123456789abcdef0123"),
            "sha256:0123456789ab"
        );
        assert_eq!(short_digest(""), "");
    }
}
