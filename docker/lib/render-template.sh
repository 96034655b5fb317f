# Sourced by the one-shot scripts of the Docker path (POSIX sh: runs in the Debezium, Pinot and
# Kafka images). render_template FILE prints FILE with each ${NAME} placeholder replaced by the
# value of the environment variable NAME, escaped for a JSON string. A placeholder whose variable
# is unset is an error naming the file and the variable, so nothing half-rendered is ever applied.

# The value, escaped for a JSON string, then for the replacement side of a sed s|...|...| command.
json_sed_value() {
  printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/[\\&|]/\\&/g'
}

render_template() {
  template=$1
  if [ ! -r "$template" ]; then
    echo "render_template: cannot read $template (is it mounted?)" >&2
    return 1
  fi
  sed_script=''
  for name in $(grep -o '\${[A-Z0-9_]*}' "$template" | sed -e 's/^\${//' -e 's/}$//' | sort -u); do
    eval "is_set=\${$name+set}"
    if [ "$is_set" != set ]; then
      echo "render_template: $template uses \${$name}: set $name in the service's environment" >&2
      return 1
    fi
    eval "value=\${$name}"
    sed_script="${sed_script}s|\${$name}|$(json_sed_value "$value")|g;"
  done
  sed -e "$sed_script" "$template"
}
