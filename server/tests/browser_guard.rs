//! The browser cannot be turned against Kiln: foreign `Host` names get 421
//! (DNS rebinding), forwarded headers count only from trusted proxies,
//! form-encoded bodies never reach the API, answers carry a
//! Content-Security-Policy and friends, and quick links are web links only.

mod support;

use kiln_testkit::kiln::KilnServer;
use reqwest::blocking::Client;
use serde_json::{json, Value};
use support::kiln_bin;

fn build_names(server: &KilnServer) -> Vec<String> {
    let builds: Value = server
        .http_blocking()
        .get(format!("{}/api/v1/builds", server.url()))
        .send()
        .unwrap()
        .json()
        .unwrap();
    builds
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|b| b["name"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn a_foreign_host_name_reaches_nothing() {
    let server = KilnServer::start(kiln_bin(), &[("KILN_PUBLIC_URL", "http://kiln.test")])
        .expect("kiln serves");
    let admin = server.http_blocking();
    let url = |path: &str| format!("{}{path}", server.url());
    for host in ["attacker.example", "attacker.example:80", "127.0.0.2:1"] {
        let page = admin.get(url("/")).header("host", host).send().unwrap();
        assert_eq!(page.status(), 421, "{host}");
        let created = admin
            .post(url("/api/v1/builds"))
            .header("host", host)
            .json(&json!({"name": "rebound"}))
            .send()
            .unwrap();
        assert_eq!(created.status(), 421, "{host}");
        let body: Value = created.json().unwrap();
        assert!(
            body["error"]
                .as_str()
                .unwrap()
                .contains("KILN_ALLOWED_HOSTS"),
            "{body}"
        );
    }
    assert!(
        build_names(&server).is_empty(),
        "a foreign Host changed something"
    );
    // Its own names answer: the bound address, localhost, KILN_PUBLIC_URL's host.
    let port = server.url().rsplit(':').next().unwrap().to_string();
    for host in [format!("localhost:{port}"), "kiln.test".to_string()] {
        let health = admin
            .get(url("/api/v1/health"))
            .header("host", &host)
            .send()
            .unwrap();
        assert_eq!(health.status(), 200, "{host}");
    }
}

#[test]
fn pages_and_answers_carry_security_headers() {
    let server = KilnServer::start(kiln_bin(), &[]).expect("kiln serves");
    let admin = server.http_blocking();
    let page = admin
        .get(format!("{}/", server.url()))
        .header("accept", "text/html")
        .send()
        .unwrap();
    assert_eq!(page.status(), 200);
    let headers = page.headers().clone();
    let html = page.text().unwrap();
    let policy = headers["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        policy.contains("frame-ancestors 'none'") && policy.contains("default-src 'self'"),
        "{policy}"
    );
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a script nonce");
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the hydration script carries the nonce"
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["referrer-policy"], "same-origin");
    let api = admin
        .get(format!("{}/api/v1/builds", server.url()))
        .send()
        .unwrap();
    assert_eq!(
        api.headers()["content-security-policy"],
        "default-src 'none'; frame-ancestors 'none'"
    );
    assert_eq!(api.headers()["x-content-type-options"], "nosniff");
}

#[test]
fn form_bodies_never_reach_the_api() {
    let server = KilnServer::start(kiln_bin(), &[]).expect("kiln serves");
    let admin = server.http_blocking();
    for content_type in [
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "text/plain",
    ] {
        let sync = admin
            .post(format!("{}/api/v1/sync", server.url()))
            .header("content-type", content_type)
            .body("[[build]]\nname = \"planted\"\n")
            .send()
            .unwrap();
        assert_eq!(sync.status(), 415, "{content_type}");
    }
    assert!(build_names(&server).is_empty());
    let toml = admin
        .post(format!("{}/api/v1/sync", server.url()))
        .header("content-type", "application/toml")
        .body("[[build]]\nname = \"filed\"\n")
        .send()
        .unwrap();
    assert_eq!(toml.status(), 200);
    assert_eq!(build_names(&server), ["filed"]);
}

#[test]
fn forwarded_headers_count_only_from_trusted_proxies() {
    let direct = KilnServer::start(kiln_bin(), &[]).expect("kiln serves");
    let proxied = KilnServer::start(kiln_bin(), &[("KILN_TRUSTED_PROXIES", "127.0.0.1")])
        .expect("kiln serves");
    for server in [&direct, &proxied] {
        let made = server
            .http_blocking()
            .post(format!("{}/api/v1/builds", server.url()))
            .json(&json!({"name": "hooked", "config": {"webhook_enabled": true}}))
            .send()
            .unwrap();
        assert_eq!(made.status(), 201);
    }
    let page = |server: &KilnServer| {
        server
            .http_blocking()
            .get(format!("{}/builds/hooked", server.url()))
            .header("accept", "text/html")
            .header("x-forwarded-host", "proxy.example")
            .header("x-forwarded-proto", "https")
            .send()
            .unwrap()
            .text()
            .unwrap()
    };
    let html = page(&direct);
    assert!(
        !html.contains("proxy.example"),
        "an untrusted X-Forwarded-Host was shown"
    );
    assert!(
        html.contains(&format!("{}/listener/", direct.url())),
        "webhook URLs use the request's host"
    );
    assert!(page(&proxied).contains("https://proxy.example/listener/"));

    // Login limits count the forwarded client behind a trusted proxy.
    let login = |server: &KilnServer, client: &str| {
        Client::builder()
            .no_proxy()
            .build()
            .unwrap()
            .post(format!("{}/api/v1/login", server.url()))
            .header("x-forwarded-for", client)
            .json(&json!({"username": format!("u-{client}-{}", rand_suffix()), "password": "wrong-password"}))
            .send()
            .unwrap()
            .status()
            .as_u16()
    };
    for _ in 0..20 {
        assert_eq!(login(&proxied, "10.0.0.1"), 401);
    }
    assert_eq!(
        login(&proxied, "10.0.0.1"),
        429,
        "the forwarded client is limited"
    );
    assert_eq!(
        login(&proxied, "10.0.0.2"),
        401,
        "another client behind the proxy is not"
    );
    for _ in 0..20 {
        login(&direct, "10.0.0.1");
    }
    assert_eq!(
        login(&direct, "10.0.0.9"),
        429,
        "without trust, the peer is the client"
    );
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

#[test]
fn quick_links_are_web_links_only() {
    let server = KilnServer::start(kiln_bin(), &[]).expect("kiln serves");
    for link in [
        "javascript:alert(document.cookie)",
        "data:text/html,x",
        "/relative",
        "https://",
    ] {
        let made = server
            .http_blocking()
            .post(format!("{}/api/v1/builds", server.url()))
            .json(&json!({"name": "linked", "config": {"links": [link]}}))
            .send()
            .unwrap();
        assert_eq!(made.status(), 422, "{link}");
        let body: Value = made.json().unwrap();
        assert!(
            body["error"].as_str().unwrap().contains("config.links[0]"),
            "{body}"
        );
    }
    let made = server
        .http_blocking()
        .post(format!("{}/api/v1/builds", server.url()))
        .json(&json!({"name": "linked", "config": {"links": ["https://grafana.example/d/api"]}}))
        .send()
        .unwrap();
    assert_eq!(made.status(), 201);
}
