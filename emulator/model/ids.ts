/** Two-letter id prefixes the real regions use (s-bp... is a Hangzhou snapshot). */
const REGION_PREFIX: Record<string, string> = {
  'cn-hangzhou': 'bp',
  'cn-shanghai': 'uf',
  'cn-beijing': '2z',
  'cn-shenzhen': 'wz',
  'cn-qingdao': 'm5',
  'cn-zhangjiakou': '8v',
  'cn-hongkong': 'j6',
  'ap-southeast-1': 't4',
  'us-west-1': 'rj',
  'us-east-1': '0x',
  'eu-central-1': 'gw',
};

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export function regionPrefix(regionId: string): string {
  const known = REGION_PREFIX[regionId];
  if (known !== undefined) return known;
  let h = 0;
  for (const c of regionId) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return ALPHABET[h % 26]! + ALPHABET[(h >>> 5) % 36]!;
}

/** An id like `s-bp1g2h...` (20 characters after the dash), drawn from `random`. */
export function resourceId(kind: 's' | 'd' | 'i', regionId: string, random: () => number): string {
  let tail = '';
  for (let i = 0; i < 18; i++) tail += ALPHABET[Math.floor(random() * ALPHABET.length)];
  return `${kind}-${regionPrefix(regionId)}${tail}`;
}

/** Small seeded PRNG (mulberry32): worlds and fault decisions reproducible from a seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
