import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveRunAs } from './run-as.js';

test('resolves names, numbers, self and the root default', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'isawatt-runas-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const passwd = join(dir, 'passwd');
  writeFileSync(passwd, 'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\nfn:x:1500:1600::/:/bin/false\n');
  assert.deepEqual(resolveRunAs(undefined, passwd, true), { uid: 65534, gid: 65534 });
  assert.equal(resolveRunAs(undefined, passwd, false), undefined);
  assert.equal(resolveRunAs('self', passwd, true), undefined);
  assert.deepEqual(resolveRunAs('fn', passwd, true), { uid: 1500, gid: 1600 });
  assert.deepEqual(resolveRunAs('2000:3000', passwd, true), { uid: 2000, gid: 3000 });
  assert.throws(() => resolveRunAs('ghost', passwd, true), /no user "ghost"/);
});
