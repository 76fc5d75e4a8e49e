import { closest, distance } from "fastest-levenshtein";
import type { Engine } from "../shared/secret-contract";
import { ENGINE_TRAITS } from "./database-engines";
import { show } from "./validation";

/**
 * The DB instance classes RDS offers for the engines here, `db.<type>.<size>`, as data:
 * each class type with its sizes for a DB instance (RDS for MySQL, MariaDB and
 * PostgreSQL) and for an Aurora cluster's instances. Read from AWS's "DB instance class
 * types" and "Supported DB engines for DB instance classes" pages (RDS and Aurora user
 * guides) on 2026-12-05, current generations only; a type missing here is refused at
 * synth, so add it here when AWS offers it.
 */

const BURSTABLE = ["micro", "small", "medium", "large", "xlarge", "2xlarge"];
/** Graviton2 and Graviton3 types: large to 16xlarge. */
const UP_TO_16XL = ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"];
const UP_TO_24XL = [...UP_TO_16XL, "24xlarge"];
const UP_TO_32XL = [...UP_TO_24XL, "32xlarge"];
const UP_TO_48XL = [...UP_TO_24XL, "48xlarge"];
/** Aurora's Optimized Reads types start at xlarge. */
const optimizedReads = (sizes: readonly string[]) => sizes.filter((size) => size !== "large");

/** Sizes of a class type for each kind of database that offers it. */
interface ClassType {
  readonly instance?: readonly string[];
  readonly aurora?: readonly string[];
}

const CLASS_TYPES: Readonly<Record<string, ClassType>> = {
  // Burstable: Aurora offers only medium and large.
  t3: { instance: BURSTABLE, aurora: ["medium", "large"] },
  t4g: { instance: BURSTABLE, aurora: ["medium", "large"] },
  // General purpose: DB instances only.
  m5: { instance: UP_TO_24XL },
  m5d: { instance: UP_TO_24XL },
  m6g: { instance: UP_TO_16XL },
  m6gd: { instance: UP_TO_16XL },
  m6i: { instance: UP_TO_32XL },
  m6id: { instance: UP_TO_32XL },
  m6idn: { instance: UP_TO_32XL },
  m6in: { instance: UP_TO_32XL },
  m7g: { instance: UP_TO_16XL },
  m7i: { instance: UP_TO_48XL },
  m8g: { instance: UP_TO_48XL },
  // Memory optimized.
  r5: { instance: UP_TO_24XL, aurora: UP_TO_24XL },
  r5b: { instance: UP_TO_24XL },
  r5d: { instance: UP_TO_24XL },
  r6g: { instance: UP_TO_16XL, aurora: UP_TO_16XL },
  r6gd: { instance: UP_TO_16XL, aurora: optimizedReads(UP_TO_16XL) },
  r6i: { instance: UP_TO_32XL, aurora: UP_TO_32XL },
  r6id: { instance: UP_TO_32XL, aurora: optimizedReads(UP_TO_32XL) },
  r6idn: { instance: UP_TO_32XL },
  r6in: { instance: UP_TO_32XL },
  r7g: { instance: UP_TO_16XL, aurora: UP_TO_16XL },
  r7i: { instance: UP_TO_48XL, aurora: UP_TO_48XL },
  r8g: { instance: UP_TO_48XL, aurora: UP_TO_48XL },
  x2g: { instance: UP_TO_16XL, aurora: UP_TO_16XL },
};

const CLASS_NAME = /^db\.([a-z0-9]+)\.([a-z0-9]+)$/;
/** Edits (letters added, removed or changed) within which a class is a near miss. */
const NEAR_MISS = 2;

/** The kind of database an engine creates, as the class table names it. */
function kindOf(engine: Engine): keyof ClassType {
  return ENGINE_TRAITS[engine].aurora ? "aurora" : "instance";
}

/** Every class an engine's databases may use: `db.t4g.micro`, ... */
function classesOf(engine: Engine): string[] {
  const kind = kindOf(engine);
  return Object.entries(CLASS_TYPES).flatMap(([type, sizes]) => (sizes[kind] ?? []).map((size) => `db.${type}.${size}`));
}

/**
 * What is wrong with a DB instance class for `engine`, or `undefined`: a class RDS offers
 * for a DB instance, or for an Aurora cluster's instances. A near miss gets a "did you mean".
 */
export function instanceClassProblem(engine: Engine, instanceClass: string): string | undefined {
  const classes = classesOf(engine);
  if (classes.includes(instanceClass)) return undefined;
  const type = CLASS_NAME.exec(instanceClass)?.[1];
  const sizes = type === undefined ? undefined : CLASS_TYPES[type]?.[kindOf(engine)];
  const allowed =
    sizes === undefined
      ? `db.<type>.<size> with a type of ${engine}: ${[...new Set(classes.map((c) => c.split(".")[1]))].join(", ")}`
      : `a size of db.${type}: ${sizes.join(", ")}`;
  const candidate = instanceClass.startsWith("db.") ? instanceClass : `db.${instanceClass}`;
  const nearest = closest(candidate, classes);
  const suggestion = distance(candidate, nearest) <= NEAR_MISS ? `; did you mean ${show(nearest)}?` : "";
  return `is ${show(instanceClass)}; allowed: ${allowed}${suggestion}`;
}
