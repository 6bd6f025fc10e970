// HTML (Node.js): fill an HTML template (an order page) with Mustache, escaping the values.
// Input: {title, user: {name, email}, items: [{name, qty, price}]} (generated from the seed).
// Output: {html, bytes}. Mustache is logic-less, so the handler prepares the view (row numbers,
// row classes, formatted prices); the template is parsed once per worker.
import Mustache from 'mustache';
import { readFileSync } from 'node:fs';
import { mulberry32 } from '../_lib/seeded-random.mjs';

const TEMPLATE = readFileSync(new URL('./page.mustache', import.meta.url), 'utf8');
Mustache.parse(TEMPLATE);
const WORDS = ['red', 'green', 'blue', 'small', 'large', 'steel', 'wooden', 'lamp', 'chair', 'table', 'cable', 'kettle', 'mug', 'book'];

export function makeInput(seed) {
  const next = mulberry32(seed);
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo));
  const items = Array.from({ length: 50 }, () => {
    const pool = [...WORDS];
    const name = [0, 1, 2].map(() => pool.splice(int(0, pool.length), 1)[0]).join(' ');
    return { name, qty: int(1, 10), price: Math.round((1 + next() * 199) * 100) / 100 };
  });
  return {
    title: `Order #${int(100000, 999999)}`,
    user: { name: `User ${int(0, 10000)}`, email: `user${int(0, 10000)}@example.org` },
    items,
  };
}

export async function handler(input) {
  const { title, user, items } = input ?? {};
  if (!Array.isArray(items)) throw new TypeError('input "items" must be an array');
  let total = 0;
  const rows = items.map((item, i) => {
    const line = item.qty * item.price;
    total += line;
    return { index: i + 1, rowClass: i % 2 === 0 ? 'odd' : 'even', name: item.name, qty: item.qty, price: item.price.toFixed(2), lineTotal: line.toFixed(2) };
  });
  const html = Mustache.render(TEMPLATE, { title, user, items: rows, total: total.toFixed(2) });
  return { html, bytes: Buffer.byteLength(html) };
}
