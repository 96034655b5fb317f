#!/bin/sh
# One-shot of the Docker path: creates the topics of docker/kafka/topics.conf before any service
# uses them, and sets their configs again on topics that exist (running it again is a no-op).
# Env: KAFKA_BROKERS and the topic names (the services' env file), TOPIC_PARTITIONS,
# TOPIC_REPLICATION_FACTOR, TOPIC_RETENTION_MS, DEAD_LETTER_RETENTION_MS, DEAD_LETTER_MAX_MESSAGE_BYTES.
set -eu

here=$(dirname "$0")
. "${PIZZASHOP_LIB:-$here/../lib}/render-template.sh"
bootstrap=${KAFKA_BROKERS:?set KAFKA_BROKERS, e.g. kafka:9092}
bin=${KAFKA_BIN:-/opt/kafka/bin}
topics=$(render_template "${TOPICS_CONF:-$here/topics.conf}")

printf '%s\n' "$topics" | grep -v -e '^#' -e '^[[:space:]]*$' | while read -r topic partitions configs; do
  create_configs=$(printf '%s' "$configs" | tr ',' '\n' | sed 's/^/--config /' | tr '\n' ' ')
  # shellcheck disable=SC2086 # one --config flag per word
  "$bin/kafka-topics.sh" --bootstrap-server "$bootstrap" --create --if-not-exists --topic "$topic" \
    --partitions "$partitions" --replication-factor "${TOPIC_REPLICATION_FACTOR:-1}" $create_configs
  "$bin/kafka-configs.sh" --bootstrap-server "$bootstrap" --alter --entity-type topics --entity-name "$topic" --add-config "$configs"
  echo "create-topics: $topic ready ($configs)"
done
