import { type WireTransaction, billedTransactionWriteUnits, itemSize, transactionTableUnits, valueSize } from '../../../infra/local/transaction-billing';

describe('Function: itemSize', () => {
  it('counts names and values as DynamoDB does', () => {
    expect(valueSize({ S: 'héllo' })).toBe(6);
    expect(valueSize({ N: '12345' })).toBe(4);
    expect(valueSize({ BOOL: true })).toBe(1);
    expect(valueSize({ M: { a: { S: 'xy' } } })).toBe(3 + 1 + 2 + 1);
    expect(valueSize({ L: [{ S: 'xy' }, { NULL: true }] })).toBe(3 + 3 + 2);
    expect(itemSize({ pk: { S: 'SVC#G1' }, n: { N: '7' } })).toBe(2 + 6 + 1 + 2);
  });
});

describe('Function: transactionTableUnits', () => {
  it('bills each action 2 units per started KB of its item, updates and checks as one KB', () => {
    // Arrange
    const request: WireTransaction = {
      TransactItems: [
        { Put: { TableName: 'orders', Item: { pk: { S: 'a' }, big: { S: 'x'.repeat(1500) } } } },
        { Put: { TableName: 'orders', Item: { pk: { S: 'b' } } } },
        { Update: { TableName: 'ledger' } },
        { ConditionCheck: { TableName: 'ledger' } },
        { Delete: { TableName: 'ledger' } },
      ],
    };

    // Act
    const units = transactionTableUnits(request);

    // Assess
    expect(Object.fromEntries(units)).toEqual({ orders: 4 + 2, ledger: 6 });
  });
});

describe('Function: billedTransactionWriteUnits', () => {
  it('keeps DynamoDB Local’s figure for a table when it is the larger, and adds its index units', () => {
    const request = { TransactItems: [{ Update: { TableName: 'ledger' } }] };
    const reported = [{ TableName: 'ledger', CapacityUnits: 6, Table: { CapacityUnits: 4 }, GlobalSecondaryIndexes: { waiting: { CapacityUnits: 2 } } }];
    expect(billedTransactionWriteUnits(request, reported)).toBe(6);
  });

  it('counts nothing for a cancelled transaction, which reports no capacity', () => {
    expect(billedTransactionWriteUnits({ TransactItems: [{ Update: { TableName: 'ledger' } }] }, [])).toBe(0);
  });
});
