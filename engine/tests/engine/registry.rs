//! Pushes: tags in the registry, anonymous registries, two accounts on one
//! domain, refusals.

use std::time::{Duration, Instant};

use kiln_domain::ImageRegistry;
use kiln_testkit::Registry;

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ui_build_pushes_every_tag_with_the_image_tag_postfix() {
    let h = Harness::new().await;
    let registry = Registry::start(Some(("kiln", "reg-pass-81d2")))
        .await
        .expect("registry");
    let mut config = ui_config(&format!("FROM {BASE}\nRUN echo pushed > /pushed\n"));
    config.image_name = "app".to_string();
    config.image_tag = "aarch64".to_string();
    config.image_registry = vec![ImageRegistry {
        domain: registry.addr().to_string(),
        account: "kiln".to_string(),
        organization: String::new(),
    }];
    let mut job = h.job("push", config);
    job.registry_accounts = vec![registry_account(registry.addr(), "kiln", "reg-pass-81d2")];
    let recorder = Recorder::new();
    let output = success(run(job, &recorder).await);

    assert_eq!(
        stage_names(&output.stages),
        ["Write Dockerfile", "Docker Build", "Tag", "Push"]
    );
    let tags = registry.tags("kiln/app").await.expect("tags");
    assert_eq!(
        tags,
        [
            "1-aarch64",
            "1.2-aarch64",
            "1.2.3-aarch64",
            "aarch64",
            "latest-aarch64"
        ]
    );
    let [pushed] = output.pushed.as_slice() else {
        panic!("one registry path: {:?}", output.pushed)
    };
    assert_eq!(pushed.domain, registry.addr());
    assert_eq!(pushed.image, format!("{}/kiln/app", registry.addr()));
    assert_eq!(
        pushed.tags,
        [
            "aarch64",
            "latest-aarch64",
            "1.2.3-aarch64",
            "1.2-aarch64",
            "1-aarch64"
        ]
    );
    for tag in &pushed.tags {
        let digest = registry
            .manifest_digest("kiln/app", tag)
            .await
            .expect("digest");
        assert_eq!(digest.as_deref(), Some(pushed.digest.as_str()), "{tag}");
    }
    assert!(!recorder.all_text().contains("reg-pass-81d2"));
    h.assert_work_root_empty();
    h.remove_output(&output).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anonymous_registry_gets_the_bare_image_name() {
    let h = Harness::new().await;
    let registry = Registry::start(None).await.expect("registry");
    let mut config = ui_config(&format!("FROM {BASE}\nLABEL anonymous=yes\n"));
    config.image_name = "open".to_string();
    config.include_version_tags = false;
    config.image_registry = vec![ImageRegistry {
        domain: registry.addr().to_string(),
        ..ImageRegistry::default()
    }];
    let recorder = Recorder::new();
    let output = success(run(h.job("anonymous", config), &recorder).await);

    assert_eq!(registry.tags("open").await.expect("tags"), ["latest"]);
    assert_eq!(output.pushed[0].image, format!("{}/open", registry.addr()));
    assert!(stage(&output.stages, "Push")
        .command
        .contains("anonymously"));
    h.remove_output(&output).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_accounts_on_one_registry_domain_each_push_their_path() {
    let h = Harness::new().await;
    let registry = Registry::start(Some(("alice", "alice-pass-3a")))
        .await
        .expect("registry");
    add_registry_user(&registry, "bob", "bob-pass-7c").await;
    let domain = registry.addr().to_string();
    let mut config = ui_config(&format!("FROM {BASE}\nLABEL shared=yes\n"));
    config.image_name = "svc".to_string();
    config.include_version_tags = false;
    config.image_registry = ["alice", "bob"]
        .iter()
        .map(|account| ImageRegistry {
            domain: domain.clone(),
            account: account.to_string(),
            organization: String::new(),
        })
        .collect();
    let mut job = h.job("two-accounts", config);
    job.registry_accounts = vec![
        registry_account(&domain, "alice", "alice-pass-3a"),
        registry_account(&domain, "bob", "bob-pass-7c"),
    ];
    let recorder = Recorder::new();
    let output = success(run(job, &recorder).await);

    assert_eq!(registry.tags("alice/svc").await.expect("tags"), ["latest"]);
    assert_eq!(registry.tags("bob/svc").await.expect("tags"), ["latest"]);
    let pushes: Vec<&str> = output
        .stages
        .iter()
        .filter(|s| s.stage == "Push")
        .map(|s| s.command.as_str())
        .collect();
    assert_eq!(pushes.len(), 2);
    assert!(
        pushes[0].contains("/alice/svc") && pushes[0].ends_with("as alice"),
        "{pushes:?}"
    );
    assert!(
        pushes[1].contains("/bob/svc") && pushes[1].ends_with("as bob"),
        "{pushes:?}"
    );
    h.remove_output(&output).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registry_refusing_the_push_fails_with_a_clear_redacted_message() {
    let h = Harness::new().await;
    let registry = Registry::start(Some(("kiln", "right-pass")))
        .await
        .expect("registry");
    let mut config = ui_config(&format!("FROM {BASE}\nLABEL refused=yes\n"));
    config.image_name = "refused".to_string();
    config.image_registry = vec![ImageRegistry {
        domain: registry.addr().to_string(),
        account: "kiln".to_string(),
        organization: String::new(),
    }];
    let mut job = h.job("refused", config);
    job.registry_accounts = vec![registry_account(registry.addr(), "kiln", "wrong-pass-e4")];
    let recorder = Recorder::new();
    let (error, stages) = failure(run(job, &recorder).await);

    assert!(
        error.contains("the registry refused the push of")
            && error.contains(&format!("{}/kiln/refused:", registry.addr()))
            && error.contains("as kiln"),
        "{error}"
    );
    assert!(!error.contains("wrong-pass-e4") && !recorder.all_text().contains("wrong-pass-e4"));
    let push = stage(&stages, "Push");
    assert!(!push.success);
    assert!(registry
        .tags("kiln/refused")
        .await
        .expect("tags")
        .is_empty());
    h.assert_work_root_empty();
    let tagged: Vec<String> = ["latest", "1.2.3", "1.2", "1"]
        .iter()
        .map(|tag| format!("{}/kiln/refused:{tag}", registry.addr()))
        .collect();
    h.remove_refs(&tagged).await;
}

/// kiln-testkit's `Registry` takes one user. docker-registry re-reads its
/// htpasswd file when it changes, and the testkit keeps that file in the
/// registry's working directory: add a second user there.
async fn add_registry_user(registry: &Registry, user: &str, password: &str) {
    let htpasswd = std::fs::read_link(format!("/proc/{}/cwd", registry.pid()))
        .expect("the registry's working directory")
        .join("htpasswd");
    assert!(
        htpasswd.exists(),
        "testkit layout changed: no {}",
        htpasswd.display()
    );
    let status = std::process::Command::new("htpasswd")
        .args(["-Bb"])
        .arg(&htpasswd)
        .args([user, password])
        .stderr(std::process::Stdio::null())
        .status()
        .expect("htpasswd");
    assert!(status.success());
    let client = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let response = client
            .get(format!("{}/v2/", registry.url()))
            .basic_auth(user, Some(password))
            .send()
            .await
            .expect("GET /v2/");
        if response.status() == 200 {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the registry never accepted {user}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
