/** A self-contained HTML page (no scripts, no CDN) rendering the OpenAPI document for humans. */

type Json = Record<string, unknown>;

const escapeHtml = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');

function describeSchema(schema: Json | undefined): string {
  if (!schema) return '';
  const parts = [String(schema.type ?? (schema.$ref ? String(schema.$ref).split('/').pop() : 'any'))];
  if (Array.isArray(schema.enum)) parts.push(`one of ${schema.enum.join(', ')}`);
  if (schema.minimum !== undefined || schema.maximum !== undefined) parts.push(`${schema.minimum ?? ''}..${schema.maximum ?? ''}`);
  if (schema.format) parts.push(String(schema.format));
  if (schema.default !== undefined) parts.push(`default ${JSON.stringify(schema.default)}`);
  return parts.join('; ');
}

function renderParameters(parameters: Json[] | undefined): string {
  if (!parameters?.length) return '<p class="muted">No parameters.</p>';
  const rows = parameters
    .map(
      (p) =>
        `<tr><td><code>${escapeHtml(String(p.name))}</code></td><td>${escapeHtml(String(p.in))}${p.required ? ', required' : ''}</td>` +
        `<td>${escapeHtml(describeSchema(p.schema as Json))}</td><td>${escapeHtml(String(p.description ?? ''))}</td></tr>`,
    )
    .join('');
  return `<table><thead><tr><th>name</th><th>in</th><th>type</th><th>description</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function renderResponses(responses: Json): string {
  const items = Object.entries(responses).map(([status, r]) => {
    const response = r as Json;
    const content = response.content as Record<string, { schema?: Json }> | undefined;
    const schema = content ? Object.values(content)[0]?.schema : undefined;
    const name = schema?.$ref ? String(schema.$ref).split('/').pop() : undefined;
    const link = name ? ` &rarr; <a href="#schema-${escapeHtml(name)}">${escapeHtml(name)}</a>` : '';
    return `<li><b>${escapeHtml(status)}</b> ${escapeHtml(String(response.description ?? ''))}${link}</li>`;
  });
  return `<ul>${items.join('')}</ul>`;
}

export function renderDocsPage(doc: Json): string {
  const info = doc.info as Json;
  const paths = doc.paths as Record<string, Record<string, Json>>;
  const schemas = ((doc.components as Json | undefined)?.schemas ?? {}) as Record<string, Json>;
  const operations = Object.entries(paths)
    .flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => {
        const tryIt = path.includes('{') ? '' : ` <a class="try" href="${escapeHtml(path)}">open</a>`;
        return (
          `<section><h2><span class="method">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code>${tryIt}</h2>` +
          `<p>${escapeHtml(String(op.summary ?? ''))}</p>${op.description ? `<p>${escapeHtml(String(op.description))}</p>` : ''}` +
          `<h3>Parameters</h3>${renderParameters(op.parameters as Json[] | undefined)}<h3>Responses</h3>${renderResponses(op.responses as Json)}</section>`
        );
      }),
    )
    .join('\n');
  const schemaSections = Object.entries(schemas)
    .map(([name, schema]) => `<section id="schema-${escapeHtml(name)}"><h2>${escapeHtml(name)}</h2><pre>${escapeHtml(JSON.stringify(schema, null, 2))}</pre></section>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(String(info.title))} API</title>
<style>
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
code,pre{font-family:ui-monospace,monospace}pre{background:#f5f5f5;padding:.75rem;overflow:auto;font-size:.85rem}
section{border-top:1px solid #ddd;padding:.5rem 0}.method{background:#2b6cb0;color:#fff;padding:.1rem .4rem;border-radius:3px;font-size:.8rem}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
.muted{color:#777}.try{font-size:.8rem;margin-left:.5rem}
</style></head><body>
<h1>${escapeHtml(String(info.title))} <small class="muted">${escapeHtml(String(info.version))}</small></h1>
<p>${escapeHtml(String(info.description ?? ''))} Machine-readable: <a href="/openapi.json">/openapi.json</a>.</p>
${operations}
<h1>Schemas</h1>
${schemaSections}
</body></html>`;
}
