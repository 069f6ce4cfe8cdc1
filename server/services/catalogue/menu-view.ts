import type { Dish } from '../../../entities';
import type { DishView } from '../../contracts/api-types';
import { dishLabels } from '../../words/menus';

/** A dish as the API shows it: its tags and allergens with their words. */
export function dishView(d: Dish): DishView {
  return { name: d.name, flags: [...d.flags], allergens: [...(d.allergens ?? [])], ...dishLabels(d) };
}
