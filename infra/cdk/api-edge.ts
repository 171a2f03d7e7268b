import { Duration, Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  CacheCookieBehavior,
  CachedMethods,
  CacheHeaderBehavior,
  CachePolicy,
  CacheQueryStringBehavior,
  Distribution,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import type { ApiRoute } from '../../lib/http/api-routes';

/** What the edge lets through, per client IP and per request. */
export interface EdgeLimits {
  /** Requests one IP may send in five minutes, on any route. */
  readonly requestsPerIp: number;
  /** `POST /orders` requests one IP may send in five minutes. */
  readonly ordersPerIp: number;
  /** How long CloudFront keeps a search answer (`cacheable` routes). */
  readonly searchCacheSeconds: number;
}

/**
 * Per IP, five minutes. Generous, because carrier-grade NAT puts many
 * travellers behind one address: 6,000 is 20 requests/s sustained, and 600
 * orders is one every half second, far above a person and well below a bot
 * farm hammering one train from few addresses.
 */
export const DEFAULT_EDGE_LIMITS: EdgeLimits = { requestsPerIp: 6000, ordersPerIp: 600, searchCacheSeconds: 2 };

/** shared/API.md: request bodies over 64 KiB → 413 `payload-too-large`. */
export const MAX_BODY_BYTES = 64 * 1024;

export interface ApiEdgeProps {
  readonly api: HttpApi;
  readonly routes: readonly ApiRoute[];
  readonly limits: EdgeLimits;
  /** Names the WAF metrics. */
  readonly stage: string;
}

const PAYLOAD_TOO_LARGE_BODY = 'payload-too-large';
const TOO_MANY_REQUESTS_BODY = 'too-many-requests';

/**
 * CloudFront in front of the HTTP API, with an AWS WAF web ACL: the first
 * thing a sale-open spike meets. WAF drops known-bad addresses and inputs,
 * bodies over 64 KiB and clients over their per-IP rates; CloudFront answers
 * repeated searches from its cache for a few seconds, and passes everything
 * else (all methods, every header but Host, so the Authorization header and the
 * payment signature too) to the API uncached.
 *
 * A CLOUDFRONT-scope web ACL exists only in us-east-1, so a stack with the
 * edge is pinned to us-east-1 (ticketing-app.ts); `-c edge=false` deploys the
 * API alone, to any region.
 */
export class ApiEdge extends Construct {
  readonly distribution: Distribution;
  readonly webAcl: CfnWebACL;
  readonly searchCachePolicy: CachePolicy;

  constructor(scope: Construct, id: string, props: ApiEdgeProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.webAcl = webAcl(this, props.stage, props.limits);

    const origin = new HttpOrigin(`${props.api.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`, {
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [OriginSslPolicy.TLS_V1_2],
    });
    this.searchCachePolicy = new CachePolicy(this, 'SearchCache', {
      comment: `Public searches, for ${props.limits.searchCacheSeconds} s, keyed on the whole query string`,
      defaultTtl: Duration.seconds(props.limits.searchCacheSeconds),
      minTtl: Duration.seconds(0),
      maxTtl: Duration.seconds(props.limits.searchCacheSeconds),
      queryStringBehavior: CacheQueryStringBehavior.all(),
      // A CORS answer differs by origin: a browser must not get another origin's.
      headerBehavior: CacheHeaderBehavior.allowList('Origin'),
      cookieBehavior: CacheCookieBehavior.none(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    const searchBehavior = {
      origin,
      viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: AllowedMethods.ALLOW_GET_HEAD_OPTIONS,
      cachedMethods: CachedMethods.CACHE_GET_HEAD_OPTIONS,
      cachePolicy: this.searchCachePolicy,
      compress: true,
    };

    this.distribution = new Distribution(this, 'Distribution', {
      comment: `ticketing-${props.stage} API`,
      httpVersion: HttpVersion.HTTP2_AND_3,
      webAclId: this.webAcl.attrArn,
      defaultBehavior: {
        origin,
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: AllowedMethods.ALLOW_ALL,
        cachePolicy: CachePolicy.CACHING_DISABLED,
        // With caching disabled this forwards every viewer header, Authorization included, but Host (API Gateway routes by its own).
        originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        compress: true,
      },
      additionalBehaviors: Object.fromEntries(cachedPathPatterns(props.routes).map((pattern) => [pattern, searchBehavior])),
    });
  }

  get url(): string {
    return `https://${this.distribution.distributionDomainName}`;
  }
}

/** CloudFront path patterns of the cacheable GET routes: `/services/{serviceId}/seatmap` → `/services/*\/seatmap`. */
export function cachedPathPatterns(routes: readonly ApiRoute[]): string[] {
  return [...new Set(routes.filter((route) => route.cacheable && route.method === 'GET').map((route) => route.path.replace(/\{[^}]+\}/g, '*')))];
}

function webAcl(scope: Construct, stage: string, limits: EdgeLimits): CfnWebACL {
  const visibility = (name: string): CfnWebACL.VisibilityConfigProperty => ({
    cloudWatchMetricsEnabled: true,
    sampledRequestsEnabled: true,
    metricName: `ticketing-${stage}-${name}`,
  });
  const managed = (name: string, priority: number, ruleActionOverrides?: CfnWebACL.RuleActionOverrideProperty[]): CfnWebACL.RuleProperty => ({
    name,
    priority,
    overrideAction: { none: {} },
    statement: { managedRuleGroupStatement: { vendorName: 'AWS', name, ...(ruleActionOverrides ? { ruleActionOverrides } : {}) } },
    visibilityConfig: visibility(name),
  });
  const tooMany = { block: { customResponse: { responseCode: 429, customResponseBodyKey: TOO_MANY_REQUESTS_BODY } } };
  const exactly = (field: CfnWebACL.FieldToMatchProperty, value: string): CfnWebACL.StatementProperty => ({
    byteMatchStatement: { fieldToMatch: field, positionalConstraint: 'EXACTLY', searchString: value, textTransformations: [{ priority: 0, type: 'NONE' }] },
  });

  return new CfnWebACL(scope, 'WebAcl', {
    scope: 'CLOUDFRONT',
    description: `ticketing-${stage} API edge`,
    defaultAction: { allow: {} },
    visibilityConfig: visibility('web-acl'),
    // WAF reads 16 KiB of a body by default; the size rule must see up to the API's limit to judge it.
    associationConfig: { requestBody: { CLOUDFRONT: { defaultSizeInspectionLimit: 'KB_64' } } },
    customResponseBodies: {
      [PAYLOAD_TOO_LARGE_BODY]: {
        contentType: 'APPLICATION_JSON',
        content: JSON.stringify({ type: '/problems/payload-too-large', title: 'Payload Too Large', status: 413, detail: `request bodies are limited to ${MAX_BODY_BYTES} bytes` }),
      },
      // The body API Gateway's own throttle answers with, so a client sees one kind of 429.
      [TOO_MANY_REQUESTS_BODY]: { contentType: 'APPLICATION_JSON', content: JSON.stringify({ message: 'Too Many Requests' }) },
    },
    rules: [
      managed('AWSManagedRulesAmazonIpReputationList', 0),
      {
        name: 'BodyOver64KiB',
        priority: 1,
        action: { block: { customResponse: { responseCode: 413, customResponseBodyKey: PAYLOAD_TOO_LARGE_BODY } } },
        // A body past the inspection limit (64 KiB) is oversize: MATCH counts it as too large.
        statement: {
          sizeConstraintStatement: { fieldToMatch: { body: { oversizeHandling: 'MATCH' } }, comparisonOperator: 'GT', size: MAX_BODY_BYTES, textTransformations: [{ priority: 0, type: 'NONE' }] },
        },
        visibilityConfig: visibility('body-over-64kib'),
      },
      {
        name: 'RequestsPerIp',
        priority: 2,
        action: tooMany,
        statement: { rateBasedStatement: { aggregateKeyType: 'IP', evaluationWindowSec: 300, limit: limits.requestsPerIp } },
        visibilityConfig: visibility('requests-per-ip'),
      },
      {
        name: 'OrdersPerIp',
        priority: 3,
        action: tooMany,
        statement: {
          rateBasedStatement: {
            aggregateKeyType: 'IP',
            evaluationWindowSec: 300,
            limit: limits.ordersPerIp,
            scopeDownStatement: { andStatement: { statements: [exactly({ method: {} }, 'POST'), exactly({ uriPath: {} }, '/orders')] } },
          },
        },
        visibilityConfig: visibility('orders-per-ip'),
      },
      // Its 8 KB body rule would refuse what the API accepts (up to 64 KiB, judged by BodyOver64KiB): counted, not blocked.
      managed('AWSManagedRulesCommonRuleSet', 4, [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }]),
      managed('AWSManagedRulesKnownBadInputsRuleSet', 5),
    ],
  });
}
