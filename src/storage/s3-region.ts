/**
 * The region when none is configured: the AWS SDK's own variables, else us-east-1, which S3-compatible services
 * accept. Apart from s3-store.ts so that readers without the SDK (cache restore) share it.
 */
export function defaultS3Region(env: NodeJS.ProcessEnv): string {
  return env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1';
}
