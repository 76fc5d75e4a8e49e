import { zoneIdPrefix } from "../../constructs/network-zones";

describe("zone IDs", () => {
  it.each([
    ["us-east-1", "use1"],
    ["us-west-2", "usw2"],
    ["eu-west-1", "euw1"],
    ["eu-central-1", "euc1"],
    ["eu-north-1", "eun1"],
    ["ap-northeast-1", "apne1"],
    ["ap-southeast-2", "apse2"],
    ["ap-south-1", "aps1"],
    ["ap-east-1", "ape1"],
    ["sa-east-1", "sae1"],
    ["ca-central-1", "cac1"],
    ["me-south-1", "mes1"],
    ["af-south-1", "afs1"],
    ["us-gov-west-1", "usgw1"],
    ["cn-north-1", "cnn1"],
    ["cn-northwest-1", "cnnw1"],
  ])("%s names its zones %s-az<N>", (region, prefix) => {
    expect(zoneIdPrefix(region)).toBe(prefix);
  });
});
