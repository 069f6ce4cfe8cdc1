/**
 * Walking distance for seniors. Straight-line distance is stretched by a detour factor for streets, and walked
 * at 60 m/min (about 1 m/s, a typical pace for people over 75; the "10-minute elderly-care circle" in the
 * Haining plan is measured on foot).
 */
export const SENIOR_WALK_METRES_PER_MINUTE = 60;
export const STREET_DETOUR_FACTOR = 1.25;

const EARTH_RADIUS_M = 6_371_000;

export function straightLineMetres(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLng = (lng2 - lng1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

export function walkingMetres(lat1: number, lng1: number, lat2: number, lng2: number): number {
  return Math.round(straightLineMetres(lat1, lng1, lat2, lng2) * STREET_DETOUR_FACTOR);
}

export function walkingMinutes(metres: number): number {
  return Math.max(1, Math.ceil(metres / SENIOR_WALK_METRES_PER_MINUTE));
}
