import { Outcome } from '../../records/types.ts';
import type { SourceDiscovery } from '../discover.ts';
import type { DestinationInput } from './input.ts';
import { newItem, pairRef, type WorkItem } from './item.ts';

/** Selected snapshots that are never copied (a copy, our tags, an uncopyable category). */
export function excludedItems(sources: SourceDiscovery[], destinations: DestinationInput[]) {
  const items: WorkItem[] = [];
  for (const source of sources) {
    for (const { snapshot, reason, code } of source.excluded) {
      for (const { dest } of destinations) {
        const item = newItem(pairRef(snapshot, dest.region, 0), 'skipped', Outcome.Skipped, reason);
        item.errorCode = code;
        item.primary = true;
        items.push(item);
      }
    }
  }
  return items;
}
