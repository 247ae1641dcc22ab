// A patient's questionnaire by one-time link, in Chromium (issue 12): the Northgate radiologist
// opens an outstanding follow-up of a demonstration patient and sends a questionnaire (the
// letter with the link and its QR code); the patient opens the link on a 375 px wide phone with
// JavaScript off, sends nothing first (the error summary asks for an answer), then answers and
// sends; the link then shows "This link does not work"; the follow-up page shows the patient's
// answers. axe-core on the patient's pages (0 serious or critical), no sideways scrolling,
// screenshots prefixed "patient-link-".
//
// Environment as walking_skeleton.test.mjs. Run with `node --test`.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Session, startHarness, stopHarness } from './session.mjs';

const TEST_TIMEOUT_MS = 600_000;

async function fitsWidth(page, width) {
  const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(scroll <= width, `the page is ${scroll} px wide on a ${width} px screen`);
}

describe('patient questionnaire by link in Chromium', { timeout: TEST_TIMEOUT_MS }, () => {
  const harness = {};
  before(async () => {
    Object.assign(harness, await startHarness('patient-link'));
  });
  after(async () => stopHarness(harness));

  it('a patient answers on a phone without JavaScript, once', { timeout: TEST_TIMEOUT_MS }, async () => {
    const staff = await Session.open('radiologist');
    const phone = await Session.open('patient', {
      viewport: { width: 375, height: 812 }, javaScriptEnabled: false, isMobile: true,
    });
    try {
      const { page } = staff;
      await staff.goto('/sign-in');
      await staff.signIn('radiologist');
      await staff.goto('/follow-ups');
      assert.equal(await page.getByRole('heading', { name: 'To send today' }).count(), 1);
      assert.equal(await page.getByRole('heading', { name: 'To phone' }).count(), 1);
      await staff.check('follow-ups');
      const link = page.locator('#all-follow-ups tbody tr').first().locator('ul a').first();
      const visitPath = await link.getAttribute('href');
      await staff.navigate(() => link.click());
      await staff.check('follow-up');
      await staff.navigate(() => page.getByRole('button', { name: /^Print a (new )?questionnaire letter$/ }).click());
      const letter = await page.locator('main').innerText();
      assert.match(letter, /Dear /);
      assert.equal(await page.locator('.vb-qr svg title').count(), 1, 'the letter has a QR code');
      const url = (await page.locator('.vb-print-link').innerText()).trim();
      assert.match(url, /\/q\/[0-9a-f]{32}$/);

      // The patient, on a small phone with JavaScript off.
      const p = phone.page;
      await phone.goto(url);
      await p.locator('h1', { hasText: /how is your back now\?/ }).waitFor();
      assert.doesNotMatch(await p.locator('main').innerText(), /NHS number|date of birth/i);
      await fitsWidth(p, 375);
      await phone.check('questions');

      await phone.navigate(() => p.getByRole('button', { name: 'Send my answers' }).click(), 422);
      assert.match(await p.locator('.nhsuk-error-summary').innerText(), /Answer at least one question/);
      await phone.check('questions-error');

      const question = (name) => p.getByRole('group', { name });
      await question('How bad is your back pain when you are resting?').getByLabel('2', { exact: true }).check();
      await question('How bad is your back pain when you move about?').getByLabel('3', { exact: true }).check();
      await p.getByLabel('Paracetamol, or anti-inflammatories such as ibuprofen or naproxen').check();
      await p.getByLabel('Fewer painkillers').check();
      await p.getByLabel('I walk with a stick').check();
      await p.getByLabel('Satisfied', { exact: true }).check();
      await question('Would you have the treatment again?').getByLabel('Yes', { exact: true }).check();
      await p.getByLabel('Is there anything else you want to tell the spine team?').fill('Much better, thank you.');
      await phone.navigate(() => p.getByRole('button', { name: 'Send my answers' }).click());
      await p.locator('h1', { hasText: /^Thank you/ }).waitFor();
      await fitsWidth(p, 375);
      await phone.check('thanks');

      // Used once: the link no longer works.
      await phone.goto(url, 404);
      await p.locator('h1', { hasText: 'This link does not work' }).waitFor();
      await phone.check('not-valid');

      // The nurse's page shows the patient's own answers.
      await staff.goto(visitPath);
      const visit = await page.locator('main').innerText();
      assert.match(visit, /Answered by the patient/);
      assert.match(visit, /Pain relief on movement/);
      await staff.check('answered');
    } finally {
      await phone.close();
      await staff.close();
    }
  });
});
