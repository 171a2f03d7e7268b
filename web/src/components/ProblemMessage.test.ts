import { mount } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiProblem } from '../api';
import { setLocale } from '../i18n';
import ProblemMessage from './ProblemMessage.vue';

const soldOut = new ApiProblem(409, '/problems/sold-out', 'Sold Out', 'fewer than 1 second seats are free from VNP to AOH', []);

afterEach(() => setLocale('zh'));

describe('Component: ProblemMessage', () => {
  it('shows a known problem in Chinese by its own title and status, the API\'s English words only on hover', () => {
    setLocale('zh');
    const wrapper = mount(ProblemMessage, { props: { error: soldOut } });

    expect(wrapper.text()).toContain('余票不足，已售完');
    expect(wrapper.text()).toContain('409');
    expect(wrapper.text()).not.toContain('fewer than');
    expect(wrapper.text()).not.toContain('Sold Out');
    expect(wrapper.find('strong').attributes('title')).toBe('Sold Out: fewer than 1 second seats are free from VNP to AOH');
  });

  it('shows the API\'s title and detail in English, and for a problem it does not know in either language', () => {
    setLocale('en');
    expect(mount(ProblemMessage, { props: { error: soldOut } }).text()).toMatch(/Sold out[\s\S]*409 Sold Out[\s\S]*fewer than 1 second seats/);

    setLocale('zh');
    const unknown = new ApiProblem(418, '/problems/teapot', 'Teapot', 'short and stout', []);
    expect(mount(ProblemMessage, { props: { error: unknown } }).text()).toMatch(/Teapot[\s\S]*418 Teapot[\s\S]*short and stout/);
  });
});
