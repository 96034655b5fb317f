/** How a value is written into a template of some language, so quotes in it cannot end its string. */
export type Escape = (value: string) => string;

/** Inside a JSON string literal. */
export const jsonString: Escape = (value) => JSON.stringify(value).slice(1, -1);

/** Inside a single-quoted SQL string literal (MariaDB and MySQL, default sql_mode). */
export const sqlString: Escape = (value) => value.replaceAll('\\', '\\\\').replaceAll("'", "''");

/** Replaces `${NAME}` placeholders, escaping each value; an unknown placeholder is an error naming the file. */
export function render(text: string, values: Record<string, string>, file: string, escape: Escape): string {
  return text.replace(/\$\{([A-Z0-9_]+)\}/g, (_m, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`${file}: no value for placeholder \${${name}}`);
    return escape(value);
  });
}
