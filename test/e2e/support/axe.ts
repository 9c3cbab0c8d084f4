import axe from 'axe-core';
import type { Page } from 'playwright-core';

/** axe's serious and critical findings on the page as it is now, as "rule: targets" lines. */
export async function seriousViolations(page: Page): Promise<string[]> {
  // evaluate, not an injected <script>: the app's CSP rightly forbids inline scripts.
  await page.evaluate(axe.source);
  const results = await page.evaluate(() => (window as unknown as { axe: typeof axe }).axe.run(document, { resultTypes: ['violations'] }));
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
