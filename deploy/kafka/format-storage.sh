#!/usr/bin/env bash
# SCRAM variant, one-shot before the broker: formats its storage with the SCRAM credentials of the
# super user `admin`, which the broker itself authenticates with on its INTERNAL listener (so they
# must exist before it starts). The other principals are created by init-acls.sh once it runs.
# The broker's settings come from the same KAFKA_* environment the broker gets, rendered the way
# the apache/kafka image does: KAFKA_ dropped, _ → ., __ → _, ___ → -, lower case.
set -euo pipefail
. "$(dirname "$0")/admin-client.sh"
: "${SCRAM_ADMIN_PASSWORD:?}" "${CLUSTER_ID:?}"
properties="$(mktemp)"
chmod 600 "$properties"
for variable in $(compgen -e | grep '^KAFKA_'); do
  key="$(printf '%s' "${variable#KAFKA_}" | tr '[:upper:]' '[:lower:]' |
    sed -e 's/_/./g' -e 's/\.\.\./-/g' -e 's/\.\./_/g')"
  printf '%s=%s\n' "$key" "${!variable}" >> "$properties"
done
# --ignore-formatted: on an existing volume nothing changes (the broker's own start formats
# nothing either), so credentials are only ever added to a fresh kafka-data volume.
"$kafka_bin/kafka-storage.sh" format --ignore-formatted -t "$CLUSTER_ID" -c "$properties" \
  --add-scram "SCRAM-SHA-512=[name=admin,password=${SCRAM_ADMIN_PASSWORD}]"
rm -f "$properties"
