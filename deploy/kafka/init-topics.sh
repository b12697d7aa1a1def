#!/usr/bin/env bash
# One-shot: every topic the apps publish or consume (the broker never auto-creates them), with the
# apps' own rule (libs/messaging ensureTopics): min.insync.replicas 2 at 3 replicas and more, else 1,
# and unclean leader election off. Existing topics are left as they are.
set -euo pipefail
. "$(dirname "$0")/admin-client.sh"
replication="${KAFKA_REPLICATION_FACTOR:-1}"
min_isr=$((replication >= 3 ? 2 : 1))

# create <topic> <partitions> [--config k=v …]
create() {
  local topic="$1" partitions="$2"
  shift 2
  "$kafka_bin/kafka-topics.sh" --bootstrap-server "$KAFKA_BROKERS" "${admin_config[@]}" \
    --create --if-not-exists --topic "$topic" --partitions "$partitions" \
    --replication-factor "$replication" --config "min.insync.replicas=$min_isr" \
    --config unclean.leader.election.enable=false "$@"
}

for topic in billwerk.contract.v1 billwerk.customer.v1 billwerk.payment.v1 \
  billwerk.invoice.v1 billwerk.catalog.v1 billwerk.reporting.v1 billwerk.unrecognized.v1 \
  retention.actions.v1 billwerk.audit.dlq.v1 billwerk.retention.dlq.v1; do
  create "$topic" "$KAFKA_TOPIC_PARTITIONS"
done
# The audit chain's heads: compacted, one partition (AUDIT_CHECKPOINTS_TOPIC_CONFIG in @app/contracts).
create billwerk.audit.checkpoints.v1 1 --config cleanup.policy=compact \
  --config segment.ms=3600000 --config segment.bytes=16777216
