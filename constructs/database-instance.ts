import { DbInstance } from "@cdktf/provider-aws/lib/db-instance";
import type { Construct } from "constructs";
import type { DatabaseBuild, DatabaseEndpoints } from "./database";

/** The DB instance of a `mysql`, `mariadb` or `postgres` {@link Database}, in `scope`. */
export function createDbInstance(scope: Construct, build: DatabaseBuild): DatabaseEndpoints {
  const { settings } = build;
  const instance = new DbInstance(scope, "Instance", {
    ...build.sharedWithCluster,
    ...build.sharedWithClusterInstances,
    dependsOn: [...build.logGroups, ...build.monitoringDependencies],
    identifier: settings.identifier,
    dbName: settings.databaseName,
    username: settings.masterUsername,
    parameterGroupName: build.parameterGroupName,
    optionGroupName: build.optionGroupName,
    storageType: "gp3",
    allocatedStorage: settings.allocatedStorageGb,
    maxAllocatedStorage: settings.maxAllocatedStorageGb,
    multiAz: settings.multiAz,
  });
  return {
    endpointAddress: instance.address,
    readerEndpointAddress: undefined,
    arn: instance.arn,
    masterUserSecretArn: instance.masterUserSecret.get(0).secretArn,
  };
}
