//! `GET /agent/kiln-agent`: the kiln-agent binary that ships beside this
//! `kiln` binary, so an EC2 instance's user data (or a person) can install
//! the agent matching this server's protocol from the server itself.

use std::path::PathBuf;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::ServeFile;

/// The route's path.
pub const PATH: &str = "/agent/kiln-agent";

/// Serves the binary, or 404 with what is missing and how to fix it.
pub async fn serve(request: Request) -> Response {
    let path = match agent_path() {
        Ok(path) if path.is_file() => path,
        Ok(path) => {
            return not_found(format!(
                "no kiln-agent binary at {}: build it (`cargo build --release -p kiln-agent`) and put it next to the kiln binary",
                path.display()
            ))
        }
        Err(e) => return not_found(format!("cannot locate the kiln binary: {e}")),
    };
    match ServeFile::new(&path).oneshot(request).await {
        Ok(response) => {
            let mut response = response.map(Body::new);
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/octet-stream"),
            );
            response.headers_mut().insert(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"kiln-agent\""),
            );
            response
        }
        Err(e) => {
            tracing::error!(path = %path.display(), error = %e, "cannot serve kiln-agent");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "cannot read the kiln-agent binary",
            )
                .into_response()
        }
    }
}

/// `kiln-agent` in the directory of the running `kiln` binary.
fn agent_path() -> std::io::Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let dir = exe
        .parent()
        .ok_or_else(|| std::io::Error::other("the kiln binary has no directory"))?;
    Ok(dir.join("kiln-agent"))
}

fn not_found(message: String) -> Response {
    tracing::warn!("{message}");
    (StatusCode::NOT_FOUND, message).into_response()
}
