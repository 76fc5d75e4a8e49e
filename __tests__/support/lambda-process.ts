/**
 * A deployed function, as Lambda runs it: the unpacked deployment package's `index.js`
 * loaded by a Node.js process of its own whose environment is the function's variables
 * and nothing else of the test's, `LAMBDA_TASK_ROOT` the package directory. Invocations
 * go in as JSON lines on stdin; results come back on file descriptor 3, so that the
 * function's own output (its JSON log lines on stdout) stays apart.
 *
 * The process runs this Node.js, or the binary named by `LAMBDA_NODE`, to run the
 * functions on a Lambda runtime's version (e.g. `node_modules/node/bin/node` of `npm i node@24`).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";

const RUNTIME = `
const path = require("node:path");
const { handler } = require(path.join(process.env.LAMBDA_TASK_ROOT, "index.js"));
const replies = require("node:fs").createWriteStream(null, { fd: 3 });
require("node:readline").createInterface({ input: process.stdin }).on("line", async (line) => {
  const { id, event } = JSON.parse(line);
  try {
    const result = await handler(event);
    replies.write(JSON.stringify({ id, result: result === undefined ? null : result }) + "\\n");
  } catch (error) {
    replies.write(JSON.stringify({ id, error: { name: error.name, message: error.message } }) + "\\n");
  }
});
`;

/** An error the function threw, as Lambda reports it: its name and message. */
export class FunctionError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export class LambdaProcess {
  /** What the function wrote to stdout and stderr, line by line. */
  readonly output: string[] = [];
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private nextId = 1;

  private constructor(private readonly child: ChildProcess) {
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream as Readable }).on("line", (line) => this.output.push(line));
    }
    createInterface({ input: child.stdio[3] as Readable }).on("line", (line) => {
      const reply = JSON.parse(line) as { id: number; result?: unknown; error?: { name: string; message: string } };
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.error) waiting?.reject(new FunctionError(reply.error.name, reply.error.message));
      else waiting?.resolve(reply.result);
    });
    child.once("exit", (code) => {
      for (const { reject } of this.pending.values()) reject(new Error(`the function's process exited with ${code}`));
      this.pending.clear();
    });
  }

  /** Starts the function of the package unpacked in `taskRoot`, with exactly `environment` (and PATH). */
  static start(taskRoot: string, environment: Readonly<Record<string, string>>): LambdaProcess {
    const child = spawn(process.env.LAMBDA_NODE ?? process.execPath, ["-e", RUNTIME], {
      env: { PATH: process.env.PATH ?? "", ...environment, LAMBDA_TASK_ROOT: taskRoot },
      stdio: ["pipe", "pipe", "pipe", "pipe"],
    });
    return new LambdaProcess(child);
  }

  /** One invocation; rejects with a {@link FunctionError} when the handler throws. */
  invoke(event: unknown): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.stdin?.write(`${JSON.stringify({ id, event })}\n`);
    });
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.stdin?.end();
    this.child.kill();
    await exited;
  }
}
