import type { CustomJsonReplacerFn } from '@aws-lambda-powertools/logger/types';

/**
 * A PRC resident ID number anywhere in a string: 17 digits and a check
 * character, not part of a longer run of letters or digits.
 */
const RESIDENT_ID = /(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[0-9Xx])(?![0-9A-Za-z])/g;

/** `110101********0011`, the way tickets and errors show an ID number. */
export const redactIdNumbers = (text: string): string => text.replace(RESIDENT_ID, '$1********$2');

/**
 * The Logger's JSON replacer: every string it prints goes through here, at any
 * depth (messages, attributes, and errors once Powertools has formatted them,
 * with their causes and own fields: the relay's publish error carries the
 * events it could not publish), so no resident ID number reaches a log line.
 */
export const redactingJsonReplacer: CustomJsonReplacerFn = (_key, value) => (typeof value === 'string' ? redactIdNumbers(value) : value);
