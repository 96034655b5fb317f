// What a running pizzashop-api reports about its Pinot use, read from its /metrics.

/** Pinot queries the API at `baseUrl` has sent so far: its `pinot_query_duration_seconds` count over every query name and outcome. */
export async function apiPinotQueryCount(baseUrl: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(30_000) })).text();
  let total = 0;
  for (const m of text.matchAll(/^pinot_query_duration_seconds_count(?:\{[^}]*\})? (\S+)$/gm)) total += Number(m[1]);
  return total;
}
