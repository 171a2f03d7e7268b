import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ForbiddenError, UnauthorizedError, authorize, groupsOf } from '../../../lib/http';
import { loadEvent } from '../../helpers/events';

describe('Function: groupsOf', () => {
  it.each([
    ['"[admin]" as API Gateway flattens a one-group claim', '[admin]', ['admin']],
    ['"[admin other]" as API Gateway flattens several groups', '[admin other]', ['admin', 'other']],
    ['"[]" for an empty list', '[]', []],
    ['a bare group name', 'admin', ['admin']],
    ['a JSON-looking string', '["ops","admin"]', ['ops', 'admin']],
    ['a real array', ['ops', 'admin'], ['ops', 'admin']],
    ['an absent claim', undefined, []],
    ['a claim of another type', 42, []],
  ])('reads %s', (_form, claim, groups) => {
    // Act
    const result = groupsOf(claim);

    // Assess
    expect(result).toEqual(groups);
  });
});

describe('Function: authorize', () => {
  const fixtures = {
    anonymous: 'http/unauthenticated-request.json',
    user: 'http/user-request.json',
    admin: 'http/admin-request.json',
    iam: 'http/iam-request.json',
  } as const;

  it.each([
    ['public', 'anonymous', undefined],
    ['public', 'user', 'jwt'],
    ['user', 'user', 'jwt'],
    ['user', 'admin', 'jwt'],
    ['admin', 'admin', 'jwt'],
    ['internal', 'iam', 'iam'],
    ['internal', 'admin', 'jwt'],
  ] as const)('in %s mode admits the %s caller', (mode, who, via) => {
    // Act
    const caller = authorize(mode, loadEvent(fixtures[who]));

    // Assess
    expect(caller?.via).toBe(via);
  });

  it.each([
    ['user', 'anonymous', UnauthorizedError],
    ['user', 'iam', UnauthorizedError],
    ['admin', 'anonymous', UnauthorizedError],
    ['admin', 'user', ForbiddenError],
    ['internal', 'anonymous', UnauthorizedError],
    ['internal', 'user', ForbiddenError],
  ] as const)('in %s mode refuses the %s caller', (mode, who, error) => {
    // Act
    const act = () => authorize(mode, loadEvent(fixtures[who]));

    // Assess
    expect(act).toThrow(error);
  });

  it('ignores an IAM authorizer block that names no principal', () => {
    // Prepare
    const event: APIGatewayProxyEventV2 = loadEvent('http/iam-request.json', {
      requestContext: { authorizer: { iam: { userArn: undefined, callerId: undefined, userId: undefined } } },
    });

    // Act
    const act = () => authorize('internal', event);

    // Assess
    expect(act).toThrow(UnauthorizedError);
  });
});
