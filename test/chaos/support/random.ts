// The emulator's own mulberry32, so a failing kill schedule replays from its seed.
export { seededRandom } from '../../../emulator/model/ids.ts';

/** An integer in [min, max]. */
export function intBetween(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}
