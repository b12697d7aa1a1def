#!/usr/bin/env bash
# One-shot: every topic the apps publish or consume (the broker never auto-creates them), with the
# apps' own rule (libs/messaging ensureTopics): min.insync.replicas 2 at 3 replicas and more, else 1,
# and unclean leader election off. Existing topics are left as they are.
set -euo pipefail
. "$(dirname "$0")/admin-client.sh"
replication="${KAFKA_REPLICATION_FACTOR:-1}"
min_isr=$((replication >= 3 ? 2 : 1))
for topic in billwerk.contract.v1 billwerk.customer.v1 billwerk.payment.v1 \
  billwerk.invoice.v1 billwerk.catalog.v1 billwerk.reporting.v1 billwerk.unrecognized.v1 \
  retention.actions.v1 billwerk.audit.dlq.v1 billwerk.retention.dlq.v1; do
  "$kafka_bin/kafka-topics.sh" --bootstrap-server "$KAFKA_BROKERS" "${admin_config[@]}" \
    --create --if-not-exists --topic "$topic" --partitions "$KAFKA_TOPIC_PARTITIONS" \
    --replication-factor "$replication" --config "min.insync.replicas=$min_isr" \
    --config unclean.leader.election.enable=false
done
