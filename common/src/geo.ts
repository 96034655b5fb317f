/** A point on Earth in degrees. */
export interface LatLon {
  lat: number;
  lon: number;
}

const EARTH_RADIUS_KM = 6371;
const rad = (deg: number) => (deg * Math.PI) / 180;

/** Great-circle distance in km (haversine). */
export function distanceKm(a: LatLon, b: LatLon): number {
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The point a fraction `f` (0..1) of the way from `a` to `b` (straight line in degrees: fine over a city). */
export function interpolate(a: LatLon, b: LatLon, f: number): LatLon {
  const t = Math.min(1, Math.max(0, f));
  return { lat: a.lat + (b.lat - a.lat) * t, lon: a.lon + (b.lon - a.lon) * t };
}

/** Parses `lat,lon`; the error says what is wrong. */
export function parseLatLon(raw: string): LatLon {
  const parts = raw.split(',').map((s) => Number(s.trim()));
  const [lat, lon] = parts;
  if (parts.length !== 2 || parts.some((n) => !Number.isFinite(n))) throw new Error(`must be "lat,lon", e.g. "12.975,77.625"; got "${raw}"`);
  if (Math.abs(lat!) > 90 || Math.abs(lon!) > 180) throw new Error(`(${lat}, ${lon}) is not a point on Earth`);
  return { lat: lat!, lon: lon! };
}
