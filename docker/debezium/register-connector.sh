#!/bin/sh
# One-shot of the Docker path: registers the Debezium connector described by a Kafka Connect REST
# body {"name": ..., "config": {...}} (the file the local stack applies too), after filling its
# ${...} placeholders from the environment. PUT /connectors/<name>/config creates the connector or
# updates its config, so running this again is safe.
# Usage: register-connector.sh CONNECTOR_JSON
# Env: KAFKA_CONNECT_URL, the file's placeholders; RETRY_ATTEMPTS (30), RETRY_DELAY_SECONDS (3).
set -eu

connector_file=${1:?usage: register-connector.sh CONNECTOR_JSON}
connect_url=${KAFKA_CONNECT_URL:?set KAFKA_CONNECT_URL, e.g. http://connect:8083}
lib=$(dirname "$0")/../lib
. "$lib/render-template.sh"

body=$(mktemp)
config=$(mktemp)
response=$(mktemp)
trap 'rm -f "$body" "$config" "$response"' EXIT

render_template "$connector_file" > "$body"
name=$(awk -v key=name -f "$lib/json-value.awk" < "$body" | sed -e 's/^"//' -e 's/"$//') || true
if ! printf '%s' "$name" | grep -Eq '^[A-Za-z0-9._-]+$'; then
  echo "register-connector: $connector_file needs a top-level \"name\" made of letters, digits, '.', '_' or '-'" >&2
  exit 1
fi
if ! awk -v key=config -f "$lib/json-value.awk" < "$body" > "$config"; then
  echo "register-connector: $connector_file has no top-level \"config\" object" >&2
  exit 1
fi

# Connect answers 409 while its workers rebalance and 5xx while it starts: try again for a while.
attempts=${RETRY_ATTEMPTS:-30}
attempt=1
while :; do
  status=$(curl -sS -o "$response" -w '%{http_code}' -X PUT -H 'Content-Type: application/json' \
    --data-binary "@$config" "$connect_url/connectors/$name/config") || status=000
  case $status in
    200) echo "register-connector: connector $name updated at $connect_url"; exit 0 ;;
    201) echo "register-connector: connector $name created at $connect_url"; exit 0 ;;
    000 | 409 | 5??) [ "$attempt" -lt "$attempts" ] || break ;;
    *) break ;;
  esac
  echo "register-connector: Connect at $connect_url answered HTTP $status, retrying ($attempt/$attempts)"
  attempt=$((attempt + 1))
  sleep "${RETRY_DELAY_SECONDS:-3}"
done
echo "register-connector: PUT $connect_url/connectors/$name/config answered HTTP $status:" >&2
cat "$response" >&2
echo >&2
exit 1
