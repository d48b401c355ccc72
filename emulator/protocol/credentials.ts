import { randomBytes } from 'node:crypto';

/** The fixed pair every emulator accepts, so separate CLI processes can sign without setup. */
export const DEFAULT_CREDENTIALS = {
  accessKeyId: 'LTAIemulatorAccessKey',
  accessKeySecret: 'emulatorAccessKeySecretNotForProduction',
} as const;

export interface StsCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken: string;
  /** ISO 8601 UTC, real time */
  expiration: string;
}

interface StsRecord extends StsCredentials {
  expiresAtMs: number;
}

export type CredentialCheck =
  | { ok: true; secret: string }
  | {
      ok: false;
      code:
        | 'InvalidAccessKeyId.NotFound'
        | 'InvalidSecurityToken.Expired'
        | 'InvalidSecurityToken.MismatchWithAccessKey';
    };

/**
 * Access keys the emulator accepts: the default pair plus STS pairs issued through the admin
 * API (each bound to its SecurityToken, valid for an hour of real time like a role session).
 */
export class CredentialStore {
  private readonly sts = new Map<string, StsRecord>();

  constructor(
    private readonly realNow: () => number = Date.now,
    private readonly stsTtlMs = 3_600_000,
  ) {}

  /** `ttlMs`: an AssumeRole session's DurationSeconds; default an hour. */
  issueSts(ttlMs: number = this.stsTtlMs): StsCredentials {
    const expiresAtMs = this.realNow() + ttlMs;
    const record: StsRecord = {
      accessKeyId: `STS.${randomBytes(12).toString('base64url')}`,
      accessKeySecret: randomBytes(24).toString('base64url'),
      securityToken: `CAIS${randomBytes(48).toString('base64url')}`,
      expiration: new Date(expiresAtMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      expiresAtMs,
    };
    this.sts.set(record.accessKeyId, record);
    const { expiresAtMs: _drop, ...creds } = record;
    return creds;
  }

  /** The secret for a key id, or undefined (used by the SLS service too). */
  lookupSecret(accessKeyId: string): string | undefined {
    if (accessKeyId === DEFAULT_CREDENTIALS.accessKeyId) return DEFAULT_CREDENTIALS.accessKeySecret;
    const sts = this.sts.get(accessKeyId);
    if (sts === undefined || sts.expiresAtMs <= this.realNow()) return undefined;
    return sts.accessKeySecret;
  }

  check(accessKeyId: string, securityToken: string | undefined): CredentialCheck {
    if (accessKeyId === DEFAULT_CREDENTIALS.accessKeyId) {
      return { ok: true, secret: DEFAULT_CREDENTIALS.accessKeySecret };
    }
    const sts = this.sts.get(accessKeyId);
    if (sts === undefined) return { ok: false, code: 'InvalidAccessKeyId.NotFound' };
    if (sts.expiresAtMs <= this.realNow())
      return { ok: false, code: 'InvalidSecurityToken.Expired' };
    if (securityToken !== sts.securityToken) {
      return { ok: false, code: 'InvalidSecurityToken.MismatchWithAccessKey' };
    }
    return { ok: true, secret: sts.accessKeySecret };
  }

  /** Issued STS pairs, for persistence (they must survive an emulator restart). */
  exportSts(): StsRecord[] {
    return [...this.sts.values()];
  }

  importSts(records: readonly StsRecord[]): void {
    for (const r of records) this.sts.set(r.accessKeyId, r);
  }

  clear(): void {
    this.sts.clear();
  }
}
