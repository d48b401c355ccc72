import { createHmac } from 'node:crypto';
import { Code } from '../codes.ts';
import type { AlertRecord } from '../records/types.ts';
import { Jitter, retry } from '../retry.ts';
import { WebhookDeliveryError } from './errors.ts';
import { alertMessage } from './webhook-message.ts';

export interface WebhookTarget {
  url: string;
  /** DingTalk "additional signature" secret: adds timestamp and sign to the query. */
  secret?: string;
}

export interface WebhookOptions {
  /** Attempts in all, including the first (bounded: the webhook must never hold a run up). */
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Per attempt. */
  timeoutMs?: number;
  /** Epoch ms; DingTalk rejects a timestamp more than an hour off. */
  now?: () => number;
  /** Injected so tests can observe the backoff instead of waiting it out. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export const WEBHOOK_DEFAULTS = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 8000,
  timeoutMs: 10_000,
} as const;

/** DingTalk's "sending too fast" code: worth another try, unlike a bad signature or keyword. */
const DINGTALK_RATE_LIMITED = 130101;

export interface WebhookDelivery {
  attempts: number;
  status: number;
}

export interface AlertNotifier {
  notify(alerts: readonly AlertRecord[]): Promise<WebhookDelivery | undefined>;
}

/**
 * Posts alert batches to a DingTalk-compatible webhook with bounded full-jitter retries on
 * network errors, timeouts, 429 and 5xx. Error messages name the endpoint without its query,
 * where DingTalk keeps the access token.
 */
export function createWebhookNotifier(
  target: WebhookTarget,
  options: WebhookOptions = {},
): AlertNotifier {
  const maxAttempts = Math.max(1, options.maxAttempts ?? WEBHOOK_DEFAULTS.maxAttempts);
  const baseDelayMs = options.baseDelayMs ?? WEBHOOK_DEFAULTS.baseDelayMs;
  const maxDelayMs = options.maxDelayMs ?? WEBHOOK_DEFAULTS.maxDelayMs;
  const timeoutMs = options.timeoutMs ?? WEBHOOK_DEFAULTS.timeoutMs;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = options.random ?? Math.random;
  const endpoint = redactUrl(target.url);

  return {
    async notify(alerts) {
      if (alerts.length === 0) return undefined;
      const body = JSON.stringify(alertMessage(alerts));
      const { value: status, attempts } = await retry(
        async () => {
          const outcome = await postOnce(signedUrl(target, now()), body, timeoutMs, endpoint);
          if (!outcome.ok) throw new RefusedAttemptError(outcome);
          return outcome.status;
        },
        {
          attempts: maxAttempts,
          baseDelayMs,
          maxDelayMs,
          jitter: Jitter.FullWholeMs,
          sleep: (ms) => sleep(ms),
          random,
          classify: (error) => error instanceof RefusedAttemptError && error.attempt.retryable,
          giveUp: (error) => (error instanceof RefusedAttemptError ? error.attempt.error : error),
        },
      );
      return { attempts, status };
    },
  };
}

/** DingTalk: sign = base64(HMAC-SHA256(secret, `${timestamp}\n${secret}`)), both in the query. */
export function signedUrl(target: WebhookTarget, timestampMs: number): string {
  if (target.secret === undefined || target.secret === '') return target.url;
  const sign = createHmac('sha256', target.secret)
    .update(`${timestampMs}\n${target.secret}`)
    .digest('base64');
  const url = new URL(target.url);
  url.searchParams.set('timestamp', String(timestampMs));
  url.searchParams.set('sign', sign);
  return url.toString();
}

/** scheme://host/path: safe for logs (tokens and signatures live in the query). */
export function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return '<invalid url>';
  }
}

type Attempt =
  | { ok: true; status: number }
  | { ok: false; retryable: boolean; error: WebhookDeliveryError };

async function postOnce(
  url: string,
  body: string,
  timeoutMs: number,
  endpoint: string,
): Promise<Attempt> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    // fetch's own message can quote the URL; keep only the error name.
    const reason = error instanceof Error ? error.name : 'error';
    return {
      ok: false,
      retryable: true,
      error: new WebhookDeliveryError(
        Code.WebhookUnreachable,
        `alert webhook ${endpoint} unreachable (${reason})`,
        { cause: sanitizedCause(error) },
      ),
    };
  }
  const text = await response.text().catch(() => '');
  if (response.status === 429 || response.status >= 500) {
    return rejected(endpoint, `HTTP ${response.status}`, true);
  }
  if (response.status < 200 || response.status >= 300) {
    return rejected(endpoint, `HTTP ${response.status}`, false);
  }
  const errcode = dingTalkErrcode(text);
  if (errcode !== undefined && errcode !== 0) {
    return rejected(endpoint, `errcode ${errcode}`, errcode === DINGTALK_RATE_LIMITED);
  }
  return { ok: true, status: response.status };
}

/** A failed post carried through the retry loop (postOnce answers, it does not throw). */
class RefusedAttemptError extends Error {
  readonly attempt: Extract<Attempt, { ok: false }>;
  constructor(attempt: Extract<Attempt, { ok: false }>) {
    super(attempt.error.message);
    this.attempt = attempt;
  }
}

function rejected(endpoint: string, reason: string, retryable: boolean): Attempt {
  return {
    ok: false,
    retryable,
    error: new WebhookDeliveryError(
      Code.WebhookRejected,
      `alert webhook ${endpoint} refused the message (${reason})`,
    ),
  };
}

/** DingTalk answers 200 with {errcode, errmsg}; other receivers may answer anything. */
function dingTalkErrcode(text: string): number | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && 'errcode' in parsed) {
      const code = Number((parsed as { errcode: unknown }).errcode);
      return Number.isFinite(code) ? code : undefined;
    }
  } catch {
    // Not JSON: a plain receiver; the status code decided.
  }
  return undefined;
}

/** The cause without anything that may carry the signed URL. */
function sanitizedCause(error: unknown): unknown {
  if (!(error instanceof Error)) return undefined;
  const code = (error.cause as { code?: unknown } | undefined)?.code;
  return { name: error.name, ...(typeof code === 'string' ? { code } : {}) };
}
