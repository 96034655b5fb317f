#!/bin/sh
# Creates the application and Debezium users from grants.sql.template. Run by the official
# MySQL image from /docker-entrypoint-initdb.d once the database is initialised.
# Env: MYSQL_APP_USER, MYSQL_APP_PASSWORD, DEBEZIUM_USER, DEBEZIUM_PASSWORD (defaults
# mysqluser/mysqlpw/debezium/dbz), MYSQL_ROOT_PASSWORD, GRANTS_TEMPLATE (template path).

grants_template="${GRANTS_TEMPLATE:-/etc/pizzashop/grants.sql.template}"
if [ ! -r "$grants_template" ]; then
  echo "90-grants.sh: cannot read $grants_template; mount docker/mysql/grants.sql.template there" >&2
  exit 1
fi

# A value for inside a SQL string literal (double ' and \), escaped for a sed replacement.
sql_sed_value() {
  printf '%s' "$1" | sed -e "s/\\\\/\\\\\\\\/g" -e "s/'/''/g" -e 's/[|&\\]/\\&/g'
}

render_grants() {
  sed \
    -e "s|\${MYSQL_APP_USER}|$(sql_sed_value "${MYSQL_APP_USER:-mysqluser}")|g" \
    -e "s|\${MYSQL_APP_PASSWORD}|$(sql_sed_value "${MYSQL_APP_PASSWORD:-mysqlpw}")|g" \
    -e "s|\${DEBEZIUM_USER}|$(sql_sed_value "${DEBEZIUM_USER:-debezium}")|g" \
    -e "s|\${DEBEZIUM_PASSWORD}|$(sql_sed_value "${DEBEZIUM_PASSWORD:-dbz}")|g" \
    "$grants_template"
}

if [ -n "${MYSQL_ROOT_PASSWORD:-}" ]; then
  render_grants | mysql -uroot -p"$MYSQL_ROOT_PASSWORD"
else
  render_grants | mysql -uroot
fi
