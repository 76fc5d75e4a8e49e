/**
 * Structured logging: one JSON object per line on stdout, which CloudWatch Logs stores
 * as one event. Every message passes through a Redactor first.
 */

export type LogLevel = "info" | "error";

/** `progress` for intermediate lines, then one final line per invocation. */
export type Outcome = "progress" | "success" | "noop" | "error";

export interface LogEntry {
  readonly level: LogLevel;
  readonly secretArn: string;
  readonly step: string;
  readonly token: string;
  readonly outcome: Outcome;
  readonly message: string;
  /** Milliseconds since the invocation started. */
  readonly durationMs: number;
}

/**
 * Remembers every password the invocation has handled and blanks it out of text that
 * is about to be logged or thrown: a second line of defence behind messages that never
 * include secret values in the first place.
 */
export class Redactor {
  private readonly secrets = new Set<string>();

  add(secret: string): void {
    if (secret !== "") this.secrets.add(secret);
  }

  redact(text: string): string {
    let result = text;
    for (const secret of this.secrets) result = result.split(secret).join("[REDACTED]");
    return result;
  }
}

export class InvocationLogger {
  private readonly startedAt = Date.now();

  constructor(
    private readonly fields: Pick<LogEntry, "secretArn" | "step" | "token">,
    private readonly redactor: Redactor,
  ) {}

  info(message: string, outcome: Outcome = "progress"): void {
    this.write("info", outcome, message);
  }

  error(message: string): void {
    this.write("error", "error", message);
  }

  private write(level: LogLevel, outcome: Outcome, message: string): void {
    const entry: LogEntry = {
      level,
      ...this.fields,
      outcome,
      message: this.redactor.redact(message),
      durationMs: Date.now() - this.startedAt,
    };
    process.stdout.write(`${JSON.stringify(entry)}\n`);
  }
}
