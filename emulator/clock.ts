/**
 * Virtual time for the modelled cloud: runs at `speed` × real time and can be pushed forward.
 * Snapshot times and copy progress use it; signature timestamps use real time.
 */
export class VirtualClock {
  private anchorReal: number;
  private anchorVirtual: number;
  private currentSpeed: number;

  constructor(
    start: number,
    speed = 1,
    private readonly realNow: () => number = Date.now,
  ) {
    if (!(speed >= 0) || !Number.isFinite(speed))
      throw new RangeError('speed must be a finite number >= 0');
    this.anchorReal = realNow();
    this.anchorVirtual = start;
    this.currentSpeed = speed;
  }

  /** Virtual epoch milliseconds. */
  now(): number {
    return Math.floor(this.anchorVirtual + (this.realNow() - this.anchorReal) * this.currentSpeed);
  }

  get speed(): number {
    return this.currentSpeed;
  }

  advance(seconds: number): void {
    if (!(seconds >= 0) || !Number.isFinite(seconds))
      throw new RangeError('seconds must be a finite number >= 0');
    this.rebase();
    this.anchorVirtual += seconds * 1000;
  }

  setSpeed(speed: number): void {
    if (!(speed >= 0) || !Number.isFinite(speed))
      throw new RangeError('speed must be a finite number >= 0');
    this.rebase();
    this.currentSpeed = speed;
  }

  /** Moves virtual time to `virtualMs` (used when loading persisted state). */
  set(virtualMs: number): void {
    this.anchorReal = this.realNow();
    this.anchorVirtual = virtualMs;
  }

  private rebase(): void {
    const v = this.now();
    this.anchorReal = this.realNow();
    this.anchorVirtual = v;
  }
}
