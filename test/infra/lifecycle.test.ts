import { Match, Template } from 'aws-cdk-lib/assertions';
import { createTicketingApp } from '../../infra/cdk/ticketing-app';

describe('Lifecycle', () => {
  const { stack } = createTicketingApp({ bundle: false, validate: false });
  const template = Template.fromStack(stack);

  it('lets every table expire items by their ttl attribute', () => {
    const tables = Object.values(template.findResources('AWS::DynamoDB::Table'));

    expect(tables).toHaveLength(4);
    for (const table of tables) expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'ttl', Enabled: true });
  });

  it('backs every table up daily for 35 days and weekly for a year, into a retained vault', () => {

    template.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanName: Match.anyValue(),
        BackupPlanRule: [
          Match.objectLike({ RuleName: 'Daily', ScheduleExpression: 'cron(0 3 * * ? *)', Lifecycle: { DeleteAfterDays: 35 } }),
          Match.objectLike({ RuleName: 'Weekly', ScheduleExpression: 'cron(0 4 ? * SUN *)', Lifecycle: { DeleteAfterDays: 365 } }),
        ],
      },
    });
    const [selection] = Object.values(template.findResources('AWS::Backup::BackupSelection'));
    expect(selection?.Properties.BackupSelection.Resources).toEqual(['SeatLedgerTable', 'OrdersTable', 'OrderViewTable'].map((id) => ({ 'Fn::GetAtt': [id, 'Arn'] })));
    template.hasResource('AWS::Backup::BackupVault', { DeletionPolicy: 'Retain' });
  });

  it('deletes the vault with an ephemeral stack', () => {
    const ephemeral = Template.fromStack(createTicketingApp({ bundle: false, validate: false, context: { ephemeral: true } }).stack);

    ephemeral.hasResource('AWS::Backup::BackupVault', { DeletionPolicy: 'Delete' });
  });
});
