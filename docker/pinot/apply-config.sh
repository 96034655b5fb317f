#!/bin/sh
# One-shot of the Docker path: applies every table under CONFIG_DIR (one folder per table holding
# schema.json and table.json, the files the local stack applies too) to the Pinot controller,
# after filling their ${...} placeholders from the environment, as the local stack does: a schema
# is posted with override (updated in place); a table that already exists (HTTP 409) gets its
# config replaced with PUT /tables/<table> (the folder's name).
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
