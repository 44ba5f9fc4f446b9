# Sourced by the scripts: where Cargo builds, kept outside the clone when the machine allows it
# so that a machine that built once builds again in seconds.
if [ -z "${CARGO_TARGET_DIR:-}" ]; then
  if mkdir -p /var/cache/guichet/target 2>/dev/null && [ -w /var/cache/guichet/target ]; then
    export CARGO_TARGET_DIR=/var/cache/guichet/target
  else
    export CARGO_TARGET_DIR="$PWD/target"
  fi
fi
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
