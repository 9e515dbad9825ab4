//! The checks of one Builder.

use super::{Report, ValidationError};
use crate::builder::LOCAL_BUILDER_NAME;
use crate::{AwsBuilderConfig, Builder, BuilderConfig, ServerBuilderConfig};

pub(crate) fn validate_builder(builder: &Builder, errors: &mut Vec<ValidationError>) {
    let mut report = Report::new(format!("builder '{}'", builder.name), errors);
    if builder
        .name
        .as_str()
        .eq_ignore_ascii_case(LOCAL_BUILDER_NAME)
    {
        report.push(
            "name",
            format!(
                "'{}' is reserved for the built-in Local builder; choose another name",
                builder.name
            ),
        );
    }
    match &builder.config {
        BuilderConfig::Local(params) => {
            if params.max_parallel == 0 {
                report.push("config.params.max_parallel", "must be at least 1");
            }
        }
        BuilderConfig::Server(params) => check_server(params, &mut report),
        BuilderConfig::Aws(params) => check_aws(params, &mut report),
    }
}

fn check_server(params: &ServerBuilderConfig, report: &mut Report) {
    let address = &params.address;
    if address.is_empty() && !params.server_id.is_empty() {
        report.push(
            "config.params.address",
            format!(
                "Kiln needs params.address, the kiln-agent's URL: Komodo's server_id '{}' names a Komodo Server, which Kiln does not have",
                params.server_id
            ),
        );
    } else if address.is_empty() {
        report.push(
            "config.params.address",
            "is empty; set the kiln-agent's URL, like https://builder-1:8120",
        );
    } else if !(address.starts_with("http://") || address.starts_with("https://")) {
        report.push(
            "config.params.address",
            format!("'{address}' must start with http:// or https://"),
        );
    }
}

fn check_aws(params: &AwsBuilderConfig, report: &mut Report) {
    if params.region.is_empty() {
        report.push(
            "config.params.region",
            "is empty; set the AWS region, like us-east-1",
        );
    }
    if params.instance_type.is_empty() {
        report.push(
            "config.params.instance_type",
            "is empty; set the EC2 instance type, like c5.2xlarge",
        );
    }
    if params.ami_id.is_empty() {
        report.push(
            "config.params.ami_id",
            "is empty; set the id of an AMI that starts the kiln-agent",
        );
    }
    if params.port == 0 {
        report.push("config.params.port", "must be greater than 0");
    }
    if params.volume_gb == 0 {
        report.push("config.params.volume_gb", "must be greater than 0");
    }
}
