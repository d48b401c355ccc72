import { type Policy, PolicySchema } from '../../lib/policy/schema.ts';

export interface BenchPolicyOptions {
  name: string;
  sourceRegions: string[];
  destRegions: string[];
  /** Per real minute: scenarios on a sped-up clock scale their per-virtual-minute figures. */
  requestsPerMinute: Record<string, number>;
  maxConcurrentCopies: number;
}

/** A plain replicate-everything policy, parsed by the real schema so defaults match production. */
export function benchPolicy(options: BenchPolicyOptions): Policy {
  return PolicySchema.parse({
    name: options.name,
    schedule: '0 0 */4 * * *',
    source: { regions: options.sourceRegions, lookbackHours: 24 * 365, copyMode: 'all' },
    destinations: options.destRegions.map((region) => ({
      region,
      maxConcurrentCopies: options.maxConcurrentCopies,
    })),
    limits: { requestsPerMinute: options.requestsPerMinute },
    log: { type: 'stdout' },
  });
}
