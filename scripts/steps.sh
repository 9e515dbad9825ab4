# Sourced by Kiln's scripts: `step NAME CMD...` runs CMD, prints how long it
# took (seconds) to stderr and remembers it for `steps_summary`.
KILN_STEPS=()
KILN_STEPS_START=$SECONDS
step() {
  local name=$1 start=$SECONDS
  shift
  "$@"
  KILN_STEPS+=("$name: $((SECONDS - start)) s")
  printf '==> %s took %d s\n' "$name" "$((SECONDS - start))" >&2
}
steps_summary() {
  local IFS=', '
  printf '==> ready after %d s (%s)\n' "$((SECONDS - KILN_STEPS_START))" "${KILN_STEPS[*]}" >&2
}
