import type { AlertRecord } from '../records/types.ts';

/** DingTalk custom-robot body; other receivers that speak this shape (Feishu bridges...) work too. */
export interface MarkdownMessage {
  msgtype: 'markdown';
  markdown: { title: string; text: string };
}

/** Alerts listed in one message; the rest are counted, keeping it under DingTalk's size limit. */
export const MAX_ALERTS_PER_MESSAGE = 20;

/**
 * One message per batch of alerts (a run or a status check), not one per alert, so a wide
 * outage pages once. Built only from alert records, which never carry secrets.
 */
export function alertMessage(alerts: readonly AlertRecord[]): MarkdownMessage {
  const policies = [...new Set(alerts.map((a) => a.policy))];
  const kinds = [...new Set(alerts.map((a) => a.alert))];
  const title = `dr-replicator ${policies.join(', ')}: ${kinds.join(', ')}`;
  const lines = [`### ${md(title)}`, ''];
  for (const a of alerts.slice(0, MAX_ALERTS_PER_MESSAGE)) {
    const where = [
      a.diskId,
      a.sourceRegion && `from ${a.sourceRegion}`,
      a.destRegion && `to ${a.destRegion}`,
    ]
      .filter((part): part is string => Boolean(part))
      .join(' ');
    const code = a.errorCode === undefined ? '' : ` \`${md(a.errorCode)}\``;
    lines.push(`- **${a.alert}**${where ? ` ${md(where)}` : ''}${code}: ${md(a.message)}`);
  }
  if (alerts.length > MAX_ALERTS_PER_MESSAGE) {
    lines.push(`- ... and ${alerts.length - MAX_ALERTS_PER_MESSAGE} more`);
  }
  const first = alerts[0];
  if (first !== undefined) lines.push('', `run \`${md(first.runId)}\` at ${md(first.time)}`);
  return { msgtype: 'markdown', markdown: { title, text: lines.join('\n') } };
}

/** Keeps record text from turning into markdown structure (links, emphasis, headings). */
function md(text: string): string {
  return text.replace(/[\\`*_[\]#<>|]/g, (c) => `\\${c}`).replace(/\s*\n\s*/g, ' ');
}
