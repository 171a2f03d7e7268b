import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { BackupPlan, BackupPlanRule, BackupResource, BackupVault } from 'aws-cdk-lib/aws-backup';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Schedule } from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';

export interface TableBackupsProps {
  readonly tables: readonly ITable[];
  readonly ephemeral: boolean;
}

/** How long each backup is kept. PITR covers any second of the last 35 days; these outlive it, and a table deleted by mistake. */
export const BACKUP_RETENTION = { daily: Duration.days(35), weekly: Duration.days(365) } as const;

/**
 * AWS Backup of every table: a daily backup kept 35 days and a weekly one kept
 * a year, in a vault of the stack's own. Point-in-time recovery (on for every
 * table) is what a restore to one instant uses (README, "Restore"); these are
 * for what PITR cannot reach: older than 35 days, or a table that is gone.
 */
export class TableBackups extends Construct {
  readonly plan: BackupPlan;
  readonly vault: BackupVault;

  constructor(scope: Construct, id: string, props: TableBackupsProps) {
    super(scope, id);
    this.vault = new BackupVault(this, 'Vault', { removalPolicy: props.ephemeral ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN });
    this.plan = new BackupPlan(this, 'Plan', {
      backupVault: this.vault,
      backupPlanRules: [
        new BackupPlanRule({ ruleName: 'Daily', scheduleExpression: Schedule.cron({ hour: '3', minute: '0' }), deleteAfter: BACKUP_RETENTION.daily }),
        new BackupPlanRule({ ruleName: 'Weekly', scheduleExpression: Schedule.cron({ weekDay: 'SUN', hour: '4', minute: '0' }), deleteAfter: BACKUP_RETENTION.weekly }),
      ],
    });
    this.plan.addSelection('Tables', { resources: props.tables.map((table) => BackupResource.fromDynamoDbTable(table)) });
  }
}
