export { allocateSeats, countFree } from './allocate-seats';
export { DEFAULT_CANDIDATES, MAX_SEGMENTS } from './constants';
export { AllocatorError, InvalidAllocationRequestError } from './errors';
export { gapAround } from './seat-scan';
export type { AllocateOptions, AllocationRequest, AllocationStrategy, SeatState } from './types';
