//! The build's text settings after interpolation: Dockerfile, build args,
//! secret args, labels, extra args and the pre-build command.

use kiln_domain::build_args_policy::{check_extra_args, ArgsPolicy, Stage};
use kiln_domain::{parse_env_lines, BuildConfig, EnvLine};

use crate::docker_cli::split_args;
use crate::interpolate::Interpolator;
use crate::job::BuildJob;

/// Interpolated settings, and what the interpolation stages report.
pub(crate) struct Inputs {
    pub dockerfile: String,
    pub build_args: Vec<(String, String)>,
    pub secret_args: Vec<(String, String)>,
    pub labels: Vec<(String, String)>,
    /// Build-level then builder-level extra arguments, split into words.
    pub extra_args: Vec<String>,
    /// The pre-build command as it will run (lines joined unless shell mode).
    pub pre_build: String,
    pub variables_report: Vec<String>,
    pub secrets_report: Vec<String>,
}

/// Why interpolation failed, with what was reported before.
pub(crate) struct InputsError {
    pub message: String,
    pub variables_report: Vec<String>,
}

impl Inputs {
    /// Parses and interpolates the job's settings. Secrets go everywhere
    /// except build args when `skip_secret_interp` is on.
    pub(crate) fn new(job: &BuildJob) -> Result<Inputs, InputsError> {
        let mut interpolator = Interpolator::new(&job.variables, &job.version);
        let result = interpolate(job, &job.config, &mut interpolator);
        result.map_err(|message| InputsError {
            message,
            variables_report: interpolator.variables_report(),
        })
    }
}

fn interpolate(
    job: &BuildJob,
    config: &BuildConfig,
    i: &mut Interpolator,
) -> Result<Inputs, String> {
    let with_secrets_in_args = !config.skip_secret_interp;
    let dockerfile = i.apply(&config.dockerfile, "dockerfile", true)?;
    let build_args = env_field(i, "build_args", &config.build_args, with_secrets_in_args)?;
    let secret_args = env_field(i, "secret_args", &config.secret_args, true)?;
    let labels = env_field(i, "labels", &config.labels, true)?;
    let mut build_extra = Vec::new();
    for arg in &config.extra_args {
        build_extra.push(i.apply(arg, "extra_args", true)?);
    }
    // The same sandbox as at save time, now on the interpolated words (a
    // variable may hold flags), since agents receive jobs directly.
    let policy = ArgsPolicy {
        allow_host_network: job.docker.allow_host_network,
    };
    check_extra_args(&build_extra, policy, Stage::Interpolated)
        .map_err(|e| format!("extra_args[{}]: {e}", e.entry()))?;
    // The builder's arguments come last: docker keeps the last value of a
    // flag, so a build cannot override its builder's.
    let mut extra_args = split_args("extra_args", &build_extra)?;
    extra_args.extend(split_args("builder extra_args", &job.docker.extra_args)?);
    let command = pre_build_command(&config.pre_build.command, config.pre_build.shell_mode);
    let pre_build = i.apply(&command, "pre_build.command", true)?;
    Ok(Inputs {
        dockerfile,
        build_args,
        secret_args,
        labels,
        extra_args,
        pre_build,
        variables_report: i.variables_report(),
        secrets_report: i.secrets_report(),
    })
}

/// Komodo's rule: without shell mode, non-empty lines that are not `#`
/// comments are joined with ` && `.
fn pre_build_command(command: &str, shell_mode: bool) -> String {
    if shell_mode {
        return command.trim().to_string();
    }
    command
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect::<Vec<_>>()
        .join(" && ")
}

fn env_field(
    i: &mut Interpolator,
    field: &str,
    text: &str,
    with_secrets: bool,
) -> Result<Vec<(String, String)>, String> {
    let lines = parse_env_lines(text).map_err(|e| format!("{field}: {e}"))?;
    lines
        .into_iter()
        .map(|EnvLine { key, value, .. }| {
            let value = i.apply(&value, &format!("{field} ({key})"), with_secrets)?;
            Ok((key, value))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pre_build_lines_are_joined_unless_shell_mode() {
        let text = "# prepare\necho a\n\n  echo b  \n";
        assert_eq!(pre_build_command(text, false), "echo a && echo b");
        assert_eq!(pre_build_command(text, true), text.trim());
    }
}
