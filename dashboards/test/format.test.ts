// Unit tests of the page's number and time formatting.
import { describe, expect, it } from 'vitest';
import {
  formatClock,
  formatCompact,
  formatCount,
  formatDuration,
  formatHourMinute,
  formatRatio,
  formatRupees,
  formatRupeesPaise,
  formatSigned,
  formatSignedPercent,
} from '../src/web/format.js';

describe('number formatting', () => {
  it('groups counts and rounds away float noise', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(968)).toBe('968');
    expect(formatCount(17665)).toBe('17,665');
    expect(formatCount(1000884)).toBe('10,00,884');
    expect(formatCount(2.0000000004)).toBe('2');
    expect(formatCount(-0.2)).toBe('0');
  });

  it('shows rupees whole, averages with paise', () => {
    expect(formatRupees(4313950)).toBe('₹43,13,950');
    expect(formatRupees(0.1 + 0.2)).toBe('₹0');
    expect(formatRupees(1039.5)).toBe('₹1,040');
    expect(formatRupeesPaise(4313950 / 968)).toBe('₹4,456.56');
    expect(formatRupeesPaise(0.1 + 0.2)).toBe('₹0.30');
    expect(formatRupeesPaise(1040)).toBe('₹1,040.00');
  });

  it('abbreviates axis values', () => {
    expect(formatCompact(999)).toBe('999');
    expect(formatCompact(1200)).toBe('1.2K');
    expect(formatCompact(4313950)).toBe('43.1L');
    expect(formatCompact(12345678)).toBe('1.2Cr');
  });

  it('prints ratios with two decimals', () => {
    expect(formatRatio(30 / 12)).toBe('2.50');
    expect(formatRatio(2)).toBe('2.00');
    expect(formatRatio(10 / 3)).toBe('3.33');
    expect(formatRatio(1.005 + 1e-12)).toBe('1.01');
  });

  it('signs changes, zero unsigned', () => {
    expect(formatSignedPercent(0.125)).toBe('+12.5%');
    expect(formatSignedPercent(-0.02)).toBe('-2%');
    expect(formatSignedPercent(0)).toBe('0%');
    expect(formatSignedPercent(0.00001)).toBe('0%');
    expect(formatSigned(1200, formatRupees)).toBe('+₹1,200');
    expect(formatSigned(-12, formatCount)).toBe('-12');
    expect(formatSigned(0, formatCount)).toBe('0');
  });
});

describe('time formatting', () => {
  it('says durations as people do', () => {
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(430)).toBe('0.4 s');
    expect(formatDuration(9_990)).toBe('9.9 s');
    expect(formatDuration(12_400)).toBe('12 s');
    expect(formatDuration(245_000)).toBe('4 min 5 s');
    expect(formatDuration(2 * 3_600_000 + 180_000)).toBe('2 h 3 min');
    expect(formatDuration(76 * 3_600_000)).toBe('3 d 4 h');
    expect(formatDuration(-50)).toBe('0 s');
  });

  it('prints clock times on a 24-hour clock', () => {
    const t = Date.UTC(2026, 10, 25, 13, 7, 5);
    expect(formatClock(t, 'UTC')).toBe('13:07:05');
    expect(formatClock(t, 'Asia/Kolkata')).toBe('18:37:05');
    expect(formatHourMinute(t, 'UTC')).toBe('13:07');
    expect(formatClock(Date.UTC(2026, 10, 25, 0, 0, 0), 'UTC')).toBe('00:00:00');
  });
});
