/**
 * Limits of each Secrets Manager request, for the rotation function and the application
 * library alike: the SDK sets none, and a call that hangs would hold a rotation step (or
 * an application's connection) until its own timeout.
 */
export const SDK_REQUEST_TIMEOUTS = { connectionTimeout: 3_000, requestTimeout: 5_000 } as const;
