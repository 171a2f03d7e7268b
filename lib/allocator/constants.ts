import { MAX_STOPS } from '../timetable/service';

/** A busy mask has one bit per segment. */
export const MAX_SEGMENTS = MAX_STOPS - 1;

/** How many equally good options best-fit picks among at random unless told otherwise: all of them. */
export const DEFAULT_CANDIDATES = Number.POSITIVE_INFINITY;
