import { describe, expect, it } from 'vitest';
import { EMULATED_REGIONS } from '../../emulator/regions.ts';
import { REGIONS } from '../../lib/regions.ts';

describe('the emulated cloud’s regions', () => {
  it('are the regions the policy validator knows, with the same names', () => {
    expect(EMULATED_REGIONS).toEqual(REGIONS);
  });
});
