import { RdsCluster } from "@cdktf/provider-aws/lib/rds-cluster";
import { RdsClusterInstance } from "@cdktf/provider-aws/lib/rds-cluster-instance";
import type { Construct } from "constructs";
import type { DatabaseBuild, DatabaseEndpoints } from "./database";

/**
 * The Aurora cluster of an `aurora-*` {@link Database} and its instances,
 * `<identifier>-1` (the writer), `-2`, ..., in `scope`.
 */
export function createAuroraCluster(scope: Construct, build: DatabaseBuild): DatabaseEndpoints {
  const { settings } = build;
  const cluster = new RdsCluster(scope, "Cluster", {
    ...build.sharedWithCluster,
    clusterIdentifier: settings.identifier,
    databaseName: settings.databaseName,
    masterUsername: settings.masterUsername,
    dbClusterParameterGroupName: build.parameterGroupName,
    dependsOn: build.logGroups,
  });
  for (let i = 1; i <= settings.auroraInstanceCount; i++) {
    new RdsClusterInstance(scope, `Instance${i}`, {
      ...build.sharedWithClusterInstances,
      identifier: `${settings.identifier}-${i}`,
      clusterIdentifier: cluster.clusterIdentifier,
      engine: settings.engine,
      engineVersion: cluster.engineVersion,
      dbSubnetGroupName: build.sharedWithCluster.dbSubnetGroupName,
      dependsOn: build.monitoringDependencies,
    });
  }
  return {
    endpointAddress: cluster.endpoint,
    readerEndpointAddress: cluster.readerEndpoint,
    arn: cluster.arn,
    masterUserSecretArn: cluster.masterUserSecret.get(0).secretArn,
  };
}
