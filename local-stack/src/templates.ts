/** Replaces `${NAME}` placeholders; an unknown placeholder is an error naming the file. */
export function render(text: string, values: Record<string, string>, file: string): string {
  return text.replace(/\$\{([A-Z0-9_]+)\}/g, (_m, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`${file}: no value for placeholder \${${name}}`);
    return value;
  });
}
