import { isCritical, levelName } from './risk-levels';

describe('risk levels', () => {
  it('names 0-4 in French, like the labels', () => {
    expect([0, 1, 2, 3, 4].map(levelName)).toEqual([
      'non significatif',
      'faible',
      'sensible',
      'critique',
      'stratégique',
    ]);
    expect(() => levelName(5)).toThrow();
  });

  it('calls critical only an OPEN risk of impact 3 or more', () => {
    expect(isCritical({ status: 'OPEN', impact: 3 })).toBe(true);
    expect(isCritical({ status: 'OPEN', impact: 2 })).toBe(false);
    expect(isCritical({ status: 'MITIGATED', impact: 4 })).toBe(false);
    expect(isCritical({ status: 'CLOSED', impact: 4 })).toBe(false);
  });
});
