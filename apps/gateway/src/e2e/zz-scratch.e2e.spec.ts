import { startTestPlatform, type TestPlatform } from '@datamingle/testing';
let platform: TestPlatform;
beforeAll(async () => { platform = await startTestPlatform(); await platform.createTenant('acme'); }, 60_000);
afterAll(async () => { await platform?.stop(); });
it('times', async () => {
  for (let i = 0; i < 3; i++) {
    let t = Date.now(); await platform.admin('key', 'list', '--tenant', 'acme'); console.log('list', Date.now() - t);
    t = Date.now(); await platform.admin('key', 'create', '--tenant', 'acme', '--name', 'x'); console.log('create', Date.now() - t);
  }
  let t = Date.now(); await Promise.all([1,2,3,4,5,6,7,8].map(() => platform.admin('key', 'list', '--tenant', 'acme'))); console.log('8 parallel', Date.now() - t);
}, 60_000);
