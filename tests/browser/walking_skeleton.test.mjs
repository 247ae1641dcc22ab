// Walking-skeleton browser test: a coordinator signs in, registers a patient (first with a
// wrong NHS number check digit), adds a referral, finds it on the worklist and signs out; a
// governance lead reads the episode's access and change log; and the same forms work with
// JavaScript turned off. Every page is checked with axe (no serious or critical violations),
// must log no console errors (CSP violations show there) and is saved as a full-page screenshot.
//
// Environment: VERTEBRO_BINARY (the vertebro executable), VERTEBRO_STATIC_DIR (built web
// assets), VERTEBRO_SCREENSHOTS (output directory, created). Run with `node --test`.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Session, assertVisibleText, escapeRe, formatNhs, startHarness, stopHarness, validNhs } from './session.mjs';


const TEST_TIMEOUT_MS = 240_000;

// Test-range numbers far above the ones demo-data hands out (999 000 001x upward).
const PATIENT_NHS = validNhs('999876543');
const WRONG_NHS = PATIENT_NHS.slice(0, 9) + ((Number(PATIENT_NHS[9]) + 1) % 10);
const NOJS_NHS = validNhs('999876544');


// Fills the register-a-patient form. Site is a select when the user works at several sites.
async function fillPatientForm(page, { nhs, family, given, dob, sex }) {
  const site = page.locator('#site_id');
  const options = await site.locator('option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
  assert.ok(options.length >= 1, 'the site list offers at least one site');
  await site.selectOption(options[0]);
  await page.locator('#nhs_number').fill(nhs);
  await page.locator('#family_name').fill(family);
  await page.locator('#given_name').fill(given);
  await page.locator('#date_of_birth').fill(dob);
  await page.getByRole('group', { name: 'Sex' }).getByLabel(sex, { exact: true }).check();
}

describe('walking skeleton in Chromium', { timeout: TEST_TIMEOUT_MS * 3 }, () => {
  // Shared between the steps: the registered patient's episode.
  const created = { patientPath: null, episodePath: null };

  const harness = {};
  before(async () => {
    Object.assign(harness, await startHarness('skeleton'));
  });
  after(async () => stopHarness(harness));

  it('a coordinator registers a patient and a referral, finds it on the worklist and signs out',
    { timeout: TEST_TIMEOUT_MS }, async () => {
      const s = await Session.open('coordinator');
      const { page } = s;
      try {
        // Home sends a signed-out user to sign-in.
        await s.goto('/');
        assert.equal(new URL(page.url()).pathname, '/sign-in');
        await s.expectHeading('Sign in to vertebro');
        await s.check('sign-in');

        await s.signIn('coordinator');
        assert.equal(new URL(page.url()).pathname, '/worklist');
        await s.expectHeading('Worklist');
        await assertVisibleText(page.locator('header'), 'Chris Coordinator');
        assert.ok(await page.locator('table.nhsuk-table tbody tr').count() > 0, 'demo worklist has rows');
        await s.check('worklist');

        // Register a patient, first with a wrong check digit.
        await s.navigate(() => page.getByRole('navigation', { name: 'Menu' })
          .getByRole('link', { name: 'Register a patient' }).click());
        assert.equal(new URL(page.url()).pathname, '/patients/new');
        await s.expectHeading('Register a patient');
        await s.check('register-patient');

        await fillPatientForm(page, {
          nhs: formatNhs(WRONG_NHS), family: 'Skeleton', given: 'Winifred', dob: '1948-03-15', sex: 'Female',
        });
        await s.navigate(() => page.getByRole('button', { name: 'Register patient' }).click(), 422);
        const summary = page.locator('.nhsuk-error-summary');
        await summary.waitFor({ state: 'visible' });
        assert.equal((await summary.locator('.nhsuk-error-summary__title').innerText()).trim(), 'There is a problem');
        const summaryLink = summary.locator('a[href="#nhs_number"]');
        assert.equal(await summaryLink.count(), 1, 'the error summary links to the NHS number field');
        const summaryText = (await summaryLink.innerText()).trim();
        assert.ok(summaryText.length > 0, 'the error summary link has text');
        const nhsGroup = page.locator('.nhsuk-form-group', { has: page.locator('#nhs_number') });
        assert.match(await nhsGroup.getAttribute('class'), /nhsuk-form-group--error/);
        const fieldError = nhsGroup.locator('.nhsuk-error-message');
        await fieldError.waitFor({ state: 'visible' });
        const fieldErrorText = (await fieldError.innerText()).replace(/^Error:\s*/, '').trim();
        assert.equal(fieldErrorText, summaryText, 'the field shows the same message as the summary');
        assert.match(await page.locator('#nhs_number').getAttribute('class'), /nhsuk-input--error/);
        assert.match(await page.locator('#nhs_number').getAttribute('aria-describedby') ?? '', /nhs_number-error/,
          'the NHS number input is described by its error message');
        // What the user typed is kept.
        assert.equal(await page.locator('#family_name').inputValue(), 'Skeleton');
        assert.equal(await page.locator('#given_name').inputValue(), 'Winifred');
        assert.equal(await page.locator('#date_of_birth').inputValue(), '1948-03-15');
        assert.ok(await page.locator('#sex-female, input[name="sex"][value="female"]').first().isChecked(),
          'the chosen sex stays selected');
        // The error summary link moves focus to the field.
        await summaryLink.click();
        assert.equal(await page.evaluate(() => document.activeElement?.id), 'nhs_number');
        await s.check('register-patient-error');

        await page.locator('#nhs_number').fill(formatNhs(PATIENT_NHS));
        await s.navigate(() => page.getByRole('button', { name: 'Register patient' }).click());
        assert.match(new URL(page.url()).pathname, /^\/patients\/\d+$/);
        created.patientPath = new URL(page.url()).pathname;
        await s.expectHeading('Skeleton, Winifred');
        const main = page.locator('main');
        await assertVisibleText(main, formatNhs(PATIENT_NHS));
        await assertVisibleText(main.locator('.vb-test-number'), 'Test number');
        await assertVisibleText(main, 'No episodes');
        await s.check('patient');

        // Add a referral.
        await s.navigate(() => page.getByRole('button', { name: 'Add a referral' }).click());
        assert.equal(new URL(page.url()).pathname, `${created.patientPath}/referrals/new`);
        await s.expectHeading('New referral');
        await s.check('new-referral');

        const refSite = page.locator('#site_id');
        if (!(await refSite.inputValue())) {
          const opts = await refSite.locator('option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
          await refSite.selectOption(opts[0]);
        }
        assert.match(await page.locator('#referral_date').inputValue(), /^\d{4}-\d{2}-\d{2}$/,
          'the referral date defaults to today');
        await page.getByLabel('Referring clinician').fill('Dr A Okafor (GP)');
        await page.getByLabel('Suspected indication').selectOption('osteoporotic');
        await page.getByLabel('Vertebral levels').fill('T12, L1');
        await page.getByLabel('Reason for referral').fill('Severe back pain after a fall; MRI shows oedema at T12 and L1.');
        await s.navigate(() => page.getByRole('button', { name: 'Save referral' }).click());
        assert.match(new URL(page.url()).pathname, /^\/episodes\/\d+$/);
        created.episodePath = new URL(page.url()).pathname;
        await s.expectHeading('Episode: Referral');
        await assertVisibleText(main, 'Skeleton, Winifred');
        await assertVisibleText(main, 'T12, L1');
        await assertVisibleText(main, 'Painful osteoporotic vertebral compression fracture');
        await assertVisibleText(main, 'Dr A Okafor (GP)');
        await s.check('episode');

        // The worklist, filtered to referrals, lists the new episode (following "Next page").
        await s.navigate(() => page.getByRole('navigation', { name: 'Menu' })
          .getByRole('link', { name: 'Worklist' }).click());
        await s.check('worklist-again');
        await page.getByLabel('State').selectOption('referral');
        await s.navigate(() => page.getByRole('button', { name: 'Show', exact: true }).click());
        assert.equal(new URL(page.url()).searchParams.get('state'), 'referral');
        assert.equal(await page.getByLabel('State').inputValue(), 'referral', 'the filter stays selected');
        let pages = 1;
        let row = null;
        for (;;) {
          const states = await page.locator('table.nhsuk-table tbody tr td:nth-child(4)').allInnerTexts();
          assert.ok(states.every((t) => t.trim() === 'Referral'),
            `worklist page ${pages} filtered to Referral shows only referrals: ${states.join(', ')}`);
          await s.check(`worklist-referral-p${pages}`);
          const candidate = page.locator('table.nhsuk-table tbody tr', { hasText: formatNhs(PATIENT_NHS) });
          if (await candidate.count() > 0) {
            row = candidate;
            break;
          }
          const next = page.getByRole('link', { name: 'Next page' });
          if (await next.count() === 0) break;
          assert.ok(pages < 50, 'too many worklist pages');
          await s.navigate(() => next.click());
          pages += 1;
        }
        assert.ok(row, `the new referral is on the Referral worklist (looked at ${pages} pages)`);
        assert.equal(await row.count(), 1);
        await assertVisibleText(row, 'Skeleton, Winifred');
        assert.equal(await row.getByRole('link', { name: 'Skeleton, Winifred' }).getAttribute('href'),
          created.episodePath);

        // Find patient by NHS number, from the worklist.
        if (pages > 1) {
          await s.navigate(() => page.getByRole('navigation', { name: 'Menu' })
            .getByRole('link', { name: 'Worklist' }).click());
        }
        await page.locator('#nhs_number').fill(formatNhs(PATIENT_NHS));
        await s.navigate(() => page.getByRole('button', { name: 'Find patient' }).click());
        assert.equal(new URL(page.url()).pathname, created.patientPath);
        await s.expectHeading('Skeleton, Winifred');
        const episodeLinks = await page.locator('main table a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
        assert.deepEqual(episodeLinks, [created.episodePath], 'the patient page lists the new episode');
        await s.check('patient-with-episode');

        // Sign out.
        await s.navigate(() => page.getByRole('button', { name: 'Sign out' }).click());
        await s.expectHeading('Sign in to vertebro');
        await assertVisibleText(page.locator('main'), 'You have signed out.');
        assert.equal(await page.getByRole('button', { name: 'Sign out' }).count(), 0, 'no account area after sign-out');
        await s.check('signed-out');

        // The session is gone: the worklist asks for sign-in again.
        await s.goto('/worklist', 401);
        await s.expectHeading('Sign in to vertebro');
        await s.check('worklist-after-sign-out');
      } catch (err) {
        await s.failureShot();
        throw err;
      } finally {
        await s.close();
      }
    });

  it('a governance lead opens the episode access and change log', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    if (!created.episodePath) {
      t.skip('the coordinator journey did not create an episode');
      return;
    }
    const s = await Session.open('governance');
    const { page } = s;
    try {
      await s.goto('/');
      await s.signIn('governance');
      await s.expectHeading('Worklist');
      await assertVisibleText(page.locator('header'), 'Gita Governance');
      assert.equal(await page.getByRole('link', { name: /Register a (new )?patient/ }).count(), 0,
        'governance cannot register patients');
      await s.check('worklist');

      await page.locator('#nhs_number').fill(PATIENT_NHS);
      await s.navigate(() => page.getByRole('button', { name: 'Find patient' }).click());
      assert.equal(new URL(page.url()).pathname, created.patientPath);
      assert.equal(await page.getByRole('button', { name: 'Add a referral' }).count(), 0,
        'governance cannot add referrals');
      await s.check('patient');

      await s.navigate(() => page.locator(`main a[href="${created.episodePath}"]`).click());
      await s.expectHeading('Episode: Referral');
      await s.check('episode');

      await s.navigate(() => page.getByRole('link', { name: 'Access and change log' }).click());
      assert.equal(new URL(page.url()).pathname, `${created.episodePath}/log`);
      await s.expectHeading('Access and change log');
      const rows = page.locator('main table tbody tr');
      const who = await rows.locator('td:nth-child(3)').allInnerTexts();
      assert.ok(who.map((w) => w.trim()).includes('coordinator'), `the coordinator's entries are logged: ${who}`);
      assert.ok(who.map((w) => w.trim()).includes('governance'), `governance's own read is logged: ${who}`);
      await s.check('episode-log');
    } catch (err) {
      await s.failureShot();
      throw err;
    } finally {
      await s.close();
    }
  });

  it('signing in and registering a patient work without JavaScript', { timeout: TEST_TIMEOUT_MS }, async () => {
    const s = await Session.open('nojs', { javaScriptEnabled: false });
    const { page } = s;
    try {
      await s.goto('/');
      await s.expectHeading('Sign in to vertebro');
      assert.equal(await page.evaluate(() => document.documentElement.className + ' ' + document.body.className)
        .then((c) => /js-enabled/.test(c)), false, 'scripts did not run');
      await s.check('sign-in');

      // A wrong password shows the error summary without JavaScript.
      await page.getByLabel('User name').fill('coordinator');
      await page.getByLabel('Password').fill('not-the-password');
      await s.navigate(() => page.getByRole('button', { name: 'Sign in' }).click(), 401);
      await page.locator('.nhsuk-error-summary').waitFor({ state: 'visible' });
      assert.equal(await page.locator('.nhsuk-error-summary a[href="#username"]').count(), 1,
        'the sign-in error links to the user name field');
      await s.check('sign-in-error');

      await s.signIn('coordinator');
      await s.expectHeading('Worklist');
      await s.check('worklist');

      await s.navigate(() => page.locator('main').getByRole('link', { name: 'Register a patient' }).click());
      await s.expectHeading('Register a patient');
      await s.check('register-patient');

      await fillPatientForm(page, {
        nhs: NOJS_NHS, family: 'Noscript', given: 'Harold', dob: '1939-11-02', sex: 'Male',
      });
      await s.navigate(() => page.getByRole('button', { name: 'Register patient' }).click());
      assert.match(new URL(page.url()).pathname, /^\/patients\/\d+$/);
      await s.expectHeading('Noscript, Harold');
      await assertVisibleText(page.locator('main'), formatNhs(NOJS_NHS));
      await s.check('patient');
    } catch (err) {
      await s.failureShot();
      throw err;
    } finally {
      await s.close();
    }
  });
});
