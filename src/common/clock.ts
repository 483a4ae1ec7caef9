import { Injectable } from '@nestjs/common';

/** The time every rule is evaluated at; a provider, so tests replace it with one they can move. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
