#!/usr/bin/env bash
# The broker answers on its INTERNAL listener ($1, host:port), as admin in the SCRAM variant.
set -euo pipefail
. "$(dirname "$0")/admin-client.sh"
"$kafka_bin/kafka-broker-api-versions.sh" --bootstrap-server "$1" "${admin_config[@]}" > /dev/null
