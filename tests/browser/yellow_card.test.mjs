// Yellow Card reports in Chromium (issue 12): the device safety officer opens Yellow Card from
// the menu, sees the demonstration reports and the needle haematoma still awaiting a report,
// prepares its report (prefilled from the event), first submitting it without the regulator's
// reference (the error summary names it), then saves it as a draft; the report page shows the
// route for England and only the patient's age and sex; the PDF download is a PDF. axe-core on
// every page (0 serious or critical), screenshots prefixed "yellow-card-".
//
// Environment as walking_skeleton.test.mjs. Run with `node --test`.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Session, startHarness, stopHarness } from './session.mjs';

const TEST_TIMEOUT_MS = 600_000;

describe('Yellow Card reports in Chromium', { timeout: TEST_TIMEOUT_MS }, () => {
  const harness = {};
  before(async () => {
    Object.assign(harness, await startHarness('yellow-card'));
  });
  after(async () => stopHarness(harness));

  it('the device safety officer prepares a report from a device-related event',
    { timeout: TEST_TIMEOUT_MS }, async () => {
      const s = await Session.open('safety');
      try {
        const { page } = s;
        await s.goto('/sign-in');
        await s.signIn('safety');
        await s.navigate(() => page.getByRole('link', { name: 'Yellow Card' }).first().click());
        await s.expectHeading('Yellow Card reports');
        const list = await page.locator('main').innerText();
        assert.match(list, /DEMO-MHRA-0001/);
        assert.match(list, /Bleeding or haematoma/);
        assert.doesNotMatch(list, /Carter|Ward|Cooper/);  // no patient names
        await s.check('list');

        await s.navigate(() => page.getByRole('link', { name: /Prepare a report/ }).first().click());
        await s.expectHeading('Prepare a Yellow Card report');
        await s.check('form');
        assert.equal(await page.getByLabel('Reporter\'s name').inputValue(), 'Sol Safety');
        assert.match(await page.getByLabel('Description of the incident').inputValue(),
          /Bleeding or haematoma/);
        await page.getByLabel('Reporter\'s email address or telephone number').fill('01234 567890');
        await page.getByLabel('England').check();
        await page.getByLabel('Device name').fill('Bone access needle 11G');
        await page.getByLabel('Manufacturer').fill('Needle Medical Ltd');
        await page.getByLabel('UKCA', { exact: true }).check();
        await page.getByLabel('Where the device is now').selectOption('kept_by_unit');
        await page.getByLabel('Submitted to the regulator').check();
        await s.navigate(() => page.getByRole('button', { name: 'Save the report' }).click(), 422);
        assert.match(await page.locator('.nhsuk-error-summary').innerText(),
          /Enter the regulator's reference/);
        await s.check('form-error');

        await page.getByLabel('Draft').check();
        await s.navigate(() => page.getByRole('button', { name: 'Save the report' }).click());
        const report = await page.locator('main').innerText();
        assert.match(report, /The report was saved/);
        assert.match(report, /MHRA Yellow Card scheme \(England and Wales\)/);
        assert.match(report, /Patient's age at the incident/);
        assert.doesNotMatch(report, /Carter|NHS number|Date of birth/);
        await s.check('report');

        const pdfHref = await page.getByRole('link', { name: 'Download as PDF' }).getAttribute('href');
        const pdf = await page.request.get(s.url(pdfHref));
        assert.equal(pdf.status(), 200);
        assert.equal(pdf.headers()['content-type'], 'application/pdf');
        assert.equal((await pdf.body()).subarray(0, 5).toString(), '%PDF-');
      } finally {
        await s.close();
      }
    });
});
