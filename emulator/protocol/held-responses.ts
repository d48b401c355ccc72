import type { ServerResponse } from 'node:http';

/** How long a "timeout after accept" fault holds the connection before cutting it (real ms). */
const HOLD_MS = 120_000;

/** Responses a "timeout after accept" fault keeps open so the client times out. */
export class HeldResponses {
  private readonly held = new Set<ServerResponse>();

  /** Keeps the response open and cuts it after HOLD_MS. */
  hold(res: ServerResponse): void {
    this.held.add(res);
    const timer = setTimeout(() => {
      this.held.delete(res);
      res.socket?.destroy();
    }, HOLD_MS);
    timer.unref();
    res.on('close', () => {
      clearTimeout(timer);
      this.held.delete(res);
    });
  }

  /** Cuts every held connection (on stop). */
  cutAll(): void {
    for (const res of this.held) res.socket?.destroy();
    this.held.clear();
  }
}
