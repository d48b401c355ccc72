import { createCloudClients } from '../lib/cloud/clients.ts';
import { createContext } from '../lib/engine/context.ts';
import { discover } from '../lib/engine/discover.ts';
import { planPolicy } from '../lib/engine/run.ts';
import { PolicySchema } from '../lib/policy/schema.ts';
const policy = PolicySchema.parse({ name: 'bench-scale', schedule: '0 0 * * * *', source: { regions: ['cn-hangzhou', 'cn-shanghai', 'cn-shenzhen', 'cn-qingdao'], lookbackHours: 720 }, destinations: ['cn-beijing', 'ap-southeast-1', 'us-west-1'].map((region) => ({ region })) });
const cloud = createCloudClients({ credentials: { accessKeyId: 'LTAIemulatorAccessKey', accessKeySecret: 'emulatorAccessKeySecretNotForProduction' }, endpoint: process.env.EP });
const mem = (l: string) => { global.gc?.(); const m = process.memoryUsage(); console.log(l, Math.round(m.rss/1e6), Math.round(m.heapUsed/1e6)); };
mem('start');
let t = performance.now();
if (process.env.MODE === 'discover') {
  const ctx = createContext({ policy, cloud });
  const d = await discover(ctx);
  console.log('discover ms', performance.now() - t, d.reduce((n, x) => n + x.snapshots.length, 0));
  mem('after discover');
} else {
  const plan = await planPolicy({ policy, cloud });
  console.log('plan ms', performance.now() - t, plan.items.length);
  mem('after plan');
}
console.log('maxrss', process.resourceUsage().maxRSS / 1024);
