import { ERROR_STATUS } from '@datamingle/contracts';
import { renderDocsPage } from './docs-page';
import { buildOpenApiDocument } from './openapi';
import type { HttpMethod } from './types';

describe('renderDocsPage', () => {
  const doc = buildOpenApiDocument();
  const html = renderDocsPage(doc);

  it('is a complete, self-contained HTML document', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<meta charset="utf-8">');
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link[^>]+stylesheet/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//i);
  });

  it('has balanced structural tags', () => {
    for (const tag of ['section', 'article', 'table', 'tr', 'ul', 'nav', 'main', 'details']) {
      const open = html.match(new RegExp(`<${tag}[\\s>]`, 'g'))?.length ?? 0;
      const close = html.match(new RegExp(`</${tag}>`, 'g'))?.length ?? 0;
      expect({ tag, open }).toEqual({ tag, open: close });
    }
  });

  it('contains every path and every operation with its anchor and scope', () => {
    for (const [path, item] of Object.entries(doc.paths)) {
      expect(html).toContain(path);
      for (const method of ['get', 'head', 'options', 'post', 'put', 'delete'] as HttpMethod[]) {
        const operation = item[method];
        if (!operation) continue;
        expect(html).toContain(`id="op-${operation.operationId}"`);
        expect(html).toContain(`href="#op-${operation.operationId}"`);
        if (operation['x-required-scope']) expect(html).toContain(`<code>${operation['x-required-scope']}</code>`);
      }
    }
  });

  it('has a table of contents per tag and the auth, error and schema sections', () => {
    for (const tag of doc.tags) expect(html).toContain(`href="#tag-${tag.name}"`);
    for (const id of ['overview', 'authentication', 'errors', 'schemas']) {
      expect(html).toContain(`id="${id}"`);
      expect(html).toContain(`href="#${id}"`);
    }
    for (const code of Object.keys(ERROR_STATUS)) expect(html).toContain(`<code>${code}</code>`);
    expect(html).toContain('X-API-Key');
  });

  it('lists parameters, request body fields and response codes', () => {
    expect(html).toContain('<code>items[].sku_code</code>');
    expect(html).toContain('<code>inventory[].quantity</code>');
    expect(html).toContain('<code>updated_since</code>');
    expect(html).toContain('<code>identifier</code>');
    expect(html).toMatch(/<td class="status s4">409<\/td>/);
    expect(html).toContain('id="schema-Order"');
    expect(html).toContain('<code>cancellation_reason</code>');
  });

  it('escapes text taken from the document', () => {
    const custom = buildOpenApiDocument();
    custom.info.title = '<b>Title</b> & "quotes"';
    const page = renderDocsPage(custom);
    expect(page).toContain('&lt;b&gt;Title&lt;/b&gt; &amp; &quot;quotes&quot;');
    expect(page).not.toContain('<b>Title</b>');
  });
});
