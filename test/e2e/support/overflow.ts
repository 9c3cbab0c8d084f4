import type { Page } from 'playwright-core';

/**
 * Every visible element that sticks out of the viewport, or out of the card it sits in (a drink
 * on the menu, an order, the order sheet): "Commander" running past the card's edge is what
 * this finds. Returns a line per offender; none is the answer a 360 px phone needs.
 */
export async function overflowingElements(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const problems: string[] = [];
    const describe = (element: Element) => {
      const text = (element.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 40);
      return `<${element.tagName.toLowerCase()}${element.className ? ` class="${String(element.className)}"` : ''}> "${text}"`;
    };
    for (const element of Array.from(document.body.querySelectorAll('*'))) {
      const style = getComputedStyle(element);
      if (style.display === 'none' || style.visibility === 'hidden') continue;
      const box = element.getBoundingClientRect();
      // Screen-reader-only text is 1×1 and clipped on purpose.
      if (box.width <= 1 || box.height <= 1) continue;
      if (element.closest('dialog:not([open])')) continue;
      if (box.left < -0.5 || box.right > width + 0.5) {
        problems.push(`${describe(element)} spans ${Math.round(box.left)}–${Math.round(box.right)} px of a ${width} px screen`);
        continue;
      }
      const card = element.parentElement?.closest('[data-drink-id], [data-order-id], dialog[open]');
      if (!card) continue;
      const outer = card.getBoundingClientRect();
      if (box.left < outer.left - 0.5 || box.right > outer.right + 0.5) {
        problems.push(`${describe(element)} spans ${Math.round(box.left)}–${Math.round(box.right)} px, outside its card (${Math.round(outer.left)}–${Math.round(outer.right)} px)`);
      }
    }
    if (document.documentElement.scrollWidth > width + 0.5) problems.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} px wide`);
    return problems;
  });
}
