#!/bin/sh
# One-shot of the Docker path: registers the Debezium connector described by a Kafka Connect REST
# body {"name": ..., "config": {...}} (the file the local stack applies too), after filling its
# ${...} placeholders from the environment. PUT /connectors/<name>/config creates the connector or
# updates its config, so running this again is safe.
# Usage: register-connector.sh CONNECTOR_JSON   Env: KAFKA_CONNECT_URL plus the file's placeholders.
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

status=$(curl -sS --retry 10 --retry-connrefused --retry-delay 3 -o "$response" -w '%{http_code}' \
  -X PUT -H 'Content-Type: application/json' --data-binary "@$config" \
  "$connect_url/connectors/$name/config") || status=000
case $status in
  200) echo "register-connector: connector $name updated at $connect_url" ;;
  201) echo "register-connector: connector $name created at $connect_url" ;;
  *)
    echo "register-connector: PUT $connect_url/connectors/$name/config answered HTTP $status:" >&2
    cat "$response" >&2
    echo >&2
    exit 1
    ;;
esac
