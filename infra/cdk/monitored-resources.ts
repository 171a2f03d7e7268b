import { Stack } from 'aws-cdk-lib';
import { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Table, TableV2, type ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Stream } from 'aws-cdk-lib/aws-kinesis';
import { CfnEventInvokeConfig, CfnEventSourceMapping, Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';

/**
 * What the dashboard and the alarms watch, found in the construct tree rather
 * than listed, so that a function, table, queue or stream added to the stack is
 * watched without a change here. Imported resources (`fromXxx`) are not ours to
 * watch and are left out.
 */
export interface MonitoredResources {
  readonly apis: readonly HttpApi[];
  readonly functions: readonly LambdaFunction[];
  readonly tables: readonly ITable[];
  readonly streams: readonly Stream[];
  /** Queues that carry work: their backlog is watched. */
  readonly workQueues: readonly Queue[];
  /** Queues where failed messages or records are parked: one message in any of them is an alarm. */
  readonly deadLetterQueues: readonly Queue[];
  /** Functions fed by a Kinesis or DynamoDB stream: their iterator age is how far behind they are. */
  readonly streamConsumers: readonly LambdaFunction[];
}

export function discoverMonitoredResources(scope: IConstruct): MonitoredResources {
  const stack = Stack.of(scope);
  const constructs = scope.node.findAll();
  const functions = constructs.filter((c): c is LambdaFunction => c instanceof LambdaFunction);
  const queues = constructs.filter((c): c is Queue => c instanceof Queue);
  const deadLetterQueues = [...findDeadLetterQueues(scope).keys()];
  // Only stream sources have a starting position; an SQS mapping has none.
  const consumerNames = constructs
    .filter((c): c is CfnEventSourceMapping => c instanceof CfnEventSourceMapping && c.startingPosition !== undefined)
    .map((mapping) => resolvedKey(stack, mapping.functionName));

  return {
    apis: constructs.filter((c): c is HttpApi => c instanceof HttpApi),
    functions,
    tables: constructs.filter((c): c is Table | TableV2 => c instanceof Table || c instanceof TableV2),
    streams: constructs.filter((c): c is Stream => c instanceof Stream),
    workQueues: queues.filter((queue) => !deadLetterQueues.includes(queue)),
    deadLetterQueues,
    streamConsumers: functions.filter((fn) => consumerNames.includes(resolvedKey(stack, fn.functionName))),
  };
}

/**
 * Every queue of the scope that is a dead-letter target, with what parks its
 * failures there: the queue whose redrive policy names it, or the function
 * whose DLQ, event source mapping on-failure destination or asynchronous
 * on-failure destination it is. Only plain (non-lazy) values are resolved, so
 * discovery never freezes a value the stack is still adding to.
 */
export function findDeadLetterQueues(scope: IConstruct): Map<Queue, IConstruct[]> {
  const stack = Stack.of(scope);
  const constructs = scope.node.findAll();
  const functions = constructs.filter((c): c is LambdaFunction => c instanceof LambdaFunction);
  const functionNamed = (name: unknown) => functions.find((fn) => resolvedKey(stack, fn.functionName) === resolvedKey(stack, name));
  const targets: Array<{ arn: unknown; source: IConstruct }> = [];
  for (const c of constructs) {
    if (c instanceof Queue && c.deadLetterQueue) targets.push({ arn: c.deadLetterQueue.queue.queueArn, source: c });
    if (c instanceof LambdaFunction && c.deadLetterQueue) targets.push({ arn: c.deadLetterQueue.queueArn, source: c });
    if (c instanceof CfnEventSourceMapping || c instanceof CfnEventInvokeConfig) {
      const source = functionNamed(c.functionName) ?? c;
      for (const arn of onFailureDestination(stack.resolve(c.destinationConfig))) targets.push({ arn, source });
    }
  }

  const deadLetterQueues = new Map<Queue, IConstruct[]>();
  for (const queue of constructs.filter((c): c is Queue => c instanceof Queue)) {
    const arn = resolvedKey(stack, queue.queueArn);
    const sources = targets.filter((target) => resolvedKey(stack, target.arn) === arn).map((target) => target.source);
    if (sources.length > 0) deadLetterQueues.set(queue, sources);
  }
  return deadLetterQueues;
}

/** A construct's path inside its stack: `Messaging/TicketOutboxDlq`. */
export function pathInStack(construct: IConstruct): string {
  const stackPath = Stack.of(construct).node.path;
  return construct.node.path.slice(stackPath.length + 1);
}

function onFailureDestination(destinationConfig: unknown): unknown[] {
  if (!isRecord(destinationConfig) || !isRecord(destinationConfig.onFailure)) return [];
  return destinationConfig.onFailure.destination === undefined ? [] : [destinationConfig.onFailure.destination];
}

/** Tokens compare by what they resolve to: `{ "Fn::GetAtt": [id, "Arn"] }`, `{ "Ref": id }`. */
function resolvedKey(stack: Stack, value: unknown): string {
  return JSON.stringify(stack.resolve(value));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
