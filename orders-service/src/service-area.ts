// The circle around the shop orders-service delivers to, and the check that a delivery point is inside it.
import { distanceKm } from '@pizzashop/common';

/** Where orders-service delivers: a circle around the shop, and the distance check against it. */
export interface ServiceArea {
  lat: number;
  lon: number;
  radiusKm: number;
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
