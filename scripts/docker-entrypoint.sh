#!/bin/sh
# The container image's entrypoint, also run as it is by test/deployment.e2e-spec.ts:
#   (no argument) or `gateway`   the gateway, configured by the environment (README, "Configuration")
#   `passerelle <command> …`     the operator CLI, e.g. `passerelle keys init /run/passerelle/keys/kek.json`
#   anything else                run as given (a shell to look around)
# `exec` makes node the process the container's stop signal reaches: the gateway closes its
# connections and its database cleanly on SIGTERM.
set -eu
app=$(cd "$(dirname "$0")/.." && pwd)

if [ "$#" -eq 0 ] || [ "$1" = gateway ]; then
  [ "$#" -eq 0 ] || shift
  exec node "$app/dist/apps/gateway/apps/gateway/src/main.js" "$@"
fi
if [ "$1" = passerelle ]; then
  shift
  exec node "$app/dist/apps/cli/apps/cli/src/main.js" "$@"
fi
exec "$@"
