import { Aws, type CfnElement, Duration, Fn, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { CfnApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { type CfnUserPoolClient, type UserPool, UserPoolDomain, type UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct, type IConstruct } from 'constructs';

export interface ConsoleSiteProps {
  /** The console's static build (index.html, assets/): infra/ops/console-build.ts. */
  readonly buildDir: string;
  readonly httpApi: HttpApi;
  readonly apiUrl: string;
  readonly userPool: UserPool;
  readonly userPoolClient: UserPoolClient;
  readonly stage: string;
}

/** The console's own page on which the hosted UI hands back the authorization code (web/src/router.ts). */
export const CONSOLE_CALLBACK_PATH = '/auth/callback';
/** Headers the console sends and reads across origins (shared/API.md). */
const CORS_ALLOW_HEADERS = ['authorization', 'content-type', 'idempotency-key'];
const CORS_EXPOSE_HEADERS = ['idempotent-replayed'];
/**
 * Kept even by an ephemeral stack: CloudFormation cannot delete a bucket with
 * objects in it, and emptying it on delete would take another custom resource.
 * They hold the public build and logs only (README, Deploy to AWS).
 */
const BUCKET_REMOVAL_POLICY = RemovalPolicy.RETAIN;

/**
 * The web console on AWS: its static build in a private S3 bucket, served only
 * through CloudFront (origin access control, HTTPS only, security headers), with
 * the `config.json` it reads at startup written at deploy time (API URL, Cognito
 * ids). Its origin is the only one the HTTP API answers CORS for, and its callback
 * page the only one the Cognito client returns to (OAuth code flow with PKCE,
 * through the hosted UI on the domain this construct adds).
 */
export class ConsoleSite extends Construct {
  readonly bucket: Bucket;
  readonly logsBucket: Bucket;
  readonly distribution: Distribution;
  readonly domain: UserPoolDomain;
  readonly deployment: BucketDeployment;
  /** https://<distribution domain>, no trailing slash. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: ConsoleSiteProps) {
    super(scope, id);
    this.logsBucket = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront standard logs are written with ACLs: CloudFront grants itself at its first delivery.
      objectOwnership: ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: BUCKET_REMOVAL_POLICY,
    });
    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      removalPolicy: BUCKET_REMOVAL_POLICY,
    });

    const headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Ticketing console: security headers',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: contentSecurityPolicy(Stack.of(this).region), override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
      },
    });
    this.distribution = new Distribution(this, 'Distribution', {
      comment: `Ticketing console (${props.stage})`,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        responseHeadersPolicy: headers,
        compress: true,
      },
      // The console's own routes (/my-orders/…) are pages of index.html; S3 without list rights answers 403 for them.
      errorResponses: [403, 404].map((httpStatus) => ({ httpStatus, responseHttpStatus: 200, responsePagePath: '/index.html', ttl: Duration.seconds(10) })),
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: this.logsBucket,
      logFilePrefix: 'cloudfront/',
    });
    this.url = `https://${this.distribution.distributionDomainName}`;

    this.domain = props.userPool.addDomain('HostedUi', {
      cognitoDomain: { domainPrefix: Fn.join('-', ['ticketing', props.stage, Aws.ACCOUNT_ID]) },
    });
    allowCodeFlowBackTo(props.userPoolClient, this.url);
    allowCorsFrom(props.httpApi, this.url);

    this.deployment = new BucketDeployment(this, 'Deployment', {
      sources: [
        Source.asset(props.buildDir),
        Source.jsonData('config.json', {
          apiUrl: props.apiUrl,
          auth: {
            mode: 'cognito',
            authority: `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${props.userPool.userPoolId}`,
            clientId: props.userPoolClient.userPoolClientId,
            domain: this.domain.baseUrl(),
          },
        }),
      ],
      destinationBucket: this.bucket,
      distribution: this.distribution,
      // index.html and config.json change under the same name; hashed assets never do.
      distributionPaths: ['/index.html', '/config.json', '/'],
      memoryLimit: 256,
    });
  }
}

/**
 * Scripts and styles only from the console's origin; API calls only to API Gateway
 * and Cognito in the stack's region. The API is named by its regional domain, not
 * its id: the API's CORS names the distribution, so the distribution's headers
 * cannot name the API back.
 */
function contentSecurityPolicy(region: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    // Vue's scoped styles arrive as a stylesheet; style attributes are set by the SVG chart.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    `connect-src 'self' https://*.execute-api.${region}.amazonaws.com https://cognito-idp.${region}.amazonaws.com`,
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
  ].join('; ');
}

/** The Cognito client signs in through the hosted UI with the code flow (PKCE by the console) and returns only to the console. */
function allowCodeFlowBackTo(client: UserPoolClient, consoleUrl: string): void {
  const cfn = client.node.defaultChild as CfnUserPoolClient;
  cfn.allowedOAuthFlowsUserPoolClient = true;
  cfn.allowedOAuthFlows = ['code'];
  cfn.allowedOAuthScopes = ['openid', 'email'];
  cfn.supportedIdentityProviders = ['COGNITO'];
  cfn.callbackUrLs = [`${consoleUrl}${CONSOLE_CALLBACK_PATH}`];
  cfn.logoutUrLs = [`${consoleUrl}/`];
}

/** API Gateway answers the preflights of the console's origin and of no other. */
function allowCorsFrom(httpApi: HttpApi, consoleUrl: string): void {
  const cfn = httpApi.node.defaultChild as CfnApi;
  cfn.corsConfiguration = {
    allowOrigins: [consoleUrl],
    allowMethods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
    allowHeaders: CORS_ALLOW_HEADERS,
    exposeHeaders: CORS_EXPOSE_HEADERS,
    maxAge: 600,
  };
}

/**
 * The cdk-nag findings that hold by design for the console site, each acknowledged
 * on the resource it concerns with the reason it holds there.
 */
export function acknowledgeConsoleSiteFindings(site: ConsoleSite): void {
  const acknowledge = (scope: IConstruct, id: string, reason: string) => Validations.of(scope).acknowledge({ id, reason });
  acknowledge(
    site.logsBucket,
    'AwsSolutions-S1',
    'This bucket receives the access logs of the CloudFront distribution; logging its own access would only log the log writes.',
  );
  acknowledge(
    site.bucket,
    'AwsSolutions-S1',
    'The console bucket is read only by the CloudFront distribution (origin access control, no public access), whose standard logs record every viewer request; S3 server access logs would repeat them as CloudFront fetches.',
  );
  acknowledge(
    site.distribution,
    'AwsSolutions-CFR1',
    'The console is for travellers wherever they are (as 12306 serves Chinese travellers abroad); the API it calls applies its own throttle, so no country is blocked.',
  );
  acknowledge(
    site.distribution,
    'AwsSolutions-CFR2',
    'The distribution serves static files only (GET/HEAD, no cookies, no query strings forwarded); requests that matter reach the HTTP API, which throttles per stage and authorizes per route. A WAF web ACL adds a per-request charge without protecting any data here.',
  );
  acknowledge(
    site.distribution,
    'AwsSolutions-CFR4',
    "The distribution uses the default *.cloudfront.net certificate, whose TLS policy CloudFront fixes (TLSv1 minimum for compatibility); a custom domain with an ACM certificate would allow TLSv1.2_2021. Viewers are redirected to HTTPS and nothing but public static files is served.",
  );
  // CDK's one BucketDeployment handler per stack (a singleton function named by its memory size).
  const handler = Stack.of(site).node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
  if (handler === undefined) return;
  acknowledge(
    handler,
    'AwsSolutions-L1',
    "The BucketDeployment handler is CDK's own (it copies the built console into the bucket at deploy time); its Python runtime is chosen by aws-cdk-lib and moves with it.",
  );
  const bucketLogicalId = Stack.of(site).getLogicalId(site.bucket.node.defaultChild as CfnElement);
  const grants: Record<string, string> = {
    'Action::s3:GetObject*': 'read the console asset from the CDK assets bucket',
    'Action::s3:GetBucket*': 'read the buckets it copies between',
    'Action::s3:List*': 'list the buckets it copies between, to prune what the new build no longer has',
    'Action::s3:DeleteObject*': 'delete from the console bucket the files the new build no longer has',
    'Action::s3:Abort*': 'abort its own multipart uploads to the console bucket',
    // The region is written out when the stack is pinned to one (the edge's WAF pins it to us-east-1).
    [`Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-${Token.isUnresolved(Stack.of(site).region) ? '<AWS::Region>' : Stack.of(site).region}/*`]:
      "read the asset from the bootstrap's assets bucket, whose object keys are content hashes",
    [`Resource::<${bucketLogicalId}.Arn>/*`]: 'write and prune every object of the console bucket (that bucket only)',
    'Resource::*': 'invalidate index.html and config.json on the distribution (cloudfront:CreateInvalidation and GetInvalidation have no resource-level permissions)',
  };
  for (const [finding, need] of Object.entries(grants)) {
    acknowledge(handler, `AwsSolutions-IAM5[${finding}]`, `CDK's grant to its BucketDeployment handler, which deploys the web console: ${need}.`);
  }
}
