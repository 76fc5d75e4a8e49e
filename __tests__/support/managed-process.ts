/**
 * Child processes for the integration test servers: bounded waits, logs in files, and
 * no orphans. Every server is started through `setpriv --pdeathsig`, so the kernel
 * signals it when the process that started it dies, even by SIGKILL.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";

/** How to run a program. */
export interface ProcessSpec {
  /** Absolute path or name on PATH. */
  readonly command: string;
  readonly args: readonly string[];
  /** File that receives stdout and stderr (appended). */
  readonly logPath: string;
  /** Run as this system user (name), e.g. `postgres`. @default the current user */
  readonly runAs?: string;
  /** Working directory. @default the current one */
  readonly cwd?: string;
  /** Signal the program gets when its parent dies, and on `stop()`. @default "SIGTERM" */
  readonly stopSignal?: NodeJS.Signals;
}

/** The last characters of a log file, for error messages. */
export function logTail(logPath: string, chars = 2000): string {
  try {
    const text = readFileSync(logPath, "utf8");
    return text.slice(-chars);
  } catch {
    return "(no log)";
  }
}

function launch(spec: ProcessSpec): ChildProcess {
  const stopSignal = spec.stopSignal ?? "SIGTERM";
  const identity = spec.runAs ? ["--reuid", spec.runAs, "--regid", spec.runAs, "--clear-groups"] : [];
  const log = openSync(spec.logPath, "a");
  try {
    return spawn("setpriv", ["--pdeathsig", stopSignal.replace(/^SIG/, ""), ...identity, "--", spec.command, ...spec.args], {
      stdio: ["ignore", log, log],
      cwd: spec.cwd,
    });
  } finally {
    closeSync(log);
  }
}

/** A long-running program (a database server). */
export class ManagedProcess {
  private readonly child: ChildProcess;
  private exitStatus: string | undefined;
  /** Settles when the process has exited; never rejects. */
  readonly exited: Promise<string>;

  constructor(private readonly spec: ProcessSpec) {
    this.child = launch(spec);
    this.exited = new Promise((resolve) => {
      this.child.once("error", (error) => {
        this.exitStatus = `failed to start: ${error.message}`;
        resolve(this.exitStatus);
      });
      this.child.once("exit", (code, signal) => {
        this.exitStatus = signal ? `killed by ${signal}` : `exited with code ${code}`;
        resolve(this.exitStatus);
      });
    });
  }

  /** Why the process ended, or `undefined` while it runs. */
  get exitReason(): string | undefined {
    return this.exitStatus;
  }

  /** Sends the stop signal and waits for the exit; SIGKILL after `timeoutMs`. */
  async stop(timeoutMs = 15_000): Promise<void> {
    if (this.exitStatus !== undefined) return;
    this.child.kill(this.spec.stopSignal ?? "SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), timeoutMs);
    try {
      await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Synchronous last resort for `process.on("exit")`. */
  killNow(): void {
    if (this.exitStatus === undefined) this.child.kill("SIGKILL");
  }
}

/** Runs a short program to completion; rejects with its log tail on failure or after `timeoutMs`. */
export async function runToCompletion(spec: ProcessSpec, timeoutMs = 60_000): Promise<void> {
  const child = new ManagedProcess(spec);
  const timer = setTimeout(() => child.killNow(), timeoutMs);
  try {
    const status = await child.exited;
    if (status !== "exited with code 0") {
      throw new Error(`${spec.command} ${status}:\n${logTail(spec.logPath)}`);
    }
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Polls `probe` until it resolves, every `intervalMs`, for at most `timeoutMs`.
 * `abortReason` is checked first on every round (e.g. "the server exited").
 */
export async function waitUntil(
  what: string,
  probe: () => Promise<unknown>,
  options: { timeoutMs: number; intervalMs?: number; abortReason?: () => string | undefined },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    const abort = options.abortReason?.();
    if (abort !== undefined) throw new Error(`${what}: ${abort}`);
    try {
      await probe();
      return;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      throw new Error(`${what}: not ready after ${options.timeoutMs} ms (${(lastError as Error)?.message ?? lastError})`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 50));
  }
}
