import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import type { SeatMapCoach } from '../api';
import SeatMap from './SeatMap.vue';

/** A second-class coach of two rows, A B C | D F, with 01A and 02D taken. */
const coach: SeatMapCoach = {
  coach: '03',
  seatClass: 'second',
  seats: ['01A', '01B', '01C', '01D', '01F', '02A', '02B', '02C', '02D', '02F'].map((seat) => ({ seat, free: seat !== '01A' && seat !== '02D' })),
};

const mountMap = (letters: string[] = []) => mount(SeatMap, { props: { coaches: [coach], letters } });

describe('Component: SeatMap', () => {
  it('lays a coach out as on the train: F and D above the aisle, C B A below, rows left to right', () => {
    const wrapper = mountMap();

    const lanes = wrapper.findAll('.coach-body > *').map((el) => (el.classes('aisle') ? '|' : (el.attributes('data-letter') ?? 'window')));
    expect(lanes).toEqual(['window', 'F', 'D', '|', 'C', 'B', 'A', 'window']);
    expect(wrapper.find('[data-letter="F"]').findAll('.seat').map((s) => s.attributes('data-seat'))).toEqual(['01F', '02F']);
  });

  it('shows taken seats disabled and counts the free ones', () => {
    const wrapper = mountMap();

    expect(wrapper.find('[data-seat="01A"]').attributes('disabled')).toBeDefined();
    expect(wrapper.find('[data-seat="02A"]').attributes('disabled')).toBeUndefined();
    expect(wrapper.find('h3 small').text()).toContain('8');
  });

  it('chooses a seat letter from a free seat or the letter itself, and unchooses it again', async () => {
    const wrapper = mountMap(['A']);

    await wrapper.find('[data-seat="02F"]').trigger('click');
    expect(wrapper.emitted('update:letters')?.[0]).toEqual([['A', 'F']]);

    await wrapper.find('[data-letter="A"] .letter').trigger('click');
    expect(wrapper.emitted('update:letters')?.[1]).toEqual([[]]);
  });

  it('marks the free seats of a chosen letter as preferred, never a taken one', () => {
    const wrapper = mountMap(['A', 'D']);

    expect(wrapper.find('[data-seat="02A"]').classes()).toContain('preferred');
    expect(wrapper.find('[data-seat="01D"]').classes()).toContain('preferred');
    expect(wrapper.find('[data-seat="01A"]').classes()).not.toContain('preferred');
    expect(wrapper.find('[data-seat="02B"]').classes()).not.toContain('preferred');
  });

  it('puts a business coach A C | F with the aisle between C and F', () => {
    const business: SeatMapCoach = { coach: '01', seatClass: 'business', seats: ['01A', '01C', '01F'].map((seat) => ({ seat, free: true })) };
    const wrapper = mount(SeatMap, { props: { coaches: [business], letters: [] } });

    const lanes = wrapper.findAll('.coach-body > *').map((el) => (el.classes('aisle') ? '|' : (el.attributes('data-letter') ?? 'window')));
    expect(lanes).toEqual(['window', 'F', '|', 'C', 'A', 'window']);
  });
});
