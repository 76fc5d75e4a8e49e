/**
 * `node scripts/run.js __tests__/support/scale-synth.ts <users> <outdir>`: synthesizes
 * {@link scaleEnvironment} into `outdir` in a plain Node.js process, as `npm run synth`
 * would, and prints the CPU and wall time of building and synthesizing the app as JSON.
 */
import { buildApp } from "../../main";
import { ensureRotationBundle } from "../../scripts/rotation-bundle";
import { scaleEnvironment } from "./scale-environment";

export async function main([users, outdir]: string[]): Promise<void> {
  const bundle = await ensureRotationBundle();
  const environment = scaleEnvironment(Number(users));
  const cpu = process.cpuUsage();
  const wall = performance.now();
  buildApp({ outdir, environments: [environment], bundle }).synth();
  const used = process.cpuUsage(cpu);
  process.stdout.write(`${JSON.stringify({ cpuMs: (used.user + used.system) / 1000, wallMs: performance.now() - wall })}\n`);
}
