// Workload suite, web category: HTML templating and zip, each invoked through its runtime harness.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker, expectOk } from './test-helpers/harness-client.js';
import { readZip } from './test-helpers/reference.js';

interface HtmlOut {
  html: string;
  bytes: number;
}
interface ZipOut {
  zip: string;
  bytes: number;
  entries: string[];
}

const page = {
  title: 'Order <script>alert("x")</script> & co',
  user: { name: 'Zoë Ångström', email: 'zoe@example.org' },
  items: [
    { name: 'kettle <b>steel</b>', qty: 3, price: 19.99 },
    { name: 'lamp', qty: 1, price: 250 },
    { name: 'mug', qty: 12, price: 4.5 },
  ],
};

for (const name of ['html-python', 'html-node', 'html-java']) {
  describe(name, () => {
    let w: Worker;
    before(async () => {
      w = await Worker.start(name);
    });
    after(() => w.close());

    test('renders every value, escaped, with computed totals', async () => {
      const out = (await expectOk(w.invokeJson(page))) as HtmlOut;
      const { html } = out;
      assert.equal(out.bytes, Buffer.byteLength(html));
      assert.match(html, /^<!DOCTYPE html>/);
      // The title is escaped: no live <script>, the escaped text present twice (title and h1).
      assert.ok(!html.includes('<script>'), 'raw <script> must not appear');
      assert.equal(html.split('&lt;script&gt;').length - 1, 2);
      assert.ok(html.includes('Zoë Ångström') && html.includes('zoe@example.org'));
      assert.ok(html.includes('kettle &lt;b&gt;steel&lt;'), 'item names are escaped');
      assert.equal((html.match(/<tr class="(odd|even)">/g) ?? []).length, 3, 'one row per item');
      for (const v of ['19.99', '59.97', '250.00', '4.50', '54.00']) assert.ok(html.includes(`<td>${v}</td>`), `cell ${v}`);
      assert.ok(html.includes('<td class="total">363.97</td>'), 'grand total');
    });

    test('seeded input renders 50 rows', async () => {
      const out = (await expectOk(w.invokeSeed(42))) as HtmlOut;
      assert.equal((out.html.match(/<tr class="(odd|even)">/g) ?? []).length, 50);
      assert.match(out.html, /<title>Order #\d{6}<\/title>/);
    });

    test('bad input is an error, not a page', async () => {
      const r = await w.invokeJson({ title: 'x', user: { name: 'a', email: 'b' }, items: 'nope' });
      assert.equal(r.ok, false);
    });
  });
}

const files = [
  { name: 'a.txt', content: 'alpha '.repeat(5000) },
  { name: 'data/b.csv', content: Array.from({ length: 800 }, (_, i) => `${i},${(i * 7919) % 1000},β`).join('\n') },
  { name: 'c.md', content: '# c\n\nnot very compressible: ' + Array.from({ length: 400 }, (_, i) => ((i * 2654435761) >>> 0).toString(36)).join('') },
];

for (const name of ['zip-python', 'zip-node', 'zip-java']) {
  describe(name, () => {
    let w: Worker;
    before(async () => {
      w = await Worker.start(name);
    });
    after(() => w.close());

    test('the archive unpacks to the 3 files, byte for byte', async () => {
      const out = (await expectOk(w.invokeJson({ files }))) as ZipOut;
      const zip = Buffer.from(out.zip, 'base64');
      assert.equal(out.bytes, zip.length);
      const entries = readZip(zip);
      assert.deepEqual(
        entries.map((e) => e.name),
        files.map((f) => f.name),
      );
      for (const [i, e] of entries.entries()) {
        assert.equal(e.method, 8, `${e.name} is deflated`);
        assert.equal(e.content.toString('utf8'), files[i]?.content);
      }
      const total = files.reduce((s, f) => s + Buffer.byteLength(f.content), 0);
      assert.ok(zip.length < total / 2, `compressed ${zip.length} B of ${total} B`);
    });

    test('seeded input: 3 entries of about 32 KiB', async () => {
      const out = (await expectOk(w.invokeSeed(42))) as ZipOut;
      const entries = readZip(Buffer.from(out.zip, 'base64'));
      assert.equal(entries.length, 3);
      for (const e of entries) assert.ok(e.content.length >= 32 * 1024 && e.content.length < 33 * 1024, `${e.name}: ${e.content.length} B`);
    });

    test('no files is an error', async () => {
      assert.equal((await w.invokeJson({ files: [] })).ok, false);
    });
  });
}
