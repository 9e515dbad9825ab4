# Sourced by Kiln's scripts: where tools and build output live.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/kiln-target}"
export KILN_TOOLS_DIR="${KILN_TOOLS_DIR:-/opt/kiln-tools}"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$KILN_TOOLS_DIR/node_modules/.bin:$PATH"
