// Operator profiles, competence sign-off and the training log in Chromium (HTG3-1.2-TRAINING):
// a training lead opens the surgeon's profile (from the demonstration data), meets the error summary for a review date before
// the sign-off date, signs off; the surgeon adds to their training log; the lead checks the
// entry; then the lead finds the demonstration trainee's learning curve signal on the training
// dashboard, reads his chart and records the review. axe-core on every page (0 serious or
// critical), screenshots prefixed "operators-".
//
// Environment as walking_skeleton.test.mjs. Run with `node --test`.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Session, startHarness, stopHarness } from './session.mjs';

const TEST_TIMEOUT_MS = 600_000;

const iso = (d) => d.toISOString().slice(0, 10);

describe('operators in Chromium', { timeout: TEST_TIMEOUT_MS * 2 }, () => {
  const harness = {};
  before(async () => {
    Object.assign(harness, await startHarness('operators'));
  });
  after(async () => stopHarness(harness));

  it('a training lead signs off the surgeon, who keeps a training log', { timeout: TEST_TIMEOUT_MS }, async () => {
    const lead = await Session.open('trainer');
    const surgeon = await Session.open('surgeon');
    try {
      const { page } = lead;
      await lead.goto('/sign-in');
      await lead.signIn('trainer');
      await lead.navigate(() => page.getByRole('link', { name: 'Operators' }).first().click());
      await lead.expectHeading('Operators');
      await lead.check('list');

      await lead.navigate(() => page.getByRole('button', { name: 'Add an operator profile' }).click());
      await lead.expectHeading('Add an operator profile');
      await lead.check('new');
      // The demonstration data already holds both operators' profiles (docs/training.md); the
      // form offers the users who have none yet.
      await lead.goto('/operators');
      await lead.navigate(() => page.getByRole('link', { name: 'Mr Sam Surgeon' }).click());
      await lead.expectHeading('Mr Sam Surgeon');
      const profileUrl = page.url().replace(/\?.*$/, '');

      await lead.navigate(() => page.getByRole('button', { name: 'Sign off competence' }).click());
      await lead.expectHeading('Sign off competence');
      await page.getByLabel('Tumour (metastasis or myeloma), thoracic or lumbar').check();
      await page.getByLabel('Review date').fill('2020-01-01');
      await lead.navigate(() => page.getByRole('button', { name: 'Record the sign-off' }).click(), 422);
      assert.match(await page.locator('.nhsuk-error-summary').innerText(), /review date must be after/);
      await lead.check('sign-off-error');
      const review = new Date();
      review.setUTCFullYear(review.getUTCFullYear() + 2);
      await page.getByLabel('Review date').fill(iso(review));
      await lead.navigate(() => page.getByRole('button', { name: 'Record the sign-off' }).click());
      assert.match(await page.locator('main').innerText(), /Tumour \(metastasis or myeloma\)[^\n]*\n?[^\n]*Current/);
      await lead.check('profile-signed');

      await surgeon.goto('/sign-in');
      await surgeon.signIn('surgeon');
      await surgeon.goto(new URL(profileUrl).pathname);
      await surgeon.navigate(() => surgeon.page.getByRole('button', { name: 'Add to your training log' }).click());
      await surgeon.expectHeading('Add to your training log');
      await surgeon.check('training-new');
      await surgeon.page.getByLabel('Simulation').check();
      await surgeon.page.getByLabel('Date', { exact: true }).fill('2026-10-01');
      await surgeon.page.getByLabel('Description').fill('Cement injection on a phantom spine');
      await surgeon.page.getByLabel('Evidence reference').fill('SIM-BROWSER-1');
      await surgeon.navigate(() => surgeon.page.getByRole('button', { name: 'Add the entry' }).click());
      assert.match(await surgeon.page.locator('main').innerText(), /SIM-BROWSER-1/);
      await surgeon.check('profile-own');

      await lead.goto(new URL(profileUrl).pathname);
      await lead.navigate(() => page.getByRole('button', { name: /Mark checked/ }).click());
      assert.match(await page.locator('main').innerText(), /By Tess Trainer/);
      await lead.check('profile-checked');
    } catch (err) {
      await lead.failureShot();
      await surgeon.failureShot();
      throw err;
    } finally {
      await lead.close();
      await surgeon.close();
    }
  });

  it('a training lead finds the trainee\'s learning curve signal, reads the chart and reviews it',
    { timeout: TEST_TIMEOUT_MS }, async () => {
      const lead = await Session.open('trainer');
      try {
        const { page } = lead;
        await lead.goto('/sign-in');
        await lead.signIn('trainer');
        await lead.navigate(() => page.getByRole('link', { name: 'Training', exact: true }).click());
        await lead.expectHeading('Training');
        const dashboard = await page.locator('main').innerText();
        // The demonstration trainee's curve signalled at his sixth supervised procedure; the
        // radiologist's tumour sign-off is past its review date; the trainee is listed.
        assert.match(dashboard, /Cement leakage: score 3\.00 at case 6/);
        assert.match(dashboard, /Tumour \(metastasis or myeloma\)/);
        assert.match(dashboard, /6 of 10 suggested/);
        await lead.check('training-dashboard');

        await lead.navigate(() => page.getByRole('link', { name: 'Dr Tom Trainee' }).first().click());
        await lead.expectHeading('Dr Tom Trainee');
        assert.equal(await page.locator('svg.vb-curve[role="img"]').count(), 1);
        assert.match(await page.locator('main').innerText(), /5 of 6 procedures had the outcome/);
        await page.getByText('The chart\'s values, case by case').click();
        await lead.check('learning-curve');

        await lead.goto('/training');
        await lead.navigate(() => page.getByRole('link', { name: /Record the review/ }).click());
        await lead.expectHeading('Review a learning curve signal');
        await lead.navigate(() => page.getByRole('button', { name: 'Record the review' }).click(), 422);
        assert.match(await page.locator('.nhsuk-error-summary').innerText(), /review note/i);
        await lead.check('review-error');
        await page.getByLabel('What was reviewed and decided').fill(
          'Five small asymptomatic leaks: reviewed the injection technique; ten more supervised cases agreed.');
        await lead.navigate(() => page.getByRole('button', { name: 'Record the review' }).click());
        const after = await page.locator('main').innerText();
        assert.match(after, /The review of the signal was recorded/);
        assert.match(after, /No learning curve signal is waiting for review/);
        await lead.check('training-reviewed');

        await lead.goto('/training/settings/edit');
        await page.getByLabel('Signal threshold (h)').fill('0');
        await lead.navigate(() => page.getByRole('button', { name: 'Save the settings' }).click(), 422);
        assert.match(await page.locator('.nhsuk-error-summary').innerText(), /signal threshold h/);
        await lead.check('training-settings-error');
      } catch (err) {
        await lead.failureShot();
        throw err;
      } finally {
        await lead.close();
      }
    });
});
