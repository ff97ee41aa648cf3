// @fmcg/wasm (the web target) in headless Chromium: a page served on 127.0.0.1 drives the
// engine and the test reads the result off the page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch } from './support.mjs';

test('wasm web target: the page runs the scenario in headless Chromium', async () => {
  const server = await serve();
  const { port } = server.address();
  const context = await launch();
  try {
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`http://127.0.0.1:${port}/index.html`);
    await page.waitForFunction(() => document.getElementById('out').textContent !== 'running…', null, { timeout: 30_000 });
    const result = JSON.parse(await page.textContent('#out'));
    assert.deepEqual(errors, []);
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.equal(result.afterSubmit, result.before - 48);
    assert.equal(result.afterCancel, result.before);
    assert.equal(result.total, '184.91');
    assert.deepEqual(result.refusal, { code: 'PERMISSION_DENIED', action: 'order.approve', isError: true });
    assert.ok(result.lastSeq > 30);
  } finally {
    await context.close();
    server.close();
  }
});
