import { type App, Validations } from 'aws-cdk-lib';
import { HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { ManagedPolicy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { pathInStack } from '../../infra/cdk/monitored-resources';
import { applyNagChecks } from '../../infra/cdk/nag';
import { createTicketingApp, type TicketingAppOptions } from '../../infra/cdk/ticketing-app';
import type { TicketingStack } from '../../infra/cdk/ticketing-stack';

interface Acknowledgment {
  id: string;
  reason: string;
  on: IConstruct;
}

function synthesize(options: TicketingAppOptions = {}): { app: App; stack: TicketingStack } {
  return createTicketingApp({ bundle: false, validate: false, ...options });
}

/** Every finding the AWS Solutions pack reports and nobody acknowledged: `<severity> <rule> <construct path>`. */
function findingsOf(app: App): string[] {
  return new AwsSolutionsChecks().validateScope(app).violations.flatMap((violation) =>
    violation.violatingResources.map((resource) => `${violation.severity} ${violation.ruleName} ${resource.constructPath ?? '?'}`),
  );
}

function acknowledgmentsIn(app: App): Acknowledgment[] {
  return app.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
      .map(([id, reason]) => ({ id: id.replace(/^annotation::/i, ''), reason, on: construct })),
  );
}

/** A role with an AWS managed policy nobody has excused: an AwsSolutions-IAM4 finding. */
function addUnexcusedRole(stack: TicketingStack): void {
  new Role(stack, 'UnexcusedRole', {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    managedPolicies: [ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess')],
  });
}

describe('Validations: AwsSolutionsChecks', () => {
  describe('on the ticketing app', () => {
    let app: App;
    let acknowledgments: Acknowledgment[];

    beforeAll(() => {
      ({ app } = synthesize({ nag: true }));
      acknowledgments = acknowledgmentsIn(app);
    });

    it('synthesizes with no unacknowledged AwsSolutions error or warning', () => {
      expect(() => app.synth()).not.toThrow();
      expect(findingsOf(app)).toEqual([]);
    });

    it('acknowledges findings on the resources they concern, never across the stack or the app', () => {
      const stackPath = app.node.findAll().find((c) => c.node.id.startsWith('Ticketing-'))?.node.path;

      expect(acknowledgments.length).toBeGreaterThan(0);
      for (const { on } of acknowledgments) {
        expect(on.node.path).not.toBe('');
        expect(on.node.path).not.toBe(stackPath);
      }
    });

    it('gives every acknowledgment a reason of substance', () => {
      expect(acknowledgments.filter(({ reason }) => reason.length < 80).map(({ id, on }) => `${id} on ${on.node.path}`)).toEqual([]);
    });

    it('names in each function, role, policy and queue acknowledgment the resource it covers', () => {
      const perResource = acknowledgments.filter(({ id }) => /^AwsSolutions-(L1|IAM4|IAM5|SQS3)\b/.test(id));

      expect(perResource.length).toBeGreaterThan(0);
      for (const { id, reason, on } of perResource) {
        const names = [on, on.node.scope].flatMap((c) => (c ? [pathInStack(c)] : []));
        expect({ id, named: names.some((name) => reason.includes(name)) }).toEqual({ id, named: true });
      }
    });

    it('has no index wildcard left to excuse: every grant names its index', () => {
      expect(acknowledgments.filter(({ id }) => id.includes('/index/*]')).map(({ id }) => id)).toEqual([]);
    });

    it('excuses on the inventory caller role only the path parameters of its own routes', () => {
      const onRole = acknowledgments.filter(({ on }) => /\/InventoryCallers\/Role\//.test(on.node.path));

      expect(onRole.map(({ id }) => id.replace(/^.*\/\$default\//, '').replace(/\]$/, '')).sort()).toEqual(['DELETE/inventory/holds/*', 'POST/inventory/holds/*/confirm']);
    });

    it('excuses on the user pool only the MFA requirement and the Plus plan, and on the payment secret only rotation', () => {
      const idsOn = (path: RegExp) => acknowledgments.filter(({ on }) => path.test(on.node.path)).map(({ id }) => id).sort();

      expect(idsOn(/\/Identity\/UserPool$/)).toEqual(['AwsSolutions-COG2', 'AwsSolutions-COG8']);
      expect(idsOn(/\/PaymentWebhook\/Secret$/)).toEqual(['AwsSolutions-SMG4']);
    });

    it('finds nothing unacknowledged in a production stage either, nor with an imported payment secret', () => {
      for (const context of [{ stage: 'prod' }, { stage: 'prod', paymentWebhookSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:payments/webhook-AbCdEf' }]) {
        const prod = synthesize({ nag: true, context });

        expect(findingsOf(prod.app)).toEqual([]);
      }
    });

    it('excuses each public route on the route itself, with the reason for that route', () => {
      const publicRoutes = acknowledgments.filter(({ id }) => id === 'AwsSolutions-APIG4');

      expect(publicRoutes.map(({ reason }) => reason.split(':')[0]).sort()).toEqual(
        ['GET /healthz', 'GET /readyz', 'GET /openapi.json', 'GET /stations', 'GET /services', 'GET /services/{serviceId}/availability', 'GET /services/{serviceId}/seatmap', 'POST /payments/callback'].sort(),
      );
      for (const { on } of publicRoutes) expect(on.node.path).toMatch(/\/Api\/HttpApi\/(GET|POST)--/);
    });
  });

  describe('wiring', () => {
    it('fails the synth on a finding nobody acknowledged', () => {
      const { app, stack } = synthesize({ nag: true });
      addUnexcusedRole(stack);

      expect(() => app.synth()).toThrow(/AwsSolutions-IAM4/);
    });

    it('runs for `cdk synth -c nag=true` and not without it', () => {
      const checked = synthesize({ context: { nag: 'true' } });
      const unchecked = synthesize();
      addUnexcusedRole(checked.stack);
      addUnexcusedRole(unchecked.stack);

      expect(() => checked.app.synth()).toThrow(/AwsSolutions-IAM4/);
      expect(() => unchecked.app.synth()).not.toThrow();
    });
  });

  describe('what stays a finding', () => {
    it('keeps a public route without a recorded reason', () => {
      const { app, stack } = synthesize();
      const healthz = stack.httpApi.functions.get('HealthzFunction');
      if (!healthz) throw new Error('no HealthzFunction');
      stack.httpApi.api.addRoutes({ path: '/unlisted', methods: [HttpMethod.GET], integration: new HttpLambdaIntegration('UnlistedIntegration', healthz) });

      applyNagChecks(app, stack);

      expect(findingsOf(app)).toEqual([expect.stringMatching(/^error AwsSolutions-APIG4 .*\/GET--unlisted\/Resource$/)]);
    });

    it('keeps a "*" resource on an action that has resource-level permissions', () => {
      const { app, stack } = synthesize();
      stack.httpApi.functions.get('HealthzFunction')?.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));

      applyNagChecks(app, stack);

      expect(findingsOf(app)).toEqual([expect.stringMatching(/^error AwsSolutions-IAM5\[Resource::\*\] .*\/HealthzFunction\/ServiceRole\/DefaultPolicy\/Resource$/)]);
    });

    it('keeps a work queue without a dead-letter queue, while excusing the queues failures are parked in', () => {
      const { app, stack } = synthesize();
      new Queue(stack, 'QueueWithoutDlq', { enforceSSL: true, encryption: QueueEncryption.SQS_MANAGED });

      applyNagChecks(app, stack);

      expect(findingsOf(app)).toEqual([expect.stringMatching(/^error AwsSolutions-SQS3 .*\/QueueWithoutDlq\/Resource$/)]);
    });
  });
});
