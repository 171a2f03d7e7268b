import { mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import CountdownTimer from './CountdownTimer.vue';

describe('Component: CountdownTimer', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-12-01T01:00:00Z'));
  });
  afterEach(() => vi.useRealTimers());

  it('counts down to expiresAt each second', async () => {
    const wrapper = mount(CountdownTimer, { props: { expiresAt: '2026-12-01T01:30:00Z' } });
    expect(wrapper.text()).toContain('30:00');

    await vi.advanceTimersByTimeAsync(61_000);
    expect(wrapper.text()).toContain('28:59');
  });

  it('says the time ran out and tells its parent once', async () => {
    const wrapper = mount(CountdownTimer, { props: { expiresAt: '2026-12-01T01:00:02Z' } });

    await vi.advanceTimersByTimeAsync(5_000);

    expect(wrapper.text()).not.toMatch(/\d\d:\d\d/);
    expect(wrapper.emitted('expired')).toHaveLength(1);
  });

  it('stops ticking once unmounted', () => {
    const wrapper = mount(CountdownTimer, { props: { expiresAt: '2026-12-01T01:30:00Z' } });
    wrapper.unmount();
    expect(vi.getTimerCount()).toBe(0);
  });
});
