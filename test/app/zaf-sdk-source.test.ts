/**
 * The helpdesk pages load Zendesk's own ZAF SDK from Zendesk's CDN, as Zendesk documents,
 * and bundle none of the npm copy (a third-party republish, kept only as the browser tests'
 * offline stand-in for the CDN script). Reads the production build the global setup made.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { ZAF_SDK_URL } from '../../app/src/zaf/init';

const DIST_APP = path.resolve('dist/app');

describe('where the ZAF SDK comes from', () => {
  test.each(['ticket_sidebar.html', 'nav_bar.html'])('%s loads it from Zendesk\u2019s CDN before the app', (page) => {
    const html = readFileSync(path.join(DIST_APP, page), 'utf8');
    expect(ZAF_SDK_URL).toBe('https://static.zdassets.com/zendesk_app_framework_sdk/2.0/zaf_sdk.min.js');
    const sdkAt = html.indexOf(`<script src="${ZAF_SDK_URL}"></script>`);
    expect(sdkAt).toBeGreaterThan(0);
    // A classic script runs before the deferred module scripts that call ZAFClient.init().
    expect(sdkAt).toBeLessThan(html.indexOf('<script type="module"'));
  });

  test('no built asset carries the SDK\u2019s code', () => {
    const assets = readdirSync(path.join(DIST_APP, 'assets')).filter((name) => name.endsWith('.js'));
    expect(assets.length).toBeGreaterThan(0);
    // 'iframe.handshake' is the message the SDK's client sends first (its lib/client.js).
    const carrying = assets.filter((name) => readFileSync(path.join(DIST_APP, 'assets', name), 'utf8').includes('iframe.handshake'));
    expect(carrying).toEqual([]);
  });
});
