/**
 * The app: one stack per environment, built with the constructs of
 * `@secrets-rotation/infrastructure` and the rotation function it ships. `npm run synth`
 * writes `cdktf.out/stacks/<environment>/` with `cdk.tf.json` (`npm run synth:hcl`:
 * `cdk.tf`) and `REVIEW.md`, the page a reviewer reads beside it.
 */
import { App } from "cdktf";
import {
  ROTATION_BUNDLE,
  SecretsRotationStack,
  completeStackDirectories,
  validateEnvironments,
} from "@secrets-rotation/infrastructure";
import { production } from "./environments/production.js";
import { staging } from "./environments/staging.js";

const environments = [staging, production];

// Every problem of every environment in one error, before any construct is built.
validateEnvironments(environments);
const app = new App();
for (const environment of environments) {
  new SecretsRotationStack(app, environment, ROTATION_BUNDLE);
}
app.synth();
await completeStackDirectories(app, environments);
