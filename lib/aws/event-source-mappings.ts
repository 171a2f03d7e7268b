import { type LambdaClient, paginateListEventSourceMappings } from '@aws-sdk/client-lambda';

/** States in which a mapping reads nothing and is not about to (Lambda's own, or set by an operator or a drill). */
const STOPPED = new Set(['Disabled', 'Disabling']);

/**
 * How many event source mappings of these functions are stopped: a paused
 * issuer, relay or consumer lets work pile up silently (the stream keeps its
 * records only so long).
 */
export async function stoppedEventSourceMappings(lambda: LambdaClient, functionNames: readonly string[]): Promise<{ stopped: number; mappings: string[] }> {
  const mappings: string[] = [];
  for (const FunctionName of functionNames) {
    for await (const page of paginateListEventSourceMappings({ client: lambda }, { FunctionName })) {
      for (const mapping of page.EventSourceMappings ?? []) {
        if (STOPPED.has(mapping.State ?? '')) mappings.push(`${FunctionName} ← ${mapping.EventSourceArn ?? mapping.UUID} (${mapping.State}: ${mapping.StateTransitionReason ?? 'no reason given'})`);
      }
    }
  }
  return { stopped: mappings.length, mappings };
}
