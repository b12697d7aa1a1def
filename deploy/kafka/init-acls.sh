#!/usr/bin/env bash
# SCRAM variant, one-shot once the broker is healthy: the apps' principals (SCRAM-SHA-512, passwords
# from SCRAM_<PRINCIPAL>_PASSWORD, set again on every run so a changed password takes effect) and
# their ACLs: least privilege, so that only ingress and replay may write the billwerk event topics.
# Table: docs/operations.md ("Kafka with SCRAM and ACLs"). Adding an ACL that exists is a no-op.
set -euo pipefail
. "$(dirname "$0")/admin-client.sh"
: "${SCRAM_ADMIN_PASSWORD:?}"
admin=(--bootstrap-server "$KAFKA_BROKERS" "${admin_config[@]}")

for principal in ingress replay audit retention; do
  password_variable="SCRAM_${principal^^}_PASSWORD"
  "$kafka_bin/kafka-configs.sh" "${admin[@]}" --alter --entity-type users \
    --entity-name "$principal" --add-config "SCRAM-SHA-512=[password=${!password_variable:?}]"
done

events=()
for topic in billwerk.contract.v1 billwerk.customer.v1 billwerk.payment.v1 billwerk.invoice.v1 \
  billwerk.catalog.v1 billwerk.reporting.v1 billwerk.unrecognized.v1; do
  events+=(--topic "$topic")
done

# allow <principal> <Operation[,Operation…]> <resources…>: one line per grant of the table, which
# follows KAFKA_ACLS in @app/contracts (each principal may create the topics it writes).
allow() {
  local principal="$1" operations=()
  IFS=, read -ra operations <<< "$2"
  shift 2
  "$kafka_bin/kafka-acls.sh" "${admin[@]}" --add --allow-principal "User:$principal" \
    "${operations[@]/#/--operation=}" "$@" > /dev/null
  echo "User:$principal may ${operations[*]} ${*//--/}"
}

allow ingress Write,Create "${events[@]}"
allow replay Write "${events[@]}"
allow audit Read "${events[@]}" --topic retention.actions.v1 --group billwerk-audit
allow audit Write,Create --topic billwerk.audit.dlq.v1
allow audit Read,Write,Create --topic billwerk.audit.checkpoints.v1
# Each audit instance reads the checkpoints in a group of its own (<group>.checkpoint-reader.<uuid>).
allow audit Read --resource-pattern-type prefixed --group billwerk-audit.checkpoint-reader.
allow retention Read "${events[@]}" --group billwerk-retention
allow retention Read,Write,Create --topic retention.actions.v1
allow retention Write,Create --topic billwerk.retention.dlq.v1
# The outbox relay reads its own topic back in a group of its own (<group>.outbox-check.<uuid>).
allow retention Read --resource-pattern-type prefixed --group billwerk-retention.outbox-check.
