//! The few fields Kiln reads from push payloads. GitHub, Gitea, Forgejo
//! and GitLab agree on `ref` and `after`; the pushed commit of a tag is
//! GitLab's `checkout_sha` or GitHub's and Gitea's `head_commit.id` (for an
//! annotated tag `after` is the tag object, not the commit).

use serde_json::Value;

/// What a push payload says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Push {
    /// `refs/heads/<branch>` or `refs/tags/<tag>`; None for events without
    /// a ref, like GitHub's ping.
    pub git_ref: Option<String>,
    /// The ref was deleted (nothing to build).
    pub deleted: bool,
    /// The commit the ref now points at, when the payload names one.
    pub commit: Option<String>,
}

/// Reads a JSON payload; the error says what is wrong with it.
pub fn read(body: &[u8]) -> Result<Push, String> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        format!("the payload is not JSON ({e}); set the webhook's content type to application/json")
    })?;
    if !value.is_object() {
        return Err("the payload is not a JSON object".to_string());
    }
    let text = |v: &Value| v.as_str().map(str::to_string);
    let after = value.get("after").and_then(text);
    let deleted = value.get("deleted").and_then(Value::as_bool) == Some(true)
        || after.as_deref().is_some_and(is_zero_hash);
    let commit = [
        value.get("checkout_sha").and_then(text),
        value
            .get("head_commit")
            .and_then(|c| c.get("id"))
            .and_then(text),
        after,
    ]
    .into_iter()
    .flatten()
    .find(|sha| is_hash(sha) && !is_zero_hash(sha));
    Ok(Push {
        git_ref: value.get("ref").and_then(text),
        deleted,
        commit,
    })
}

/// A full SHA-1 or SHA-256 object name.
fn is_hash(text: &str) -> bool {
    (text.len() == 40 || text.len() == 64) && text.bytes().all(|b| b.is_ascii_hexdigit())
}

fn is_zero_hash(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b == b'0')
}

#[cfg(test)]
mod tests {
    use super::*;

    const COMMIT: &str = "9fceb02d0ae598e95dc970b74767f19372d61af8";
    const TAG_OBJECT: &str = "1111111111111111111111111111111111111111";

    #[test]
    fn github_annotated_tag_uses_head_commit_not_the_tag_object() {
        let body = format!(
            r#"{{"ref":"refs/tags/v1.0.0","after":"{TAG_OBJECT}","head_commit":{{"id":"{COMMIT}"}}}}"#
        );
        let push = read(body.as_bytes()).unwrap();
        assert_eq!(push.git_ref.as_deref(), Some("refs/tags/v1.0.0"));
        assert_eq!(push.commit.as_deref(), Some(COMMIT));
        assert!(!push.deleted);
    }

    #[test]
    fn gitlab_checkout_sha_wins() {
        let body = format!(
            r#"{{"object_kind":"tag_push","ref":"refs/tags/v1","after":"{TAG_OBJECT}","checkout_sha":"{COMMIT}"}}"#
        );
        assert_eq!(
            read(body.as_bytes()).unwrap().commit.as_deref(),
            Some(COMMIT)
        );
    }

    #[test]
    fn deletions_pings_and_garbage() {
        let zero = "0".repeat(40);
        let body = format!(r#"{{"ref":"refs/heads/main","after":"{zero}","checkout_sha":null}}"#);
        let push = read(body.as_bytes()).unwrap();
        assert!(push.deleted);
        assert_eq!(push.commit, None);
        let ping = read(br#"{"zen":"Design for failure.","hook_id":1}"#).unwrap();
        assert_eq!(ping.git_ref, None);
        assert!(read(b"payload=%7B%7D")
            .unwrap_err()
            .contains("application/json"));
        assert!(read(b"[1]").unwrap_err().contains("not a JSON object"));
        let odd = read(br#"{"ref":"refs/heads/x","after":"HEAD~1"}"#).unwrap();
        assert_eq!(odd.commit, None, "only full hashes are taken");
    }
}
