import { describeRateLimit, rateLimitValue } from './rate-limit';

describe('the rate limit field of the API Keys screen', () => {
  it('sends null for an empty field (no rate limit) and the number for whole digits', () => {
    expect(rateLimitValue('')).toBeNull();
    expect(rateLimitValue('   ')).toBeNull();
    expect(rateLimitValue('20')).toBe(20);
    expect(rateLimitValue(' 10000 ')).toBe(10_000);
    expect(rateLimitValue('0')).toBe(0);
  });

  it('sends anything else as typed, for the API to refuse with its message', () => {
    expect(rateLimitValue('1.5')).toBe('1.5');
    expect(rateLimitValue('-3')).toBe('-3');
    expect(rateLimitValue('ten')).toBe('ten');
  });

  it('shows the limit per second, or None', () => {
    expect(describeRateLimit(null)).toBe('None');
    expect(describeRateLimit(20)).toBe('20 / s');
    expect(describeRateLimit(10_000)).toBe('10,000 / s');
  });
});
