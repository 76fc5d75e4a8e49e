import { execFileSync } from "node:child_process";
import { loadDatabaseEnvironment } from "../support/db-servers";
import { TlsProbe } from "../support/tls-probe";
it("debug", async () => {
  const env = await loadDatabaseEnvironment();
  const probe = await TlsProbe.start("postgres", env.postgres, "127.0.0.2");
  const { spawn } = await import("node:child_process");
  const out = await new Promise<string>((res) => { let o = ""; const c = spawn("node", ["/tmp/idcheck.js", String(probe.port), env.caPath]); c.stdout.on("data", d => o += d); c.stderr.on("data", d => o += d); c.on("exit", () => res(o)); });
  console.log(out);
  void execFileSync;
  await probe.close();
});
