/** What the readiness probe checks, in the order it reports them. Apart from the probe so the API description can name them without the SDK. */
export const READINESS_CHECKS = ['dynamodb', 'kinesis', 'sqs'] as const;
export type ReadinessCheck = (typeof READINESS_CHECKS)[number];
