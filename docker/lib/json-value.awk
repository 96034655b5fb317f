# Prints the raw JSON text of the value of one top-level key of the JSON object on stdin
# (a string keeps its quotes). Usage: awk -v key=config -f json-value.awk < file.json
# Exits 1 when the key is absent. Strings and escapes are honoured, so braces inside values
# do not confuse it. Used where the images have no jq.
{ doc = doc $0 "\n" }
END {
  depth = 0; in_string = 0; escaped = 0; last_string = ""; current_key = ""; start = 0
  n = length(doc)
  for (i = 1; i <= n; i++) {
    c = substr(doc, i, 1)
    if (in_string) {
      if (escaped) escaped = 0
      else if (c == "\\") escaped = 1
      else if (c == "\"") {
        in_string = 0
        last_string = substr(doc, string_start, i - string_start + 1)
        if (start && depth == 1) { print last_string; exit 0 }
      }
      continue
    }
    if (c == "\"") {
      in_string = 1; string_start = i
      if (depth == 1 && current_key == key) start = i
      continue
    }
    if (c == ":" && depth == 1) { current_key = substr(last_string, 2, length(last_string) - 2); continue }
    if (c == "," && depth == 1) { current_key = ""; continue }
    if (c == "{" || c == "[") {
      if (depth == 1 && current_key == key) start = i
      depth++
      continue
    }
    if (c == "}" || c == "]") {
      depth--
      if (start && depth == 1) { print substr(doc, start, i - start + 1); exit 0 }
      continue
    }
    if (depth == 1 && current_key == key && c !~ /[ \t\r\n]/) {
      # number, true, false or null
      rest = substr(doc, i)
      match(rest, /^[^,} \t\r\n]+/)
      print substr(rest, 1, RLENGTH)
      exit 0
    }
  }
  exit 1
}
