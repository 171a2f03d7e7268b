import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { API_ROUTES } from '../../lib/http/api-routes';
import { DEFAULT_API_THROTTLES, worstCaseRate } from '../../infra/cdk/api-throttles';
import { createTicketingApp } from '../../infra/cdk/ticketing-app';
import type { TicketingStack } from '../../infra/cdk/ticketing-stack';

/** AWS's managed CloudFront policies, by id. */
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';
const SEARCH_ROUTES = ['GET /services', 'GET /services/{serviceId}/availability', 'GET /services/{serviceId}/seatmap'];

function synthesize(context: Record<string, unknown> = {}): { stack: TicketingStack; template: Template } {
  const { stack } = createTicketingApp({ bundle: false, validate: false, context });
  return { stack, template: Template.fromStack(stack) };
}

interface Rule {
  Name: string;
  Priority: number;
  Statement: Record<string, Record<string, unknown>>;
  Action?: { Block?: { CustomResponse?: { ResponseCode: number; CustomResponseBodyKey: string } } };
}

describe('Construct: ApiEdge', () => {
  let stack: TicketingStack;
  let template: Template;
  let rules: Rule[];

  beforeAll(() => {
    ({ stack, template } = synthesize());
    const [acl] = Object.values(template.findResources('AWS::WAFv2::WebACL'));
    rules = acl?.Properties.Rules as Rule[];
  });

  const rule = (name: string) => rules.find((r) => r.Name === name);

  it('puts the stack in us-east-1, where a CloudFront web ACL must live, and lets edge=false deploy the API alone anywhere', () => {
    const apiOnly = synthesize({ edge: 'false' });

    expect(stack.region).toBe('us-east-1');
    expect(apiOnly.stack.region).toMatch(/^\$\{Token/);
    // The console keeps its own distribution; the API's edge is gone.
    expect(Object.keys(apiOnly.template.findResources('AWS::CloudFront::Distribution')).filter((id) => id.startsWith('Edge'))).toEqual([]);
    apiOnly.template.resourceCountIs('AWS::WAFv2::WebACL', 0);
  });

  it('fronts the API with one CloudFront distribution guarded by a CLOUDFRONT-scope web ACL', () => {
    expect(Object.keys(template.findResources('AWS::CloudFront::Distribution')).filter((id) => id.startsWith('Edge'))).toHaveLength(1);
    template.hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'CLOUDFRONT', DefaultAction: { Allow: {} } });
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ WebACLId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EdgeWebAcl'), 'Arn'] } }),
    });
  });

  it('runs the AWS IP reputation, common and known-bad-inputs rule groups, counting only the common set\'s 8 KB body rule', () => {
    const managed = rules.filter((r) => r.Statement.ManagedRuleGroupStatement).map((r) => r.Statement.ManagedRuleGroupStatement);

    expect(managed.map((m) => `${m?.VendorName}/${m?.Name}`).sort()).toEqual([
      'AWS/AWSManagedRulesAmazonIpReputationList',
      'AWS/AWSManagedRulesCommonRuleSet',
      'AWS/AWSManagedRulesKnownBadInputsRuleSet',
    ]);
    expect(rule('AWSManagedRulesCommonRuleSet')?.Statement.ManagedRuleGroupStatement?.RuleActionOverrides).toEqual([{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }]);
  });

  it('answers 413 payload-too-large to a body over 64 KiB, inspecting bodies up to that size', () => {
    expect(rule('BodyOver64KiB')).toMatchObject({
      Action: { Block: { CustomResponse: { ResponseCode: 413, CustomResponseBodyKey: 'payload-too-large' } } },
      Statement: { SizeConstraintStatement: { ComparisonOperator: 'GT', Size: 65536, FieldToMatch: { Body: { OversizeHandling: 'MATCH' } } } },
    });
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      AssociationConfig: { RequestBody: { CLOUDFRONT: { DefaultSizeInspectionLimit: 'KB_64' } } },
      CustomResponseBodies: { 'payload-too-large': { ContentType: 'APPLICATION_JSON', Content: Match.stringLikeRegexp('"type":"/problems/payload-too-large"') } },
    });
  });

  it('limits each IP over five minutes, and its POST /orders more tightly, answering 429', () => {
    expect(rule('RequestsPerIp')).toMatchObject({
      Action: { Block: { CustomResponse: { ResponseCode: 429 } } },
      Statement: { RateBasedStatement: { AggregateKeyType: 'IP', EvaluationWindowSec: 300, Limit: 6000 } },
    });
    expect(rule('OrdersPerIp')?.Statement.RateBasedStatement).toMatchObject({
      AggregateKeyType: 'IP',
      Limit: 600,
      ScopeDownStatement: {
        AndStatement: {
          Statements: [
            { ByteMatchStatement: expect.objectContaining({ FieldToMatch: { Method: {} }, SearchString: 'POST', PositionalConstraint: 'EXACTLY' }) },
            { ByteMatchStatement: expect.objectContaining({ FieldToMatch: { UriPath: {} }, SearchString: '/orders', PositionalConstraint: 'EXACTLY' }) },
          ],
        },
      },
    });
  });

  it('takes the per-IP limits and the search cache time from context', () => {
    const tuned = synthesize({ wafRequestsPerIp: '12000', wafOrdersPerIp: 300, searchCacheSeconds: '5' }).template;
    const tunedRules = Object.values(tuned.findResources('AWS::WAFv2::WebACL'))[0]?.Properties.Rules as Rule[];

    expect(tunedRules.find((r) => r.Name === 'RequestsPerIp')?.Statement.RateBasedStatement?.Limit).toBe(12000);
    expect(tunedRules.find((r) => r.Name === 'OrdersPerIp')?.Statement.RateBasedStatement?.Limit).toBe(300);
    tuned.hasResourceProperties('AWS::CloudFront::CachePolicy', { CachePolicyConfig: Match.objectLike({ DefaultTTL: 5, MaxTTL: 5 }) });
    expect(() => synthesize({ searchCacheSeconds: 'soon' })).toThrow(/searchCacheSeconds must be a whole number/);
  });

  it('passes every method and every header but Host to the API uncached by default, so tokens and payment signatures arrive', () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultCacheBehavior: Match.objectLike({
          AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
          CachePolicyId: CACHING_DISABLED,
          OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
          ViewerProtocolPolicy: 'https-only',
        }),
        Origins: [
          Match.objectLike({
            DomainName: { 'Fn::Join': ['', [{ Ref: Match.stringLikeRegexp('^ApiHttpApi') }, '.execute-api.us-east-1.', { Ref: 'AWS::URLSuffix' }]] },
            CustomOriginConfig: Match.objectLike({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] }),
          }),
        ],
      }),
    });
  });

  it('caches the public searches and the station list for two seconds, keyed on the whole query string and the Origin header, and nothing else', () => {
    const [, distribution] = Object.entries(template.findResources('AWS::CloudFront::Distribution')).find(([id]) => id.startsWith('Edge')) ?? [];
    const behaviors = distribution?.Properties.DistributionConfig.CacheBehaviors as Array<Record<string, unknown>>;

    expect(behaviors.map((b) => b.PathPattern).sort()).toEqual(['/services', '/services/*/availability', '/services/*/seatmap', '/stations']);
    for (const behavior of behaviors) {
      expect(behavior).toMatchObject({ AllowedMethods: ['GET', 'HEAD', 'OPTIONS'], CachedMethods: ['GET', 'HEAD', 'OPTIONS'] });
      expect(behavior).not.toHaveProperty('OriginRequestPolicyId');
      expect(behavior.CachePolicyId).toEqual({ Ref: expect.stringMatching(/^EdgeSearchCache/) });
    }
    template.hasResourceProperties('AWS::CloudFront::CachePolicy', {
      CachePolicyConfig: {
        DefaultTTL: 2,
        MinTTL: 0,
        MaxTTL: 2,
        Comment: Match.anyValue(),
        Name: Match.anyValue(),
        ParametersInCacheKeyAndForwardedToOrigin: Match.objectLike({
          QueryStringsConfig: { QueryStringBehavior: 'all' },
          HeadersConfig: { HeaderBehavior: 'whitelist', Headers: ['Origin'] },
          CookiesConfig: { CookieBehavior: 'none' },
        }),
      },
    });
  });

  it('gives clients the CloudFront URL as ApiUrl and keeps the API\'s own URL for signed internal callers', () => {
    template.hasOutput('ApiUrl', { Value: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [Match.stringLikeRegexp('^EdgeDistribution'), 'DomainName'] }]] } });
    template.hasOutput('HttpApiUrl', { Value: Match.anyValue() });
  });
});

