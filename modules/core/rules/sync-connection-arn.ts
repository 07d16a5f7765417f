/**
 * CloudFormation's pattern for a SourceConnection ConnectionArn: codestar-connections ARNs
 * only, of any partition (its text is CloudFormation's, and goes into the synced products'
 * template as the parameter's AllowedPattern). The config checks the same pattern.
 */
export const SYNC_CONNECTION_ARN = /^arn:aws(-[a-z]+)*:codestar-connections:[a-z]{2}(-gov)?-[a-z]+-\d:\d{12}:connection\/[a-z0-9-]+$/;
