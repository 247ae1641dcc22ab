// Pathway browser test: a new user takes a demonstration patient (Margaret Hughes, awaiting
// assessment) from referral to a recorded procedure. The spinal surgeon starts the assessment,
// first enters an impossible pain score (the error summary names the field), then records it;
// the MDT gate blocks because conservative treatment is shorter than the unit's 21 days, and the
// surgeon overrides it with a reason. The coordinator lists the case at yesterday's MDT, records
// the decision to proceed and moves it to consent; the surgeon records consent, passes the
// procedure gate and records the procedure: scans the cement pack's label (Enter looks it up),
// confirms the steps of its instructions for use and records one deviation with its reason
// (issue 16, HTG3-1.2-CEMENT warns). The episode's history shows the override and its reason.
// The device safety officer then recalls that cement lot and finds the patient with the recall
// look-up.
// Then (issue 14) the surgeon records Frank Quinn's procedure, planned before Southmoor's spinal
// surgery arrangement lapsed but done today, after it: recording it is blocked, then overridden
// with a reason, which the history shows; and the coordinator steps Dennis Walker back from
// consent to MDT with a reason. Every page is checked with axe, for console errors, and saved as
// a screenshot.
//
// Environment: as walking_skeleton.test.mjs. Run with `node --test`.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Session, startHarness, stopHarness } from './session.mjs';

const TEST_TIMEOUT_MS = 600_000;

const OVERRIDE_REASON =
  'Pain 9/10 on strong opioids after two weeks; unable to mobilise. Bring to the MDT now.';
const PROCEDURE_REASON =
  'Northgate spinal surgery confirmed cover for today by telephone; the renewed arrangement is '
  + 'signed and the administrator will record it.';
// A new lot of the demonstration high-viscosity cement, expiring at the end of December 2030.
const CEMENT_SCAN = ']C1010950600013435217301200' + '10LOT-BRW-1';
const CEMENT_DEVIATION = 'Mixed for 75 seconds, not 60: the first mix was interrupted';
const STEP_BACK_REASON = 'New MRI shows a second level: the MDT is to discuss the case again.';

