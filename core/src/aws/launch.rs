//! RunInstances for one run: the instance's settings, tags and user data.

use aws_sdk_ec2::types::{
    BlockDeviceMapping, EbsBlockDevice, InstanceNetworkInterfaceSpecification, InstanceType,
    ResourceType, Tag, TagSpecification,
};
use base64::Engine as _;
use kiln_domain::{AwsBuilderConfig, Secret};

use super::installation::INSTALLATION_TAG;

/// The tag key holding the run id.
pub const RUN_TAG: &str = "kiln-run";

/// What Kiln fills into the builder's user data.
pub const KEY_PLACEHOLDER: &str = "[[KILN_AGENT_KEY]]";
pub const URL_PLACEHOLDER: &str = "[[KILN_URL]]";
pub const PORT_PLACEHOLDER: &str = "[[KILN_AGENT_PORT]]";

/// User data used when the builder has none: installs kiln-agent from this
/// Kiln server and runs it with the run's key on the builder's port. Plain
/// HTTP (`--insecure-http`): Kiln reaches EC2 agents over plain HTTP today;
/// TLS with a per-run certificate whose fingerprint Kiln learns out of band
/// is not built yet.
pub const DEFAULT_USER_DATA: &str = r#"#!/bin/sh
set -eu
curl -fsSL "[[KILN_URL]]/agent/kiln-agent" -o /usr/local/bin/kiln-agent
chmod 755 /usr/local/bin/kiln-agent
export KILN_AGENT_KEY="[[KILN_AGENT_KEY]]"
nohup /usr/local/bin/kiln-agent --bind "0.0.0.0:[[KILN_AGENT_PORT]]" --insecure-http --data-dir /var/lib/kiln-agent >/var/log/kiln-agent.log 2>&1 &
"#;

/// One instance to launch.
pub struct LaunchSpec<'a> {
    pub config: &'a AwsBuilderConfig,
    pub builder: &'a str,
    pub build: &'a str,
    pub run_id: i64,
    pub installation: &'a str,
    pub key: &'a Secret,
    pub kiln_url: &'a str,
}

impl LaunchSpec<'_> {
    /// `kiln-builder-<build>-<run>`
    pub fn name(&self) -> String {
        format!("kiln-builder-{}-{}", self.build, self.run_id)
    }

    /// The builder's user data (or the default) with the placeholders
    /// filled in. Holds the key: never log it.
    pub fn user_data(&self) -> String {
        let template = if self.config.user_data.trim().is_empty() {
            DEFAULT_USER_DATA
        } else {
            self.config.user_data.as_str()
        };
        template
            .replace(KEY_PLACEHOLDER, self.key.expose())
            .replace(URL_PLACEHOLDER, self.kiln_url.trim_end_matches('/'))
            .replace(PORT_PLACEHOLDER, &self.config.port.to_string())
    }

    /// The tags of the instance and its volume.
    pub fn tags(&self) -> Vec<(String, String)> {
        vec![
            ("Name".to_string(), self.name()),
            (RUN_TAG.to_string(), self.run_id.to_string()),
            (INSTALLATION_TAG.to_string(), self.installation.to_string()),
            ("kiln-build".to_string(), self.build.to_string()),
            ("kiln-builder".to_string(), self.builder.to_string()),
        ]
    }

    /// What the launch does, for the stage record (no secrets).
    pub fn describe(&self) -> String {
        let c = self.config;
        format!(
            "ec2 run-instances --region {} --image-id {} --instance-type {} --subnet-id {} --security-group-ids {} --key-name {} --{}associate-public-ip-address --root-volume {} GB --tags Name={},{}={}",
            c.region,
            c.ami_id,
            c.instance_type,
            shown(&c.subnet_id),
            shown(&c.security_group_ids.join(",")),
            shown(&c.key_pair_name),
            if c.assign_public_ip { "" } else { "no-" },
            c.volume_gb,
            self.name(),
            RUN_TAG,
            self.run_id
        )
    }

    /// Sends RunInstances and returns the new instance's id.
    pub async fn launch(&self, client: &aws_sdk_ec2::Client) -> Result<String, String> {
        let c = self.config;
        let mut interface = InstanceNetworkInterfaceSpecification::builder()
            .device_index(0)
            .associate_public_ip_address(c.assign_public_ip)
            .delete_on_termination(true)
            .set_groups(Some(c.security_group_ids.clone()).filter(|g| !g.is_empty()));
        if !c.subnet_id.is_empty() {
            interface = interface.subnet_id(&c.subnet_id);
        }
        let volume = BlockDeviceMapping::builder()
            .device_name("/dev/sda1")
            .ebs(
                EbsBlockDevice::builder()
                    .volume_size(i32::try_from(c.volume_gb).unwrap_or(i32::MAX))
                    .delete_on_termination(true)
                    .build(),
            )
            .build();
        let tags: Vec<Tag> = self
            .tags()
            .into_iter()
            .map(|(k, v)| Tag::builder().key(k).value(v).build())
            .collect();
        let tag_specs = [ResourceType::Instance, ResourceType::Volume].map(|kind| {
            TagSpecification::builder()
                .resource_type(kind)
                .set_tags(Some(tags.clone()))
                .build()
        });
        let mut request = client
            .run_instances()
            .image_id(&c.ami_id)
            .instance_type(InstanceType::from(c.instance_type.as_str()))
            .min_count(1)
            .max_count(1)
            .network_interfaces(interface.build())
            .block_device_mappings(volume)
            .set_tag_specifications(Some(tag_specs.to_vec()))
            .user_data(base64::engine::general_purpose::STANDARD.encode(self.user_data()));
        if !c.key_pair_name.is_empty() {
            request = request.key_name(&c.key_pair_name);
        }
        let answer = request
            .send()
            .await
            .map_err(|e| format!("RunInstances failed: {}", super::aws_error(&e)))?;
        answer
            .instances()
            .first()
            .and_then(|i| i.instance_id())
            .map(str::to_string)
            .ok_or_else(|| "RunInstances answered without an instance id".to_string())
    }
}

fn shown(value: &str) -> &str {
    if value.is_empty() {
        "(default)"
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_data_gets_the_key_url_and_port_and_tags_name_the_run() {
        let config = AwsBuilderConfig {
            user_data: "key=[[KILN_AGENT_KEY]] url=[[KILN_URL]] port=[[KILN_AGENT_PORT]]".into(),
            port: 9001,
            ..AwsBuilderConfig::default()
        };
        let key = Secret::new("k-1");
        let spec = LaunchSpec {
            config: &config,
            builder: "aws",
            build: "api",
            run_id: 42,
            installation: "kiln-abc",
            key: &key,
            kiln_url: "http://kiln.local:3000/",
        };
        assert_eq!(
            spec.user_data(),
            "key=k-1 url=http://kiln.local:3000 port=9001"
        );
        let tags = spec.tags();
        assert!(tags.contains(&("Name".into(), "kiln-builder-api-42".into())));
        assert!(tags.contains(&("kiln-run".into(), "42".into())));
        assert!(tags.contains(&("kiln-installation".into(), "kiln-abc".into())));
        assert!(!spec.describe().contains("k-1"));

        let default = AwsBuilderConfig::default();
        let spec = LaunchSpec {
            config: &default,
            ..spec
        };
        let data = spec.user_data();
        assert!(
            data.contains("KILN_AGENT_KEY=\"k-1\"") && data.contains("0.0.0.0:8120"),
            "{data}"
        );
        assert!(
            data.contains("http://kiln.local:3000/agent/kiln-agent"),
            "{data}"
        );
    }
}
