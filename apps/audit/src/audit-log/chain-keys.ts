/** One HMAC key of the audit chain; rows name it by `id`, never carry the secret. */
export interface ChainKey {
  id: string;
  secret: string;
}

/**
 * The key new rows are chained with, and every key older rows may name: verifying needs all of
 * them, so a retired key stays listed as long as rows chained with it are kept.
 */
export class ChainKeyRing {
  private readonly secrets: Map<string, Buffer>;

  constructor(
    readonly active: ChainKey,
    previous: readonly ChainKey[] = [],
  ) {
    this.secrets = new Map();
    for (const key of [active, ...previous]) {
      if (this.secrets.has(key.id)) throw new RangeError(`chain key id ${key.id} is listed twice`);
      this.secrets.set(key.id, Buffer.from(key.secret, 'utf8'));
    }
  }

  /** The secret of key `id`, or undefined when this ring does not know it. */
  secret(id: string): Buffer | undefined {
    return this.secrets.get(id);
  }

  get activeSecret(): Buffer {
    return this.secrets.get(this.active.id) as Buffer;
  }

  get ids(): string[] {
    return [...this.secrets.keys()];
  }
}

/** Shorter keys are guessable; 32 characters of `openssl rand -base64 32` carry ~190 bits. */
export const MIN_CHAIN_KEY_LENGTH = 32;

/**
 * Used outside production when AUDIT_CHAIN_KEY is unset. It is published here, so it proves
 * nothing against a rewriter: production refuses to start without a key of its own.
 */
export const DEV_CHAIN_KEY: ChainKey = {
  id: 'dev',
  secret: 'billwerk-bridge-dev-only-audit-chain-key-not-a-secret',
};
