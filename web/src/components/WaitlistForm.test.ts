import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import WaitlistForm from './WaitlistForm.vue';

/** Departs 2026-12-02 09:00 railway time (01:00 UTC); "now" is the day before, 09:00 railway time. */
const DEPARTS = Date.parse('2026-12-02T01:00:00Z');
const NOW = Date.parse('2026-12-01T01:00:00Z');

const mountForm = (nowMs = NOW) => mount(WaitlistForm, { props: { departsAtMs: DEPARTS, nowMs, modelValue: undefined } });
const lastModel = (wrapper: ReturnType<typeof mountForm>) => wrapper.emitted('update:modelValue')?.at(-1)?.[0];

describe('Component: WaitlistForm', () => {
  it('offers two hours before departure, in railway local time, bounded by now and departure', () => {
    const wrapper = mountForm();
    const input = wrapper.find('input[name="waitlist-until"]');

    expect((input.element as HTMLInputElement).value).toBe('2026-12-02T07:00');
    expect(input.attributes('min')).toBe('2026-12-01T09:00');
    expect(input.attributes('max')).toBe('2026-12-02T08:59');
    expect(lastModel(wrapper)).toBe('2026-12-01T23:00:00.000Z');
    expect(wrapper.find('#waitlist-until-hint').text()).toContain('2026/12/02 09:00');
  });

  it('offers halfway to departure when the train leaves within two hours', () => {
    const wrapper = mountForm(DEPARTS - 60 * 60_000);

    expect((wrapper.find('input[name="waitlist-until"]').element as HTMLInputElement).value).toBe('2026-12-02T08:30');
  });

  it('refuses a deadline at or after departure, or already past, and sends none', async () => {
    const wrapper = mountForm();
    const input = wrapper.find('input[name="waitlist-until"]');

    await input.setValue('2026-12-02T09:00');
    expect(lastModel(wrapper)).toBeUndefined();
    expect(input.attributes('aria-invalid')).toBe('true');
    expect(wrapper.find('#waitlist-until-hint').classes()).toContain('field-error');
    expect(wrapper.find('#waitlist-until-hint').text()).toContain('须早于开车时间');

    await input.setValue('2026-12-01T08:00');
    expect(lastModel(wrapper)).toBeUndefined();
    expect(wrapper.find('#waitlist-until-hint').text()).toContain('截止时间已过');

    await input.setValue('2026-12-02T08:15');
    expect(lastModel(wrapper)).toBe('2026-12-02T00:15:00.000Z');
    expect(input.attributes('aria-invalid')).toBe('false');
  });
});
