import { describe, expect, it } from 'vitest';
import { railwayDateTime } from './format';

describe('railwayDateTime', () => {
  it('shows an instant in railway local time (UTC+8), year first in both languages, so no reader takes the day for the month', () => {
    expect(railwayDateTime('2026-12-03T19:09:00Z', 'zh')).toBe('2026/12/04 03:09');
    expect(railwayDateTime('2026-12-03T19:09:00Z', 'en')).toBe('2026-12-04 03:09');
  });

  it('writes midnight as 00, not 24, and answers a string that is no instant as it is', () => {
    expect(railwayDateTime('2026-12-03T16:00:00Z', 'en')).toBe('2026-12-04 00:00');
    expect(railwayDateTime('soon', 'en')).toBe('soon');
  });
});
