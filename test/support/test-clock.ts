import { Clock } from '../../src/common/clock';

/** A clock tests can pin (null returns to real time); replaces the Clock provider in test apps. */
export class TestClock extends Clock {
  private fixed: Date | null = null;

  override now(): Date {
    return this.fixed ? new Date(this.fixed) : new Date();
  }

  set(date: Date | null): void {
    this.fixed = date ? new Date(date) : null;
  }
}
