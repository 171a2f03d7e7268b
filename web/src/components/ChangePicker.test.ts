import { flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it, vi } from 'vitest';
import type { ServiceSummary } from '../api';
import ChangePicker from './ChangePicker.vue';

const DATE = '2026-12-20';
/** 10:00 railway time on DATE: G1 (09:00) has left, G3 and G5 have not. */
const NOW = Date.parse(`${DATE}T02:00:00Z`);

const summary = (trainNo: string, departs: string, second: { available: number; fare: number }, extra: ServiceSummary['classes'] = {}): ServiceSummary => ({
  serviceId: `${trainNo}_${DATE}`,
  trainNo,
  date: DATE,
  from: { station: 'VNP', departs },
  to: { station: 'AOH', arrives: '18:00' },
  classes: { second, ...extra },
});

const services = [
  summary('G5', '14:00', { available: 0, fare: 55300 }, { first: { available: 3, fare: 93300 } }),
  summary('G1', '09:00', { available: 9, fare: 55300 }),
  summary('G3', '11:00', { available: 4, fare: 50000 }, { business: { available: 1, fare: 55300 } }),
];

function mountPicker() {
  const search = vi.fn(async (_from: string, _to: string, _date: string) => services);
  const wrapper = mount(ChangePicker, {
    props: { from: 'VNP', to: 'AOH', date: DATE, current: { serviceId: `G3_${DATE}`, seatClass: 'first' }, oldFare: 55300, search, nowMs: NOW },
  });
  return { wrapper, search };
}

describe('Component: ChangePicker', () => {
  it('searches the same stations on the ticket date and lists only trains still to leave, earliest first', async () => {
    const { wrapper, search } = mountPicker();
    await flushPromises();

    expect(search).toHaveBeenCalledWith('VNP', 'AOH', DATE);
    expect(wrapper.findAll('tr[data-service]').map((row) => row.attributes('data-service'))).toEqual([`G3_${DATE}`, `G5_${DATE}`]);
  });

  it('offers only classes with seats, with the fare difference, and not the ticket own ride', async () => {
    const { wrapper } = mountPicker();
    await flushPromises();

    const g5 = wrapper.find(`tr[data-service="G5_${DATE}"]`);
    expect(g5.find('[data-class="second"] button').exists()).toBe(false);
    expect(g5.find('[data-class="second"]').text()).toContain('无票');
    expect(g5.find('[data-class="first"] .difference').text()).toBe('需补 ¥380.00');
    expect(wrapper.find(`tr[data-service="G3_${DATE}"] [data-class="second"] .difference`).text()).toBe('退还 ¥53.00');
    expect(wrapper.find(`tr[data-service="G3_${DATE}"] [data-class="business"] .difference`).text()).toBe('无差价');
  });

  it('emits the chosen train and class with its fare', async () => {
    const { wrapper } = mountPicker();
    await flushPromises();

    await wrapper.find(`tr[data-service="G5_${DATE}"] [data-class="first"] button`).trigger('click');

    expect(wrapper.find(`tr[data-service="G5_${DATE}"] [data-class="first"] .choice`).classes()).toContain('chosen');
    expect(wrapper.find(`tr[data-service="G5_${DATE}"] [data-class="first"] button`).attributes('aria-pressed')).toBe('true');
    expect(wrapper.emitted('choose')).toEqual([[{ serviceId: `G5_${DATE}`, trainNo: 'G5', departs: '14:00', seatClass: 'first', fare: 93300 }]]);
  });

  it('searches again on another date', async () => {
    const { wrapper, search } = mountPicker();
    await flushPromises();

    await wrapper.find('input[name="change-date"]').setValue('2026-12-21');
    await wrapper.find('form').trigger('submit');
    await flushPromises();

    expect(search).toHaveBeenLastCalledWith('VNP', 'AOH', '2026-12-21');
  });
});