// ISO date `days` from today (the server uses the real clock).
function day(days) {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

// "24 Nov 2026": a date `days` from today as the pages show it.
function shown(days) {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + days);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return `${d.getUTCDate()} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

// Sets a form control by name within `root` (a page or a locator): text inputs and text areas
// are filled, selects chosen, radios and checkboxes (by value) checked.
async function set(root, name, value) {
  const controls = root.locator(`[name="${name}"]`);
  const count = await controls.count();
  assert.ok(count > 0, `the form has a control named ${name}`);
  const first = controls.first();
  const tag = await first.evaluate((el) => el.tagName.toLowerCase());
  const type = await first.evaluate((el) => (el.getAttribute('type') || '').toLowerCase());
  if (tag === 'select') {
    await first.selectOption(String(value));
  } else if (type === 'radio' || type === 'checkbox') {
    for (const v of [].concat(value)) await root.locator(`[name="${name}"][value="${v}"]`).check();
  } else {
    await first.fill(String(value));
  }
}

async function fillForm(root, values) {
  for (const [name, value] of Object.entries(values)) await set(root, name, value);
}


describe('the HTG3 pathway in Chromium', { timeout: TEST_TIMEOUT_MS }, () => {
  let pathwayPath = null;

  const harness = {};
  before(async () => {
    Object.assign(harness, await startHarness('pathway'));
  });
  after(async () => stopHarness(harness));

  // Runs one user's part, keeping a screenshot of the page a failure happened on.
  async function as(username, body) {
    const s = await Session.open(username);
    try {
      await s.goto('sign-in');
      await s.signIn(username);
      await body(s);
    } catch (err) {
      await s.failureShot();
      throw err;
    } finally {
      await s.close();
    }
  }

  async function submit(s, name, expectedStatus = 200) {
    await s.navigate(() => s.page.getByRole('button', { name }).click(), expectedStatus);
  }

  it('the surgeon assesses the patient and overrides the blocked MDT gate with a reason',
    { timeout: TEST_TIMEOUT_MS }, async () => {
      await as('surgeon', async (s) => {
        const { page } = s;
        await s.goto('worklist');
        await s.navigate(() => page.getByRole('link', { name: 'Awaiting assessment', exact: true }).click());
        await s.check('awaiting-assessment');
        await s.navigate(() => page.getByRole('link', { name: 'Hughes, Margaret' }).click());
        await s.check('episode');
        await s.navigate(() => page.getByRole('link', { name: /^Pathway/ }).click());
        pathwayPath = new URL(page.url()).pathname;
        await s.expectHeading('Pathway: Referral');
        await s.check('pathway-referral');
        await submit(s, 'Start the assessment');
        await s.expectHeading('Pathway: Assessment');

        await s.navigate(() => page.getByRole('link', { name: 'Record the assessment' }).click());
        await s.check('assessment-form');
        const assessment = {
          assessed_on: day(-1),
          indication: 'osteoporotic',
          fracture_date: day(-35),
          'levels.L1.height_loss_percent': '30',
          'levels.L1.mri_oedema': 'yes',
          'levels.L1.focal_tenderness': 'yes',
          pain_at_rest: '11',
          pain_on_movement: '9',
          analgesic: 'strong_opioid',
          'treatments.analgesics.start': day(-14),
          'treatments.analgesics.effect': 'partial_relief',
          refractory: 'yes',
          bone_health: 'yes',
        };
        await fillForm(page, assessment);
        await submit(s, 'Save the assessment', 422);
        const summary = page.locator('.nhsuk-error-summary');
        await summary.waitFor();
        assert.match(await summary.innerText(), /Pain at rest must be from 0 to 10/);
        await s.check('assessment-error');
        await set(page, 'pain_at_rest', '8');
        await submit(s, 'Save the assessment');
        await s.expectHeading('Pathway: Assessment');

        // Two weeks of treatment is fewer than the unit's 21 days: the gate blocks.
        const gate = page.locator('.vb-gate');
        assert.match(await gate.innerText(), /HTG3-1\.2-REFRACTORY/);
        assert.match(await gate.innerText(), /The guidance is not met/);
        await s.check('mdt-gate-blocked');
        await submit(s, 'Override the guidance and move to MDT', 422);
        assert.match(await page.locator('.nhsuk-error-summary').innerText(), /reason/i);
        await s.check('override-without-reason');
        await set(page, 'override_reason', OVERRIDE_REASON);
        await submit(s, 'Override the guidance and move to MDT');
        await s.expectHeading('Pathway: MDT');
        const history = await page.locator('main').innerText();
        assert.ok(history.includes(OVERRIDE_REASON), 'the override reason is on the history');
        await s.check('moved-to-mdt');
      });
    });

  it('the coordinator lists the case at the MDT, records the decision and moves it to consent',
    { timeout: TEST_TIMEOUT_MS }, async () => {
      assert.ok(pathwayPath, 'the first step found the episode');
      await as('coordinator', async (s) => {
        const { page } = s;
        await s.goto('mdt');
        await s.check('mdt-meetings');
        // The meeting held yesterday at Northgate, with a radiologist and a spinal surgeon.
        const yesterday = page.locator('tr', { hasText: shown(-1) }).filter({ hasText: 'Northgate' });
        await s.navigate(() => yesterday.getByRole('link', { name: 'Spinal MDT' }).click());
        await s.check('mdt-meeting');
        await set(page, 'episode_id', pathwayPath.split('/')[2]);
        await submit(s, 'Add to the list');
        const card = page.locator(`#case-${pathwayPath.split('/')[2]}`);
        await set(card, 'decision', 'proceed');
        await set(card, 'rationale', 'Severe pain despite opioids; MRI oedema at L1. Proceed.');
        await s.navigate(() => card.getByRole('button', { name: /Save decision/ }).click());
        await s.check('mdt-decided');
        await s.goto(pathwayPath.slice(1));
        await s.check('consent-gate');
        await submit(s, 'Move to Consent');
        await s.expectHeading('Pathway: Consent');
      });
    });

  it('the surgeon records consent and the procedure; the history explains the override',
    { timeout: TEST_TIMEOUT_MS }, async () => {
      assert.ok(pathwayPath, 'the first step found the episode');
      await as('surgeon', async (s) => {
        const { page } = s;
        await s.goto(pathwayPath.slice(1));
        await s.navigate(() => page.getByRole('link', { name: 'Record the consent' }).click());
        await s.check('consent-form');
        await fillForm(page, {
          date: day(0),
          clinician: 'Mr Sam Surgeon',
          leaflet_version: 'VP-PIL v3',
          capacity_confirmed: 'yes',
          risks: ['cement_leakage', 'cement_embolism', 'nerve_or_spinal_cord_injury', 'infection',
            'new_fractures', 'no_pain_relief'],
        });
        await submit(s, 'Save the consent');
        await s.check('procedure-gate');
        await submit(s, 'Move to Procedure');
        await s.expectHeading('Pathway: Procedure');

        await s.navigate(() => page.getByRole('link', { name: 'Record the procedure' }).click());
        await s.check('procedure-form');
        // The trainee operates; nobody who supervised him is recorded yet.
        const procedure = {
          date: day(0),
          primary_operator_id: 'Dr Tom Trainee',
          image_guidance: 'fluoroscopy_biplane',
          anaesthesia: 'sedation',
          'levels.L1.approach': 'transpedicular',
          'levels.L1.pedicles': 'bipedicular',
          'levels.L1.cement_ml': '25',
        };
        await fillForm(page, procedure);
        // The pack's label, as a scanner types it: a new lot of the demonstration cement, which
        // the save registers. Enter looks it up and shows its instructions for use.
        await set(page, 'cement_units.1.scan', CEMENT_SCAN);
        await s.navigate(() => page.locator('[name="cement_units.1.scan"]').press('Enter'));
        assert.match(await page.locator('main').innerText(), /Demonstration PMMA bone cement/);
        for (const k of [1, 2, 3, 5, 6]) await set(page, `cement_units.1.steps.${k}`, 'confirmed');
        await set(page, 'cement_units.1.steps.4', 'deviation');
        await set(page, 'cement_units.1.deviations.4', CEMENT_DEVIATION);
        await s.check('procedure-cement');
        await submit(s, 'Save the procedure', 422);
        assert.match(await page.locator('.nhsuk-error-summary').innerText(), /Cement volume/);
        await s.check('procedure-error');
        await set(page, 'levels.L1.cement_ml', '4.5');
        // HTG3-1.2-TRAINING: Dr Trainee holds no sign-off and works alone, so the save is
        // blocked and nothing is saved; recording his supervisor, who holds a sign-off for
        // osteoporotic fractures, lets it pass without an override.
        await submit(s, 'Save the procedure', 422);
        const training = await page.locator('.vb-gate').innerText();
        assert.match(training, /HTG3-1\.2-TRAINING/);
        assert.match(training, /Dr Tom Trainee holds no competence sign-off for "Osteoporotic/);
        assert.match(training, /no supervising operator is recorded/);
        await s.check('procedure-training-blocked');
        await set(page, 'supervisor_id', 'Dr Rana Radiologist');
        await submit(s, 'Save the procedure');
        await s.expectHeading('Pathway: Follow-up');
        assert.match(await page.locator('main').innerText(),
          /Primary operator\tDr Tom Trainee\nSupervising operator\tDr Rana Radiologist/);
        const main = await page.locator('main').innerText();
        assert.ok(main.includes(OVERRIDE_REASON), 'the override reason is on the history');
        assert.match(main, /htg3-2026\.5/);
        assert.match(main, /IFU version 2: 5 of 6 steps confirmed/);
        assert.ok(main.includes(`Deviations: step 4: ${CEMENT_DEVIATION}`), 'the deviation is shown');
        await s.check('follow-up');
      });
      // The device safety officer recalls the lot and finds the patient who received it.
      await as('safety', async (s) => {
        const { page } = s;
        await s.goto('cement/lots');
        await s.navigate(() => page.getByRole('link', { name: 'LOT-BRW-1' }).click());
        await s.navigate(() => page.getByRole('button', { name: 'Recall this lot' }).click());
        await fillForm(page, { reason: 'Field safety notice: seal failure', notice: 'FSN-BRW-1' });
        await submit(s, 'Recall the lot');
        assert.match(await page.locator('main').innerText(), /Do not use this lot/);
        await s.check('lot-recalled');
        await s.goto('cement/lookup');
        await fillForm(page, { scan: CEMENT_SCAN });
        await submit(s, 'Find the patients');
        const found = await page.locator('main').innerText();
        assert.match(found, /HUGHES, Margaret/);
        assert.match(found, /1 pack of this lot was recorded/);
        await s.check('recall-lookup');
        // The notice behind the recall goes into the register, naming the lot, and is
        // acknowledged; the product's page lists it.
        await s.goto('cement/notices');
        await s.check('notices');
        await s.navigate(() => page.getByRole('button', { name: 'Add a safety notice' }).click());
        await fillForm(page, {
          reference: 'FSN-BRW-1', title: 'Seal failure of cement packs', issued: '2026-11-20',
          summary: 'The pack seal may fail.', actions_required: 'Quarantine the lot.',
          subject_confirmed: ['yes'],
        });
        await page.getByRole('checkbox', { name: /lot LOT-BRW-1/ }).check();
        await submit(s, 'Add the notice');
        await s.expectHeading('FSN-BRW-1');
        await fillForm(page, { acknowledgement: 'Lot recalled; the patient\'s consultant told.' });
        await s.check('notice');
        await submit(s, 'Acknowledge the notice');
        assert.match(await page.locator('main').innerText(), /The acknowledgement was recorded/);
        await s.navigate(() => page.getByRole('link', { name: /LOT-BRW-1/ }).first().click());
        await s.navigate(() => page.locator('.nhsuk-caption-l a').click());
        assert.match(await page.locator('main').innerText(), /FSN-BRW-1/);
      });
    });

  it('recording a procedure done after the site\'s surgery arrangement lapsed is blocked, then overridden with a reason',
    { timeout: TEST_TIMEOUT_MS }, async () => {
      await as('surgeon', async (s) => {
        const { page } = s;
        await s.goto('worklist');
        await s.navigate(() => page.getByRole('link', { name: 'Awaiting procedure', exact: true }).click());
        await s.navigate(() => page.getByRole('link', { name: 'Quinn, Frank' }).click());
        await s.navigate(() => page.getByRole('link', { name: /^Pathway/ }).click());
        await s.expectHeading('Pathway: Procedure');
        // Planned before the lapse, the procedure met the guidance at its planned date.
        const card = await page.locator('.vb-gate').innerText();
        assert.match(card, /Recording the procedure/);
        assert.match(card, /Judged at the planned procedure date/);
        await s.check('recording-card');

        await s.navigate(() => page.getByRole('link', { name: 'Record the procedure' }).click());
        await set(page, 'cement_units.1.scan', '(01)09506000134352(10)LOT-2026-0417');
        await s.navigate(() => page.getByRole('button', { name: 'Find the packs scanned' }).click());
        for (const k of [1, 2, 3, 4, 5, 6]) await set(page, `cement_units.1.steps.${k}`, 'confirmed');
        await fillForm(page, {
          date: day(0),
          primary_operator_id: 'Mr Sam Surgeon',
          image_guidance: 'fluoroscopy_biplane',
          anaesthesia: 'sedation',
          'levels.T11.approach': 'transpedicular',
          'levels.T11.pedicles': 'bipedicular',
          'levels.T11.cement_ml': '4',
        });
        await submit(s, 'Save the procedure', 422);
        const check = await page.locator('.vb-gate').innerText();
        assert.match(check, /The guidance is not met at the procedure date/);
        assert.match(check, /HTG3-1\.2-SURGERY/);
        // Mr Surgeon holds no sign-off for tumours: HTG3-1.2-TRAINING fails too.
        assert.match(check, /HTG3-1\.2-TRAINING/);
        assert.match(check, /Mr Sam Surgeon holds no competence sign-off for "Tumour/);
        assert.match(check, new RegExp(`Judged at the procedure date, ${shown(0)}`));
        assert.match(await page.locator('.nhsuk-error-summary').innerText(), /reason/i);
        await s.check('procedure-blocked');
        await set(page, 'override_reason', PROCEDURE_REASON);
        await submit(s, 'Override the guidance and save the procedure');
        await s.expectHeading('Pathway: Follow-up');
        const main = await page.locator('main').innerText();
        assert.ok(main.includes(PROCEDURE_REASON), 'the override reason is on the history');
        assert.match(main, /recorded procedure gate/);
        assert.match(main, new RegExp(`judged at the procedure date, ${shown(0)}`));
        await s.check('procedure-overridden');
      });
    });

  it('the coordinator steps an episode back from consent to MDT with a reason',
    { timeout: TEST_TIMEOUT_MS }, async () => {
      await as('coordinator', async (s) => {
        const { page } = s;
        await s.goto('worklist');
        await s.navigate(() => page.getByRole('link', { name: 'Awaiting consent', exact: true }).click());
        await s.navigate(() => page.getByRole('link', { name: 'Walker, Dennis' }).click());
        await s.navigate(() => page.getByRole('link', { name: /^Pathway/ }).click());
        await s.expectHeading('Pathway: Consent');
        await s.navigate(() => page.getByRole('link', { name: 'Step back to MDT' }).click());
        await s.expectHeading('Step back to MDT');
        await s.check('step-back-form');
        await submit(s, 'Step back to MDT', 422);
        assert.match(await page.locator('.nhsuk-error-summary').innerText(), /why the episode steps back/i);
        await s.check('step-back-without-reason');
        await set(page, 'reason', STEP_BACK_REASON);
        await submit(s, 'Step back to MDT');
        await s.expectHeading('Pathway: MDT');
        const main = await page.locator('main').innerText();
        assert.match(main, /The episode stepped back to MDT/);
        assert.match(main, /Stepped back: Consent to MDT/);
        assert.ok(main.includes(STEP_BACK_REASON), 'the reason is on the history');
        await s.check('stepped-back');
      });
    });
});
