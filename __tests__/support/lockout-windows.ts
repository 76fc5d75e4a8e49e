/**
 * The lockout window of each single-user rotation, as seen from the rotation function:
 * from the moment it asks the database to change the user's own password (the database
 * may apply the change at any moment from then on, and the AWSCURRENT password stops
 * logging in) to the end of finishSecret (AWSCURRENT has the new password). setSecret
 * goes on after the change (it closes its session and logs), so a window that starts at
 * the end of setSecret starts too late: logins fail before it, tens of milliseconds
 * earlier on a loaded machine.
 *
 * Alternating-users rotations never change the password of the AWSCURRENT user, so they
 * open no window.
 */
import { performance } from "node:perf_hooks";
import { DEFAULT_ENGINES, type DatabaseEngine, type EngineRegistry } from "../../lambda/engines";
import type { RotationStep } from "./fake-secrets-manager";

export interface Interval {
  readonly start: number;
  readonly end: number;
}

export class LockoutWindows {
  /** The windows of the rotations that completed, in `performance.now()` milliseconds. */
  readonly windows: Interval[] = [];
  /** The real database engines, reporting each change of a user's own password: the rotation function's `engines`. */
  readonly engines: EngineRegistry = {
    mysql: this.reporting(DEFAULT_ENGINES.mysql),
    postgres: this.reporting(DEFAULT_ENGINES.postgres),
  };
  private openedAt: number | undefined;

  /** The `afterStep` hook of `RotationDriver.rotate`: closes the window at the end of finishSecret. */
  readonly afterStep = (step: RotationStep): void => {
    if (step === "finishSecret" && this.openedAt !== undefined) {
      this.windows.push({ start: this.openedAt, end: performance.now() });
      this.openedAt = undefined;
    }
  };

  private reporting(engine: DatabaseEngine): DatabaseEngine {
    return {
      connect: async (target, credentials, options) => {
        const session = await engine.connect(target, credentials, options);
        return new Proxy(session, {
          get: (real, property) => {
            if (property === "setOwnPassword") {
              return (password: string) => {
                this.openedAt ??= performance.now();
                return real.setOwnPassword(password);
              };
            }
            const value: unknown = Reflect.get(real, property);
            return typeof value === "function" ? value.bind(real) : value;
          },
        });
      },
    };
  }
}
