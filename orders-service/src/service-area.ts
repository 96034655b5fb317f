/** Where orders-service delivers: a circle around the shop, and the distance check against it. */
export interface ServiceArea {
  lat: number;
  lon: number;
  radiusKm: number;
}

const EARTH_RADIUS_KM = 6371;
const rad = (deg: number) => (deg * Math.PI) / 180;

/** Great-circle distance in km (haversine). */
export function distanceKm(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function inServiceArea(area: ServiceArea, point: { lat: number; lon: number }): boolean {
  return distanceKm(area, point) <= area.radiusKm;
}

export function describeServiceArea(area: ServiceArea): string {
  return `within ${area.radiusKm} km of the shop at (${area.lat}, ${area.lon})`;
}

/** Parses `lat,lon,radiusKm` (ORDERS_SERVICE_AREA); the error says what is wrong. */
export function parseServiceArea(raw: string): ServiceArea {
  const parts = raw.split(',').map((s) => Number(s.trim()));
  const [lat, lon, radiusKm] = parts;
  if (parts.length !== 3 || parts.some((n) => !Number.isFinite(n))) throw new Error(`must be "lat,lon,radiusKm", e.g. "12.975,77.625,25"; got "${raw}"`);
  if (Math.abs(lat!) > 90 || Math.abs(lon!) > 180) throw new Error(`the centre (${lat}, ${lon}) is not a point on Earth`);
  if (!(radiusKm! > 0)) throw new Error(`the radius must be a positive number of km; got ${radiusKm}`);
  return { lat: lat!, lon: lon!, radiusKm: radiusKm! };
}
