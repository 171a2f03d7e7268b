export { allocate } from './allocate';
export { allocateSeats, countFree } from './allocate-seats';
export { DEFAULT_CANDIDATES, MAX_SEGMENTS } from './constants';
export { AllocatorError, InvalidAllocationRequestError } from './errors';
export { indexSeats, SeatIndex } from './seat-index';
export { gapAround } from './seat-keys';
export type { AllocateOptions, AllocationRequest, AllocationStrategy, ChoiceOptions, SeatIndexOptions, SeatState } from './types';
