import * as v from "valibot";
import { integer, stringWhere } from "./field-schemas";
import { settings } from "./settings-schema";

/** A `rate(...)` schedule expression: group 1 the number, group 2 the unit. */
export const RATE_EXPRESSION = /^rate\((\d+) (hours?|days?)\)$/;
const CRON = /^cron\(\S+( \S+){5}\)$/;
const DURATION = /^(\d+)h$/;

/** `rate(<N> hours)` with N ≥ 4, `rate(<N> days)` with N from 1 to 1000, or `cron(<6 fields>)`. */
function isScheduleExpression(expression: string): boolean {
  const rate = RATE_EXPRESSION.exec(expression);
  if (rate === null) return CRON.test(expression);
  const n = Number(rate[1]);
  return rate[2].startsWith("hour") ? n >= 4 : n >= 1 && n <= 1000;
}

/**
 * When a secret rotates, as Secrets Manager's rotation rules take it: every N days, or on
 * a schedule expression with an optional window.
 */
export const RotationScheduleSchema = settings(
  {
    /** Every N days, 1–1000. */
    automaticallyAfterDays: v.optional(integer(1, 1000)),
    /** A `rate(<N> hours)` (N ≥ 4), `rate(<N> days)` (N from 1 to 1000) or `cron(...)` expression. */
    scheduleExpression: v.optional(
      stringWhere(
        "rate(<N> hours) with N ≥ 4, rate(<N> days) with N from 1 to 1000, or cron(<6 fields>)",
        isScheduleExpression,
      ),
    ),
    /** With `scheduleExpression`: the length of the window in which the rotation runs, `<N>h` with N from 1 to 24. */
    duration: v.optional(
      stringWhere("<N>h with N from 1 to 24, e.g. 3h", (duration) => {
        const hours = Number(DURATION.exec(duration)?.[1]);
        return hours >= 1 && hours <= 24;
      }),
    ),
  },
  [
    {
      fields: ["automaticallyAfterDays", "scheduleExpression"],
      check: ({ automaticallyAfterDays, scheduleExpression }, report) => {
        if ((automaticallyAfterDays === undefined) === (scheduleExpression === undefined)) {
          const which = automaticallyAfterDays === undefined ? "neither" : "both";
          const fields = `automaticallyAfterDays ${which === "both" ? "and" : "nor"} scheduleExpression`;
          report([], `sets ${which} ${fields}; allowed: exactly one of them`);
        }
      },
    },
    {
      fields: ["automaticallyAfterDays", "duration"],
      check: ({ automaticallyAfterDays, duration }, report) => {
        if (automaticallyAfterDays !== undefined && duration !== undefined) {
          report(["duration"], "is set with automaticallyAfterDays; allowed: only with scheduleExpression");
        }
      },
    },
  ],
);
