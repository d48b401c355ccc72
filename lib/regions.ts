/**
 * Alibaba Cloud region ids known to the policy validator and the emulator. Kept in one
 * place so a new region is one line. Source: ECS DescribeRegions (public regions).
 */
export const REGIONS = {
  'cn-qingdao': 'China (Qingdao)',
  'cn-beijing': 'China (Beijing)',
  'cn-zhangjiakou': 'China (Zhangjiakou)',
  'cn-huhehaote': 'China (Hohhot)',
  'cn-wulanchabu': 'China (Ulanqab)',
  'cn-hangzhou': 'China (Hangzhou)',
  'cn-shanghai': 'China (Shanghai)',
  'cn-nanjing': 'China (Nanjing - Local Region)',
  'cn-fuzhou': 'China (Fuzhou - Local Region)',
  'cn-shenzhen': 'China (Shenzhen)',
  'cn-heyuan': 'China (Heyuan)',
  'cn-guangzhou': 'China (Guangzhou)',
  'cn-chengdu': 'China (Chengdu)',
  'cn-hongkong': 'China (Hong Kong)',
  'ap-northeast-1': 'Japan (Tokyo)',
  'ap-northeast-2': 'South Korea (Seoul)',
  'ap-southeast-1': 'Singapore',
  'ap-southeast-3': 'Malaysia (Kuala Lumpur)',
  'ap-southeast-5': 'Indonesia (Jakarta)',
  'ap-southeast-6': 'Philippines (Manila)',
  'ap-southeast-7': 'Thailand (Bangkok)',
  'us-east-1': 'US (Virginia)',
  'us-west-1': 'US (Silicon Valley)',
  'na-south-1': 'Mexico',
  'eu-west-1': 'UK (London)',
  'eu-central-1': 'Germany (Frankfurt)',
  'me-east-1': 'UAE (Dubai)',
  'me-central-1': 'Saudi Arabia (Riyadh)',
} as const;

export type RegionId = keyof typeof REGIONS;

export function isKnownRegion(id: string): id is RegionId {
  return Object.hasOwn(REGIONS, id);
}
