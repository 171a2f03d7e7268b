import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import PassengerFields from './PassengerFields.vue';

const mountFields = (idNumber: string, showErrors = false) =>
  mount(PassengerFields, { props: { modelValue: { name: '李雷', idNumber }, index: 0, showErrors } });

describe('Component: PassengerFields', () => {
  it('says nothing about an ID number until the field is left or the form is sent', async () => {
    const wrapper = mountFields('110101199003070012');
    expect(wrapper.find('#passenger-0-id-error').text()).toBe('');

    await wrapper.find('input[name="passenger-0-id"]').trigger('blur');

    expect(wrapper.find('#passenger-0-id-error').text()).toContain('校验位不正确');
    expect(wrapper.find('input[name="passenger-0-id"]').attributes('aria-invalid')).toBe('true');
  });

  it('shows why a number is refused once the form is sent, and nothing for a valid one', () => {
    expect(mountFields('1101011990', true).find('#passenger-0-id-error').text()).toContain('17 位数字');
    expect(mountFields('110101199003070011', true).find('#passenger-0-id-error').text()).toBe('');
  });
});
