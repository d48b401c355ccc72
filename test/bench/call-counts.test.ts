import { describe, expect, it } from 'vitest';
import { apiEfficiency } from '../../bench/scenarios/api-efficiency.ts';

/**
 * The API-efficiency benchmark at a small size, call counts only (no timing): it fails when a
 * change makes the engine call more than the listing pages, the copies and the 1 % copy check.
 */
describe('API efficiency (call counts, 1,200 snapshots × 2 destinations)', () => {
  it('run 1 stays within 1 % of the minimum and a steady-state run makes only the listing calls', async () => {
    const result = await apiEfficiency({ snapshots: 1_200, destinations: 2 });
    const ratio = (label: string) => result.ratios.find((r) => r.label.startsWith(label))?.value;
    expect(ratio('run 1')).toBeLessThanOrEqual(1.01);
    expect(ratio('steady-state')).toBe(1);
  }, 240_000);
});
