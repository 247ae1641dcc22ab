// Follow-up visits in Chromium (issue 12): the Northgate radiologist opens the follow-up list,
// follows the first outstanding time point of a demonstration patient to its page, records the
// follow-up by telephone, first with a date in the future (the error summary names the date),
// then correctly; the page shows the outcomes judged against the assessment, and the list no
// longer shows that time point for that patient; a complication found at that follow-up (an
// infection treated with antibiotics) is recorded from its page, first without the treatment,
// and listed on the pathway. Then Mrs Ashworth's 6-month follow-up, from the
// demonstration data, shows her new fracture as adjacent to the treated level. axe-core on
// every page (0 serious or critical), screenshots prefixed "follow-up-".
//
// Environment as walking_skeleton.test.mjs. Run with `node --test`.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Session, startHarness, stopHarness } from './session.mjs';

const TEST_TIMEOUT_MS = 600_000;

// ISO date `days` from today (the server uses the real clock).
function day(days) {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

describe('follow-up visits in Chromium', { timeout: TEST_TIMEOUT_MS }, () => {
  const harness = {};
  before(async () => {
    Object.assign(harness, await startHarness('follow-up'));
  });
  after(async () => stopHarness(harness));

  it('the radiologist records a follow-up from the list and reads its outcomes',
    { timeout: TEST_TIMEOUT_MS }, async () => {
      const s = await Session.open('radiologist');
      try {
        const { page } = s;
        await s.goto('/sign-in');
        await s.signIn('radiologist');
        await s.navigate(() => page.getByRole('link', { name: 'Follow-ups' }).first().click());
        await s.expectHeading('Follow-ups');
        await s.check('list');

        // The first outstanding time point of the first patient listed.
        const row = page.locator('#all-follow-ups tbody tr').first();
        const patient = (await row.locator('td').first().innerText()).trim();
        const link = row.locator('ul a').first();
        const timePoint = (await link.evaluate((a) => a.childNodes[0].textContent)).trim();
        const visitPath = await link.getAttribute('href');
        await s.navigate(() => link.click());
        await s.expectHeading(`${timePoint} follow-up`);
        assert.match(await page.locator('main').innerText(), /No follow-up is recorded/);
        await s.check('time-point');

        await s.navigate(() => page.getByRole('link', { name: 'Record the follow-up' }).click());
        await s.check('form');
        await page.getByLabel('Date of the follow-up').fill(day(1));
        await page.getByLabel('By telephone').check();
        await page.getByLabel('Pain at rest').fill('2');
        await page.getByLabel('Pain on movement').fill('3');
        await page.getByLabel('Analgesic class now').selectOption('non_opioid');
        await page.getByLabel('Mobility now').selectOption('walking_with_stick');
        await page.getByLabel('Satisfied', { exact: true }).check();
        await s.navigate(() => page.getByRole('button', { name: 'Save the follow-up' }).click(), 422);
        assert.match(await page.locator('.nhsuk-error-summary').innerText(),
          /Date of the follow-up must be today or in the past/);
        await s.check('form-error');

        await page.getByLabel('Date of the follow-up').fill(day(0));
        await s.navigate(() => page.getByRole('button', { name: 'Save the follow-up' }).click());
        const main = await page.locator('main').innerText();
        assert.match(main, /The follow-up was saved/);
        assert.match(main, /Pain relief on movement/);
        assert.match(main, /Before the procedure/);
        assert.match(main, /Recorded by Dr Rana Radiologist/);
        await s.check('recorded');

        // A complication found at this follow-up, recorded from its page.
        await s.navigate(() => page.getByRole('link', { name: 'Record a complication or adverse event' }).click());
        await s.expectHeading('Record a complication or adverse event');
        await s.check('complication-form');
        await page.getByLabel('Type').selectOption('infection');
        await page.getByLabel('Moderate').check();
        await page.getByLabel('Yes', { exact: true }).check();
        await s.navigate(() => page.getByRole('button', { name: 'Save the complication' }).click(), 422);
        const errors = await page.locator('.nhsuk-error-summary').innerText();
        assert.match(errors, /Enter the further intervention/);
        assert.match(errors, /Enter outcome/);
        await page.getByLabel('The further intervention').fill('Oral antibiotics for a week');
        await page.getByLabel('Outcome').selectOption('recovered');
        await page.getByLabel('No device involved').check();
        await s.navigate(() => page.getByRole('button', { name: 'Save the complication' }).click());
        const pathwayText = await page.locator('main').innerText();
        assert.match(pathwayText, /The complication was saved/);
        assert.match(pathwayText, /Infection/);
        assert.match(pathwayText, /Further intervention: Oral antibiotics for a week/);
        await s.check('complication-listed');

        await s.goto('/follow-ups');
        const rows = page.locator('#all-follow-ups tbody tr', { hasText: patient });
        if (await rows.count() > 0) {
          const links = await rows.first().locator('ul a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
          assert.ok(!links.includes(visitPath), `${visitPath} is still listed for ${patient}`);
        }

        // The pathway's table shows the time point as recorded.
        await s.goto(visitPath.replace(/\/follow-ups\/.*$/, '/pathway'));
        const table = page.locator('table', { hasText: 'Time point' });
        assert.match(await table.innerText(), new RegExp(`${timePoint}[^\\n]*\\s+Recorded`));
        await s.check('pathway');
      } catch (err) {
        await s.failureShot();
        throw err;
      } finally {
        await s.close();
      }
    });

  it('a demonstration patient\'s new fracture is shown as adjacent to the treated level',
    { timeout: TEST_TIMEOUT_MS }, async () => {
      const s = await Session.open('radiologist');
      try {
        const { page } = s;
        await s.goto('/sign-in');
        await s.signIn('radiologist');
        await s.goto('/worklist?state=follow_up');
        await s.navigate(() => page.getByRole('link', { name: 'Ashworth, Dorothy' }).first().click());
        await s.navigate(() => page.getByRole('link', { name: /^Pathway/ }).click());
        await s.navigate(() => page.getByRole('link', { name: 'View the 6 months follow-up' }).click());
        await s.expectHeading('6 months follow-up');
        const main = await page.locator('main').innerText();
        assert.match(main, /T11: Adjacent to a treated level/);
        assert.match(main, /Improved/);
        await s.check('ashworth-6-months');
      } catch (err) {
        await s.failureShot();
        throw err;
      } finally {
        await s.close();
      }
    });
});
