/**
 * Runs in a child process of the memory scenario, so its peak RSS is the planner's alone (the
 * emulator and its world live in the parent). Plans the policy in BENCH_POLICY against
 * DR_REPLICATOR_ENDPOINT and prints one JSON line; with BENCH_IDLE=1 it loads the same modules
 * and plans nothing, which gives the floor to subtract.
 */
import {
  createCloudClients,
  credentialsFromEnv,
  endpointFromEnv,
} from '../../lib/cloud/clients.ts';
import { planPolicy } from '../../lib/engine/run.ts';
import { PolicySchema } from '../../lib/policy/schema.ts';

const policy = PolicySchema.parse(JSON.parse(process.env.BENCH_POLICY ?? '{}'));
let items = 0;
let wallMs = 0;
if (process.env.BENCH_IDLE !== '1') {
  const cloud = createCloudClients({
    credentials: credentialsFromEnv(process.env),
    endpoint: endpointFromEnv(process.env),
  });
  const started = performance.now();
  const plan = await planPolicy({ policy, cloud, runId: 'bench-memory' });
  wallMs = performance.now() - started;
  items = plan.items.length;
}
// maxRSS is the process's peak resident set in KiB, kept by the kernel: no sampling gaps.
process.stdout.write(
  `${JSON.stringify({ items, wallMs, maxRssKiB: process.resourceUsage().maxRSS })}\n`,
);
