#!/bin/sh
# One-shot of the Docker path: creates the pipeline topics before any service uses them, with the
# partition count the local stack uses. --if-not-exists makes running it again a no-op.
# Env: KAFKA_BROKERS, ORDERS_TOPIC, ENRICHED_ORDER_ITEMS_TOPIC, DEAD_LETTER_TOPIC (the services'
# own settings), TOPIC_PARTITIONS, TOPIC_REPLICATION_FACTOR.
set -eu

bootstrap=${KAFKA_BROKERS:?set KAFKA_BROKERS, e.g. kafka:9092}
kafka_topics=${KAFKA_TOPICS_SH:-/opt/kafka/bin/kafka-topics.sh}
for topic in "${ORDERS_TOPIC:?}" "${ENRICHED_ORDER_ITEMS_TOPIC:?}" "${DEAD_LETTER_TOPIC:?}"; do
  "$kafka_topics" --bootstrap-server "$bootstrap" --create --if-not-exists --topic "$topic" \
    --partitions "${TOPIC_PARTITIONS:-3}" --replication-factor "${TOPIC_REPLICATION_FACTOR:-1}"
  echo "create-topics: $topic ready"
done
