#!/bin/sh
# One-shot of the Docker path: applies every table under CONFIG_DIR (one folder per table holding
# schema.json and table.json, the files the local stack applies too) to the Pinot controller,
# after filling their ${...} placeholders from the environment, as the local stack does: a schema
# is posted with override (updated in place); a table that already exists (HTTP 409) gets its
# config replaced with PUT /tables/<table> (the folder's name). An existing table whose schema lacks a
# column the folder's adds is refused first, with the fix.
# Usage: apply-config.sh CONFIG_DIR   Env: PINOT_CONTROLLER_URL plus the files' placeholders.
set -eu

config_dir=${1:?usage: apply-config.sh CONFIG_DIR}
controller=${PINOT_CONTROLLER_URL:?set PINOT_CONTROLLER_URL, e.g. http://pinot-controller:9000}
. "$(dirname "$0")/../lib/render-template.sh"

body=$(mktemp)
response=$(mktemp)
trap 'rm -f "$body" "$response"' EXIT

# send METHOD URL: sends the rendered $body; prints the HTTP status (000: no answer).
send() {
  curl -sS --retry 10 --retry-connrefused --retry-delay 3 -o "$response" -w '%{http_code}' \
    -X "$1" -H 'Content-Type: application/json' --data-binary "@$body" "$2" || true
}

fail() {
  echo "apply-config: $1 $2 for $3 answered HTTP $4:" >&2
  cat "$response" >&2
  echo >&2
  exit 1
}

# apply WHAT FILE URL [UPDATE_URL]: POSTs the rendered FILE; on 409 (exists) PUTs it to UPDATE_URL.
apply() {
  render_template "$2" > "$body"
  status=$(send POST "$3")
  case $status in
    200 | 201) echo "apply-config: $1 created" ;;
    409)
      [ -n "${4:-}" ] || fail POST "$3" "$1 ($2)" "$status"
      status=$(send PUT "$4")
      case $status in
        200) echo "apply-config: $1 updated" ;;
        *) fail PUT "$4" "$1 ($2)" "$status" ;;
      esac
      ;;
    *) fail POST "$3" "$1 ($2)" "$status" ;;
  esac
}

# refuse_missing_columns TABLE DIR: stops when TABLE exists and its schema lacks a column of
# DIR/schema.json. Pinot would accept the schema and fill the new column with its default value in
# every row it holds, not with what the ingestion transform derives (docs/decisions.md).
refuse_missing_columns() {
  table_config=$(curl -sS --retry 10 --retry-connrefused --retry-delay 3 "$controller/tables/$1?type=realtime" || true)
  case $table_config in *'"REALTIME"'*) ;; *) return 0 ;; esac
  existing=$(curl -sS "$controller/schemas/$1" | tr -d ' \t\n' || true)
  case $existing in *'"schemaName"'*) ;; *) return 0 ;; esac
  missing=""
  for column in $(grep -o '"name": *"[^"]*"' "$2/schema.json" | sed 's/.*"\([^"]*\)"$/\1/'); do
    case $existing in *"\"name\":\"$column\""*) ;; *) missing="$missing $column" ;; esac
  done
  [ -z "$missing" ] && return 0
  echo "apply-config: Pinot table $1 exists without column(s)$missing that $2/schema.json adds," >&2
  echo "and Pinot cannot derive them for rows it already holds. Drop the table, then apply again: it is" >&2
  echo "re-created and re-ingests its topic from the beginning (the topic keeps TOPIC_RETENTION_MS of rows):" >&2
  echo "  curl -X DELETE '$controller/tables/$1?type=realtime'" >&2
  exit 1
}

for dir in "$config_dir"/*/; do
  dir=${dir%/}
  [ -f "$dir/schema.json" ] || continue
  refuse_missing_columns "$(basename "$dir")" "$dir"
done

found=0
for dir in "$config_dir"/*/; do
  dir=${dir%/}
  [ -f "$dir/schema.json" ] || continue
  table=$(basename "$dir")
  apply "schema $table" "$dir/schema.json" "$controller/schemas?override=true"
  apply "table $table" "$dir/table.json" "$controller/tables" "$controller/tables/$table"
  found=$((found + 1))
done
if [ "$found" -eq 0 ]; then
  echo "apply-config: no <table>/schema.json under $config_dir (is it mounted?)" >&2
  exit 1
fi
echo "apply-config: $found table(s) applied to $controller"
