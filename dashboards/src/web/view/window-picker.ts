// The 1m/5m/15m/1h window picker, kept in the address (`?window=`).
import { isWindowName, type WindowName } from '../schemas.js';

const DEFAULT_WINDOW: WindowName = '1m';

/** The window in the address (`?window=5m`), so a reload or a shared link keeps it. */
export function windowFromLocation(): WindowName {
  const asked = new URLSearchParams(location.search).get('window');
  return isWindowName(asked) ? asked : DEFAULT_WINDOW;
}

/** Wires the 1m/5m/15m/1h radio group: checks `initial`, calls `onChange` and updates the address. */
export function bindWindowPicker(initial: WindowName, onChange: (window: WindowName) => void): void {
  const radios = [...document.querySelectorAll<HTMLInputElement>('input[name="window"]')];
  for (const radio of radios) {
    radio.checked = radio.value === initial;
    radio.addEventListener('change', () => {
      if (!radio.checked || !isWindowName(radio.value)) return;
      const url = new URL(location.href);
      url.searchParams.set('window', radio.value);
      history.replaceState(null, '', url);
      onChange(radio.value);
    });
  }
}
