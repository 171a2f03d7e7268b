import { CfnOutput } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { AccountRootPrincipal, PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { ApiRoute } from '../../lib/http/api-routes';

export interface InventoryCallersProps {
  readonly api: HttpApi;
  readonly routes: readonly ApiRoute[];
  readonly stage: string;
  readonly namePrefix: string;
}

/**
 * The role internal callers of the IAM-authorized routes (`/inventory/*`)
 * assume: `execute-api:Invoke` on exactly those routes of this API's stage and
 * nothing else. Principals of this account may assume it when their own
 * policy lets them (sts:AssumeRole on its ARN, the `InventoryCallerRoleArn` output).
 */
export class InventoryCallers extends Construct {
  readonly role: Role;

  constructor(scope: Construct, id: string, props: InventoryCallersProps) {
    super(scope, id);
    this.role = new Role(this, 'Role', {
      roleName: `${props.namePrefix}ticketing-${props.stage}-inventory-caller`,
      description: `Signs (SigV4) calls to the /inventory/* routes of ticketing-${props.stage}`,
      assumedBy: new AccountRootPrincipal(),
    });
    this.role.addToPolicy(
      new PolicyStatement({
        actions: ['execute-api:Invoke'],
        resources: props.routes.filter((route) => route.auth === 'iam').map((route) => props.api.arnForExecuteApi(route.method, executeApiPath(route.path), '$default')),
      }),
    );
    new CfnOutput(scope, 'InventoryCallerRoleArn', { value: this.role.roleArn, description: 'Assume this role to call /inventory/* (SigV4, execute-api:Invoke)' });
  }
}

/** An execute-api ARN names a path parameter's value, which is anyone's: `/inventory/holds/{holdId}` → `/inventory/holds/*`. */
export const executeApiPath = (path: string): string => path.replace(/\{[^}]+\}/g, '*');
