// Decides whether a Content-Type header names JSON, for POST /orders.
const JSON_MEDIA_TYPE = /^application\/(?:[\w.-]+\+)?json$/;

/**
 * Whether a Content-Type header names JSON: `application/json` or a structured-syntax type such as
 * `application/vnd.api+json`, in any case, with or without parameters such as `charset=utf-8`.
 */
export function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  const mediaType = header.split(';', 1)[0]!.trim().toLowerCase();
  return JSON_MEDIA_TYPE.test(mediaType);
}