describe('Throttles: api-throttles', () => {
  const stageOf = (template: Template) => Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0]?.Properties;

  it('gives the searches, POST /orders and the payment callback limits of their own, the other routes the per-route default', () => {
    const stage = stageOf(synthesize().template);

    expect(stage?.DefaultRouteSettings).toMatchObject({ ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 });
    expect(stage?.RouteSettings).toEqual({
      ...Object.fromEntries(SEARCH_ROUTES.map((key) => [key, { ThrottlingRateLimit: 1500, ThrottlingBurstLimit: 3000 }])),
      'POST /orders': { ThrottlingRateLimit: 1000, ThrottlingBurstLimit: 2000 },
      'POST /payments/callback': { ThrottlingRateLimit: 1000, ThrottlingBurstLimit: 2000 },
    });
  });

  it('keeps every route at its limit at once under the account limit, so a search surge leaves orders and payments their room', () => {
    expect(worstCaseRate(API_ROUTES, DEFAULT_API_THROTTLES)).toBeLessThanOrEqual(DEFAULT_API_THROTTLES.accountRateLimit);
    expect(Annotations.fromStack(synthesize().stack).findWarning('*', Match.stringLikeRegexp('over the account'))).toEqual([]);
  });

  it('takes every limit from context and warns when together they exceed the account limit', () => {
    const tuned = synthesize({ orderThrottleRate: '3000', orderThrottleBurst: 5000, throttleRate: '50', searchThrottleRate: 4000 });
    const stage = stageOf(tuned.template);

    expect(stage?.RouteSettings['POST /orders']).toEqual({ ThrottlingRateLimit: 3000, ThrottlingBurstLimit: 5000 });
    expect(stage?.DefaultRouteSettings).toMatchObject({ ThrottlingRateLimit: 50 });
    expect(Annotations.fromStack(tuned.stack).findWarning('*', Match.stringLikeRegexp('over the account'))).toHaveLength(1);
  });

  it('creates the routes before the stage whose settings name them', () => {
    const resources = synthesize().template.toJSON().Resources as Record<string, { Type: string; DependsOn?: string[]; Properties: { RouteKey?: string } }>;
    const [stage] = Object.values(resources).filter((r) => r.Type === 'AWS::ApiGatewayV2::Stage');
    const routeIds = Object.entries(resources)
      .filter(([, r]) => r.Type === 'AWS::ApiGatewayV2::Route' && [...SEARCH_ROUTES, 'POST /orders', 'POST /payments/callback'].includes(r.Properties.RouteKey ?? ''))
      .map(([id]) => id);

    expect(routeIds).toHaveLength(5);
    expect(stage?.DependsOn).toEqual(expect.arrayContaining(routeIds));
  });
});
