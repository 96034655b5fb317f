#!/bin/sh
# One-shot of the Docker path: applies every table under CONFIG_DIR (one folder per table holding
# schema.json and table.json, the files the local stack applies too) to the Pinot controller,
# after filling their ${...} placeholders from the environment. A schema is posted with
# override (updated in place); a table that already exists (HTTP 409) is left as it is.
# Usage: apply-config.sh CONFIG_DIR   Env: PINOT_CONTROLLER_URL plus the files' placeholders.
set -eu

config_dir=${1:?usage: apply-config.sh CONFIG_DIR}
controller=${PINOT_CONTROLLER_URL:?set PINOT_CONTROLLER_URL, e.g. http://pinot-controller:9000}
. "$(dirname "$0")/../lib/render-template.sh"

body=$(mktemp)
response=$(mktemp)
trap 'rm -f "$body" "$response"' EXIT

# post WHAT FILE URL: renders FILE and POSTs it; 409 (exists) is accepted.
post() {
  render_template "$2" > "$body"
  status=$(curl -sS --retry 10 --retry-connrefused --retry-delay 3 -o "$response" -w '%{http_code}' \
    -X POST -H 'Content-Type: application/json' --data-binary "@$body" "$3") || status=000
  case $status in
    200 | 201) echo "apply-config: $1 applied" ;;
    409) echo "apply-config: $1 already exists, left as it is" ;;
    *)
      echo "apply-config: POST $3 for $1 ($2) answered HTTP $status:" >&2
      cat "$response" >&2
      echo >&2
      exit 1
      ;;
  esac
}

found=0
for dir in "$config_dir"/*/; do
  dir=${dir%/}
  [ -f "$dir/schema.json" ] || continue
  table=$(basename "$dir")
  post "schema $table" "$dir/schema.json" "$controller/schemas?override=true"
  post "table $table" "$dir/table.json" "$controller/tables"
  found=$((found + 1))
done
if [ "$found" -eq 0 ]; then
  echo "apply-config: no <table>/schema.json under $config_dir (is it mounted?)" >&2
  exit 1
fi
echo "apply-config: $found table(s) applied to $controller"
