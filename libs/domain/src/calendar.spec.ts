import { isCalendarDay, isClockTime } from './calendar';

describe('calendar', () => {
  it.each([
    [2026, 2, 28, true],
    [2026, 2, 29, false],
    [2024, 2, 29, true],
    [1900, 2, 29, false],
    [2000, 2, 29, true],
    [2026, 2, 30, false],
    [2026, 4, 31, false],
    [2026, 12, 31, true],
    [2026, 13, 1, false],
    [2026, 0, 1, false],
    [2026, 1, 0, false],
  ])('%i-%i-%i is a calendar day: %s', (year, month, day, expected) => {
    expect(isCalendarDay(year, month, day)).toBe(expected);
  });

  it.each([
    [0, 0, 0, true],
    [23, 59, 59.999, true],
    [24, 0, 0, false],
    [12, 60, 0, false],
    [12, 0, 60, false],
  ])('%i:%i:%d is a clock time: %s', (hour, minute, second, expected) => {
    expect(isClockTime(hour, minute, second)).toBe(expected);
  });
});
