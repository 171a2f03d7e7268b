import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { refundFee } from '../../../lib/after-sale/refund-fee';
import FeePreview from './FeePreview.vue';

const HOUR_MS = 3_600_000;
const NOW = Date.parse('2026-12-01T01:00:00Z');
const tickets = [
  { ticketNo: 'T1', passengerName: '李雷', fare: 55300 },
  { ticketNo: 'T2', passengerName: '韩梅梅', fare: 900 },
];

const mountPreview = (hoursLeft: number, chosen = tickets) => mount(FeePreview, { props: { tickets: chosen, departsAtMs: NOW + hoursLeft * HOUR_MS, nowMs: NOW } });
const cells = (wrapper: ReturnType<typeof mountPreview>, ticketNo: string) => wrapper.find(`tr[data-ticket="${ticketNo}"]`).findAll('td').map((td) => td.text());

describe('Component: FeePreview', () => {
  it('charges nothing eight days or more before departure', () => {
    const wrapper = mountPreview(8 * 24);

    expect(cells(wrapper, 'T1')).toEqual(['T1', '李雷', '¥553.00', '¥0.00 (0%)', '¥553.00']);
  });

  it('charges 5 % from 48 hours, rounded to 50 fen, and the 2-yuan minimum on a cheap ticket', () => {
    const wrapper = mountPreview(72);

    // 55300 × 5 % = 2765 → 2750 (to the nearest 50 fen); 900 × 5 % = 45 → at least 200.
    expect(cells(wrapper, 'T1')).toEqual(['T1', '李雷', '¥553.00', '¥27.50 (5%)', '¥525.50']);
    expect(cells(wrapper, 'T2')).toEqual(['T2', '韩梅梅', '¥9.00', '¥2.00 (5%)', '¥7.00']);
    expect(wrapper.find('tfoot').text()).toContain('¥532.50');
  });

  it('charges 10 % from 24 hours and 20 % in the last day, as the server computes it', () => {
    for (const [hours, percent] of [
      [30, 10],
      [1, 20],
    ] as const) {
      const wrapper = mountPreview(hours, [tickets[0]!]);
      const fee = refundFee(55300, hours * HOUR_MS);
      expect(cells(wrapper, 'T1')[3]).toBe(`¥${(fee / 100).toFixed(2)} (${percent}%)`);
      expect(wrapper.find('tfoot').exists()).toBe(false);
    }
    expect(refundFee(55300, HOUR_MS)).toBe(11050);
  });
});
