import type { Centre } from '../../../entities';
import { straightLineMetres } from '../../lib/geo';

/**
 * Whether a centre's delivery area takes in a home: the home's community is one the centre lists, or the home is
 * within its radius (straight line from the centre). A centre with neither set has no limit recorded: it delivers
 * wherever its staff agree to, as before areas were kept. A home with no location is judged by its community alone.
 */
export function deliversTo(
  centre: Pick<Centre, 'deliveryCommunityIds' | 'deliveryRadiusMetres' | 'latitude' | 'longitude'>,
  home: { regionId: number; latitude: number | null; longitude: number | null },
): boolean {
  const communities = centre.deliveryCommunityIds.map(Number);
  if (communities.length === 0 && centre.deliveryRadiusMetres === null) return true;
  if (communities.includes(home.regionId)) return true;
  if (centre.deliveryRadiusMetres === null || home.latitude === null || home.longitude === null) return false;
  return straightLineMetres(centre.latitude, centre.longitude, home.latitude, home.longitude) <= centre.deliveryRadiusMetres;
}
