# Sourced by the Kafka one-shots and the healthcheck (docker-compose*.yml). With SCRAM_ADMIN_PASSWORD
# set (the SCRAM variant) every Kafka tool authenticates as the super user `admin`; without it the
# tools speak PLAINTEXT. The properties file holds the password, so only this user may read it.
kafka_bin="${KAFKA_HOME:-/opt/kafka}/bin"
admin_config=()
if [[ -n "${SCRAM_ADMIN_PASSWORD-}" ]]; then
  admin_properties="$(mktemp)"
  trap 'rm -f "$admin_properties"' EXIT
  chmod 600 "$admin_properties"
  printf '%s\n' 'security.protocol=SASL_PLAINTEXT' 'sasl.mechanism=SCRAM-SHA-512' \
    "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"admin\" password=\"${SCRAM_ADMIN_PASSWORD}\";" \
    > "$admin_properties"
  admin_config=(--command-config "$admin_properties")
fi
