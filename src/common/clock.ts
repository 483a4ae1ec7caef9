import { Injectable } from '@nestjs/common';

/** The time every rule is evaluated at; injectable so tests can move it. */
@Injectable()
export class Clock {
  private fixed: Date | null = null;

  now(): Date {
    return this.fixed ? new Date(this.fixed) : new Date();
  }

  /** Tests only: pin the clock (null returns to real time). */
  set(date: Date | null): void {
    this.fixed = date ? new Date(date) : null;
  }
}
