import type * as v from "valibot";
import type { DatabasePropsSchema } from "./database";
import { ENGINE_TRAITS, engineLifecycleSupport, majorVersionOf } from "./database-engines";

/** Storage of a DB instance when `allocatedStorageGb` is not given, GiB. */
export const DEFAULT_STORAGE_GB = 20;
/** Instances of an Aurora cluster when `auroraInstanceCount` is not given. */
export const DEFAULT_AURORA_INSTANCE_COUNT = 1;

/** The checked props of a {@link Database}, defaults applied. */
export type DatabaseCheckedProps = v.InferOutput<typeof DatabasePropsSchema>;

/** The checked props and what derives from them and from the engine. */
export interface DatabaseSettings extends DatabaseCheckedProps {
  readonly port: number;
  readonly aurora: boolean;
  /** `8.4`, `10.11` (MySQL family) or `16` (PostgreSQL family): the option group's major version. */
  readonly majorVersion: string;
  /** The engine and its major version, e.g. `mysql8.4`. */
  readonly parameterGroupFamily: string;
  /** `engine_lifecycle_support`, for the engines that take it. */
  readonly engineLifecycleSupport: string | undefined;
  /** A DB instance's storage; `undefined` for Aurora. */
  readonly allocatedStorageGb: number | undefined;
  /** An Aurora cluster's instances. */
  readonly auroraInstanceCount: number;
}

/** The settings of checked props: the engine's defaults and the derived names. */
export function resolveDatabaseSettings(props: DatabaseCheckedProps): DatabaseSettings {
  const traits = ENGINE_TRAITS[props.engine];
  // The props schema has refused a version whose major the engine table does not list.
  const majorVersion = majorVersionOf(props.engine, props.engineVersion)!.major;
  return {
    ...props,
    port: props.port ?? traits.defaultPort,
    aurora: traits.aurora,
    majorVersion,
    parameterGroupFamily: `${props.engine}${majorVersion}`,
    engineLifecycleSupport: engineLifecycleSupport(props.engine, props.extendedSupport),
    allocatedStorageGb: traits.aurora ? undefined : (props.allocatedStorageGb ?? DEFAULT_STORAGE_GB),
    auroraInstanceCount: props.auroraInstanceCount ?? DEFAULT_AURORA_INSTANCE_COUNT,
  };
}
