// `vertebro serve --secure-cookies` in Chromium: the sign-in double-submit cookie and the session
// cookie are __Host- cookies (Secure, HttpOnly, Path=/, no Domain), every page sends
// Strict-Transport-Security, and sign-in, a page and sign-out work with them. Chromium treats
// http://127.0.0.1 as a secure origin, so the Secure cookies are kept without TLS here.
//
// Environment as walking_skeleton.test.mjs. Run with `node --test`.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Session, startHarness, stopHarness } from './session.mjs';

const TEST_TIMEOUT_MS = 180_000;

describe('--secure-cookies in Chromium', { timeout: TEST_TIMEOUT_MS * 2 }, () => {
  const harness = {};
  before(async () => {
    Object.assign(harness, await startHarness('secure', ['--secure-cookies']));
  });
  after(async () => stopHarness(harness));

  it('signs in and out with __Host- cookies and HSTS', { timeout: TEST_TIMEOUT_MS }, async () => {
    const s = await Session.open('coordinator');
    const { page, context } = s;
    const names = async () => (await context.cookies()).map((c) => c.name).sort();
    try {
      const form = await s.goto('/sign-in');
      assert.equal((await form.allHeaders())['strict-transport-security'], 'max-age=31536000');
      const [pre] = await context.cookies();
      assert.equal(pre?.name, '__Host-vb_pre');
      assert.ok(pre.secure && pre.httpOnly && pre.path === '/' && pre.sameSite === 'Lax',
        `sign-in cookie attributes: ${JSON.stringify(pre)}`);
      await s.check('sign-in');

      await s.signIn('coordinator');
      assert.equal(new URL(page.url()).pathname, '/worklist');
      await s.expectHeading('Worklist');
      assert.deepEqual(await names(), ['__Host-vb_session'], 'the sign-in cookie is spent');
      const [session] = await context.cookies();
      assert.ok(session.secure && session.httpOnly && session.path === '/',
        `session cookie attributes: ${JSON.stringify(session)}`);
      await s.check('worklist');

      const episode = await s.navigate(() => page.locator('main table a').first().click());
      assert.equal((await episode.allHeaders())['strict-transport-security'], 'max-age=31536000');

      await s.navigate(() => page.getByRole('button', { name: 'Sign out' }).click());
      await s.expectHeading('Sign in to vertebro');
      assert.ok(!(await names()).includes('__Host-vb_session'), 'signing out clears the session cookie');
      await s.goto('/worklist', 401);
    } catch (err) {
      await s.failureShot();
      throw err;
    } finally {
      await s.close();
    }
  });
});
