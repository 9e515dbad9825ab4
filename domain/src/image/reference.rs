//! Docker's reference grammar for repository names, registry hosts and tags
//! (the rules of `distribution/reference`), with messages that say what is
//! wrong instead of "invalid reference format".

/// Longest repository name Docker accepts, registry host included.
pub const MAX_NAME_LEN: usize = 255;
/// Longest tag Docker accepts.
pub const MAX_TAG_LEN: usize = 128;

/// Checks a repository path: an optional registry host (`host[:port]`,
/// recognised by a `.` or `:` or by being `localhost`) then lowercase path
/// components `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*` separated by `/`, at most
/// 255 characters in all.
pub fn validate_repository(path: &str) -> Result<(), String> {
    repository_reason(path).map_or(Ok(()), |reason| {
        Err(format!("'{path}' is not a valid image name: {reason}"))
    })
}

/// Checks a tag: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`.
pub fn validate_tag(tag: &str) -> Result<(), String> {
    tag_reason(tag).map_or(Ok(()), |reason| {
        Err(format!("'{tag}' is not a valid image tag: {reason}"))
    })
}

/// Checks a registry host as written in `image_registry.domain`:
/// `host[:port]`, where host is a DNS name, an IPv4 address or `[IPv6]`.
pub(crate) fn validate_registry_host(host: &str) -> Result<(), String> {
    registry_host_reason(host).map_or(Ok(()), |reason| {
        Err(format!("'{host}' is not a valid registry host: {reason}"))
    })
}

/// Checks one path component (an organization or account placed in the path).
pub(crate) fn component_reason(component: &str) -> Option<String> {
    if component.contains('/') {
        return Some("'/' is not allowed here".to_string());
    }
    path_reason(component)
}

fn repository_reason(path: &str) -> Option<String> {
    if path.is_empty() {
        return Some("it is empty".to_string());
    }
    if path.len() > MAX_NAME_LEN {
        return Some(format!("it is longer than {MAX_NAME_LEN} characters"));
    }
    if let Some((first, rest)) = path.split_once('/') {
        if first.contains(['.', ':']) || first == "localhost" {
            if let Some(reason) = host_reason(first) {
                return Some(format!("registry host '{first}': {reason}"));
            }
            return path_reason(rest);
        }
    }
    path_reason(path)
}

fn path_reason(path: &str) -> Option<String> {
    if let Some(reason) = char_reason(path) {
        return Some(reason);
    }
    path.split('/').find_map(path_component_reason)
}

fn char_reason(path: &str) -> Option<String> {
    let upper = path.chars().any(char::is_uppercase);
    let space = path.chars().any(char::is_whitespace);
    match (upper, space) {
        (true, true) => return Some("uppercase letters and spaces are not allowed".to_string()),
        (true, false) => return Some("uppercase letters are not allowed".to_string()),
        (false, true) => return Some("spaces are not allowed".to_string()),
        (false, false) => {}
    }
    let bad = path.chars().find(|c| {
        !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-' | '/'))
    })?;
    Some(match bad {
        ':' => "':' is not allowed (the tag is set separately, with image_tag)".to_string(),
        '@' => "'@' is not allowed (digests are not part of the name)".to_string(),
        c => format!("'{c}' is not allowed; use lowercase letters, digits, '.', '_', '-' and '/'"),
    })
}

fn path_component_reason(component: &str) -> Option<String> {
    if component.is_empty() {
        return Some("empty path component (leading, trailing or double '/')".to_string());
    }
    let alnum = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    if !component.starts_with(alnum) {
        return Some(format!(
            "'{component}' must start with a lowercase letter or digit"
        ));
    }
    if !component.ends_with(alnum) {
        return Some(format!(
            "'{component}' must end with a lowercase letter or digit"
        ));
    }
    component
        .split(alnum)
        .filter(|run| !run.is_empty())
        .find(|run| !matches!(*run, "." | "_" | "__") && !run.chars().all(|c| c == '-'))
        .map(|run| {
            format!("'{component}' has '{run}' between letters; only '.', '_', '__' or dashes may separate them")
        })
}

fn registry_host_reason(host: &str) -> Option<String> {
    if host.is_empty() {
        return Some("it is empty".to_string());
    }
    if host.contains("://") {
        return Some("leave out the scheme (https://)".to_string());
    }
    if host.contains('/') {
        return Some(
            "a registry host has no '/'; put the path in organization or image_name".to_string(),
        );
    }
    host_reason(host)
}

fn host_reason(host: &str) -> Option<String> {
    let (name, port) = split_port(host);
    if let Some(port) = port {
        if port.is_empty()
            || !port.chars().all(|c| c.is_ascii_digit())
            || port.parse::<u16>().is_err()
        {
            return Some(format!("port '{port}' is not a number from 0 to 65535"));
        }
    }
    if let Some(inner) = name.strip_prefix('[') {
        let ok = inner.strip_suffix(']').is_some_and(|addr| {
            !addr.is_empty()
                && addr.contains(':')
                && addr
                    .chars()
                    .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
        });
        return (!ok).then(|| format!("'{name}' is not a valid [IPv6] address"));
    }
    if name.is_empty() {
        return Some("the host name is empty".to_string());
    }
    name.split('.').find_map(|label| {
        if label.is_empty() {
            Some(format!(
                "'{name}' has an empty label (two dots in a row, or a leading or trailing dot)"
            ))
        } else if let Some(c) = label
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
        {
            Some(format!("'{c}' is not allowed in a host name"))
        } else if label.starts_with('-') || label.ends_with('-') {
            Some(format!("'{label}' must not start or end with '-'"))
        } else {
            None
        }
    })
}

/// Splits `host:port`, leaving `[v6]` addresses intact.
fn split_port(host: &str) -> (&str, Option<&str>) {
    if host.starts_with('[') {
        return match host.rfind("]:") {
            Some(end) => (&host[..=end], Some(&host[end + 2..])),
            None => (host, None),
        };
    }
    match host.split_once(':') {
        Some((name, port)) => (name, Some(port)),
        None => (host, None),
    }
}

fn tag_reason(tag: &str) -> Option<String> {
    if tag.is_empty() {
        return Some("it is empty".to_string());
    }
    if tag.len() > MAX_TAG_LEN {
        return Some(format!("it is longer than {MAX_TAG_LEN} characters"));
    }
    if let Some(c) = tag
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
    {
        return Some(if c.is_whitespace() {
            "spaces are not allowed".to_string()
        } else {
            format!("'{c}' is not allowed; use letters, digits, '_', '.' and '-'")
        });
    }
    if tag.starts_with(['.', '-']) {
        return Some("it must not start with '.' or '-'".to_string());
    }
    None
}
