// Small DOM helpers. Text always goes in through textContent (never innerHTML): message text, names and file
// names are other people's input.

/** h('li', {class: 'x', onclick: f}, 'text', child…) → an element. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else element.setAttribute(name, value === true ? '' : value);
  }
  element.append(...children.flat().filter((child) => child !== null && child !== undefined && child !== false));
  return element;
}

export const $ = (selector) => document.querySelector(selector);

/** "10:07" today, "14 Mar 10:07" otherwise. Accepts both REST ("…Z") and frame ("…+00:00") timestamps. */
export function time(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  const sameDay = date.toDateString() === new Date().toDateString();
  const options = sameDay ? { hour: '2-digit', minute: '2-digit' }
    : { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' };
  return date.toLocaleString(undefined, options);
}

/** "online", "last seen 10:07", or "" when unknown. */
export function presenceText(presence) {
  if (!presence) return '';
  if (presence.online) return 'online';
  return presence.last_seen ? `last seen ${time(presence.last_seen)}` : 'offline';
}

/** A presence dot: green online, grey offline, hollow unknown. */
export function dot(presence) {
  const state = presence ? (presence.online ? 'online' : 'offline') : 'unknown';
  return h('span', { class: `dot ${state}`, title: presenceText(presence) || 'presence unknown' });
}

/** Shows a message for a few seconds in the page's alert area (also read out by screen readers). */
export function toast(text, kind = 'error') {
  const area = $('#toasts');
  const item = h('div', { class: `toast ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
  area.append(item);
  setTimeout(() => item.remove(), 8000);
}
