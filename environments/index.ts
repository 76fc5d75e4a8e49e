// Every environment the app synthesizes, one line each. Adding one: write
// `environments/<name>.ts` exporting an `EnvironmentConfig`, then add its line here.
export { dev } from "./dev";
export { prod } from "./prod";
