import { Match, Template } from 'aws-cdk-lib/assertions';
import { createTicketingApp } from '../../infra/cdk/ticketing-app';

/** The stack as `cdk synth` builds it for AWS: the console hosted behind CloudFront. */
const { stack } = createTicketingApp({ bundle: false, validate: false });
const template = Template.fromStack(stack);

// The console's own distribution (the API's edge has another).
const distributionId = Object.keys(template.findResources('AWS::CloudFront::Distribution')).find((id) => id.startsWith('Console')) ?? '';
const consoleUrl = { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }]] };
const bucketId = stack.resolve((stack.consoleSite?.bucket.node.defaultChild as { logicalId: string } | undefined)?.logicalId) as string;

describe('Construct: ConsoleSite', () => {
  it('keeps the build in a private, encrypted bucket that refuses plain HTTP', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          // Origin access control: only this distribution reads the bucket.
          Match.objectLike({
            Effect: 'Allow',
            Action: 's3:GetObject',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Condition: { StringEquals: { 'AWS:SourceArn': Match.anyValue() } },
          }),
        ]),
      },
    });
  });

  it('serves it through CloudFront with origin access control, HTTPS only, index.html for the console routes', () => {
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https', ResponseHeadersPolicyId: Match.anyValue() }),
        Origins: [Match.objectLike({ OriginAccessControlId: Match.anyValue(), S3OriginConfig: { OriginAccessIdentity: '' } })],
        CustomErrorResponses: [
          { ErrorCode: 403, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 10 },
          { ErrorCode: 404, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 10 },
        ],
        Logging: Match.objectLike({ Prefix: 'cloudfront/' }),
      }),
    });
  });

  it('sends security headers: a CSP allowing only itself, the API and Cognito, HSTS, no framing, no sniffing', () => {
    const policy = Object.values(template.findResources('AWS::CloudFront::ResponseHeadersPolicy'))[0];
    const headers = policy?.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    expect(headers).toMatchObject({
      StrictTransportSecurity: { AccessControlMaxAgeSec: 31_536_000, IncludeSubdomains: true, Override: true },
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'strict-origin-when-cross-origin', Override: true },
    });
    const csp = JSON.stringify(headers.ContentSecurityPolicy.ContentSecurityPolicy);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain('cognito-idp.');
    expect(csp).toContain('.execute-api.');
  });

  it('deploys the build and a config.json with the API URL and the Cognito ids, and invalidates what changes under the same name', () => {
    template.hasResourceProperties('Custom::CDKBucketDeployment', {
      DestinationBucketName: { Ref: bucketId },
      DistributionId: { Ref: distributionId },
      DistributionPaths: ['/index.html', '/config.json', '/'],
      Prune: true,
      SourceMarkers: Match.arrayWith([
        Match.objectLike({
          '<<marker:0xbaba:0>>': Match.anyValue(),
        }),
      ]),
    });
    const deployment = Object.values(template.findResources('Custom::CDKBucketDeployment'))[0];
    const markers = JSON.stringify(deployment?.Properties.SourceMarkers);
    // config.json's deploy-time values: the API's endpoint, the user pool, its client and the hosted UI domain.
    expect(markers).toContain('ApiHttpApi');
    expect(markers).toContain('IdentityUserPool');
    expect(markers).toContain('IdentityUserPoolWebClient');
    expect(markers).toContain('HostedUi');
  });

  it('lets the Cognito client sign in with the code flow and return only to the console', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid', 'email'],
      SupportedIdentityProviders: ['COGNITO'],
      CallbackURLs: [{ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }, '/auth/callback']] }],
      LogoutURLs: [{ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }, '/']] }],
    });
    template.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
  });

  it('answers CORS on the HTTP API for the console origin only', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: {
        AllowOrigins: [consoleUrl],
        AllowHeaders: ['authorization', 'content-type', 'idempotency-key'],
        AllowMethods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
        ExposeHeaders: ['idempotent-replayed'],
        MaxAge: 600,
      },
    });
  });

  it('outputs the console URL', () => {
    template.hasOutput('ConsoleUrl', { Value: consoleUrl });
  });

  it('is left out with -c console=false, and on the LocalStack stage', () => {
    for (const context of [{ console: false }, { stage: 'local' }]) {
      const without = Template.fromStack(createTicketingApp({ bundle: false, validate: false, context }).stack);
      expect(Object.keys(without.findResources('AWS::CloudFront::Distribution')).filter((id) => id.startsWith('Console'))).toEqual([]);
      expect(without.findOutputs('ConsoleUrl')).toEqual({});
      expect(Object.values(without.findResources('AWS::ApiGatewayV2::Api'))[0]?.Properties.CorsConfiguration).toBeUndefined();
    }
  });
});
