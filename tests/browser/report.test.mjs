// The HTG3 outcomes report in Chromium (issue 15): the audit and governance lead opens Reports
// from the menu, sees the outcomes table with the guidance's figures and the funnel plot drawn,
// narrows the range (a mistyped date is named in the error summary), and downloads the PDF
// (pdftotext finds the title and a measure) and the XLSX (it unzips, with the outcomes sheet).
// axe-core on every page (0 serious or critical), screenshots prefixed "report-".
//
// Environment as walking_skeleton.test.mjs. Run with `node --test`.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Session, startHarness, stopHarness } from './session.mjs';

const TEST_TIMEOUT_MS = 600_000;

describe('HTG3 outcomes report in Chromium', { timeout: TEST_TIMEOUT_MS }, () => {
  const harness = {};
  const work = mkdtempSync(path.join(tmpdir(), 'vertebro-report-'));
  before(async () => {
    Object.assign(harness, await startHarness('report', [], { cohort: true }));
  });
  after(async () => {
    rmSync(work, { recursive: true, force: true });
    await stopHarness(harness);
  });

  it('the audit lead reads the report and downloads it as PDF and XLSX',
    { timeout: TEST_TIMEOUT_MS }, async () => {
      const s = await Session.open('governance');
      try {
        const { page } = s;
        await s.goto('/sign-in');
        await s.signIn('governance');
        await s.navigate(() => page.getByRole('link', { name: 'Reports' }).first().click());
        await s.expectHeading('HTG3 outcomes report');
        const table = page.locator('#table-outcomes');
        assert.match(await table.innerText(), /HTG3-EFF-PAIN/);
        assert.match(await table.innerText(), /58% to 97%/);
        // The funnel plot is drawn: its limits and at least one operator's marker.
        const funnel = page.locator('#chart-funnel-operators svg');
        assert.equal(await funnel.getAttribute('role'), 'img');
        assert.ok(await funnel.locator('.limit-95').count() > 0, 'the 95% limits are drawn');
        assert.ok(await funnel.locator('.unit').count() > 0, 'an operator is plotted');
        assert.match(await funnel.locator('desc').textContent(), /pooled rate/);
        assert.doesNotMatch(await page.locator('main').innerText(), /Ashworth|Thomas Kenneth/);
        await s.check('page');

        await page.getByLabel('Procedures from').fill('2026-02-30');
        await s.navigate(() => page.getByRole('button', { name: 'Show the report' }).click(), 422);
        assert.match(await page.locator('.nhsuk-error-summary').innerText(), /Start date/);
        await s.check('error');
        await page.getByLabel('Procedures from').fill('2025-01-01');
        await s.navigate(() => page.getByRole('button', { name: 'Show the report' }).click());
        assert.match(await page.locator('main').innerText(), /2025-01-01/);

        const pdfHref = await page.getByRole('link', { name: 'Download as PDF (A4)' }).getAttribute('href');
        const pdf = await page.request.get(s.url(pdfHref));
        assert.equal(pdf.status(), 200);
        assert.equal(pdf.headers()['content-type'], 'application/pdf');
        const pdfFile = path.join(work, 'report.pdf');
        writeFileSync(pdfFile, await pdf.body());
        const text = execFileSync('pdftotext', [pdfFile, '-']).toString();
        assert.match(text, /HTG3 outcomes report/);
        assert.match(text, /Cement leakage/);

        const xlsxHref = await page.getByRole('link', { name: /spreadsheet \(XLSX\)/ }).getAttribute('href');
        const xlsx = await page.request.get(s.url(xlsxHref));
        assert.equal(xlsx.status(), 200);
        const xlsxFile = path.join(work, 'report.xlsx');
        writeFileSync(xlsxFile, await xlsx.body());
        const parts = execFileSync('unzip', ['-l', xlsxFile]).toString();
        assert.match(parts, /xl\/workbook\.xml/);
        const workbook = execFileSync('unzip', ['-p', xlsxFile, 'xl/workbook.xml']).toString();
        assert.match(workbook, /name="outcomes"/);
        assert.match(workbook, /name="operator_funnel"/);
      } finally {
        await s.close();
      }
    });
});
