/** PutRecords takes at most 500 entries per request. */
export const MAX_RECORDS_PER_PUT = 500;

/** PutRecords takes at most 5 MiB per request (data and partition keys); the lower, older limit holds everywhere. */
export const MAX_BYTES_PER_PUT = 5 * 1024 * 1024;

/** The error code of an event whose request was never sent, because an earlier request of the same call failed. */
export const NOT_SENT = 'NotSent';
