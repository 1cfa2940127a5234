// The web client in a real browser: Debian's Chromium driven by playwright-core (which never downloads a browser).
// Two people register in two browser contexts and chat through the page at PARLEY_URL, using every feature.
//
//   PARLEY_URL=http://127.0.0.1:8080 node --test            (a running Parley; the Maven build starts one for it)
//   PARLEY_CHROMIUM     the browser (default /usr/bin/chromium)
//   PARLEY_SCREENSHOTS  a directory for screenshots of the main screens (unset: none)

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium } from 'playwright-core';

const BASE = process.env.PARLEY_URL ?? 'http://127.0.0.1:8080';
const CHROMIUM = process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = process.env.PARLEY_SCREENSHOTS;
const PASSWORD = 'correct horse battery';
const RUN = Date.now().toString(36);

let browser;
const ada = {};   // {context, page, id, cut(), restore()}
const alan = {};
const problems = [];   // uncaught page errors and CSP violations, checked at the end

async function screenshot(page, name) {
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `web-client-${name}.png`) });
}

/** A browser context whose chat websocket the test can cut (as a dropped network would) and restore. */
async function person(who) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 720 }, acceptDownloads: true });
  context.setDefaultTimeout(10_000);
  let cut = false;
  const live = [];
  // Every websocket of the page goes through the test: connected to the server, unless the network is "cut".
  await context.routeWebSocket(/\/ws\/chat\/room\//, (ws) => {
    if (cut) {
      ws.close({ code: 1011, reason: 'test: network down' });
      return;
    }
    live.push({ page: ws, server: ws.connectToServer() });
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => problems.push(`${who}: ${error.message}`));
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(`${who}: ${message.text()}`);
  });
  page.on('dialog', (dialog) => dialog.accept());   // "Delete this message for both of you?"
  return {
    context, page,
    cutNetwork: () => {
      cut = true;
      for (const ws of live.splice(0)) {
        ws.server.close();
        ws.page.close({ code: 1012, reason: 'test: network down' });
      }
    },
    restoreNetwork: () => { cut = false; },
  };
}

async function register(someone, name, email) {
  const { page } = someone;
  await page.goto(`${BASE}/`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', PASSWORD);
  await page.fill('input[name=fullname]', name);
  await page.click('button[value=register]');
  await page.locator('#chat').waitFor();
  await page.locator('#connection', { hasText: 'online' }).waitFor();
  someone.id = await page.inputValue('#my-id');
}

async function send(page, text) {
  await page.fill('#text', text);
  await page.press('#text', 'Enter');
}

const message = (page, text) => page.locator('#messages .msg', { hasText: text });
const thread = (page, userId) => page.locator(`#threads .thread[data-user="${userId}"]`);

describe('the web client, two people in two browsers', { timeout: 110_000 }, () => {
  before(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      // Debian's Chromium as root in a container, and no calls home: the machine has no network but the server.
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    });
    Object.assign(ada, await person('Ada'));
    Object.assign(alan, await person('Alan'));
  });

  after(async () => {
    await browser?.close();
  });

  it('serves the page with a strict content security policy', async () => {
    const response = await ada.page.goto(`${BASE}/`);
    assert.equal(response.status(), 200);
    const headers = response.headers();
    assert.match(headers['content-type'], /^text\/html/);
    assert.equal(headers['x-content-type-options'], 'nosniff');
    assert.match(headers['content-security-policy'], /default-src 'none'; script-src 'self'/);
    await ada.page.locator('#login').waitFor();
    await screenshot(ada.page, 'login');
  });

  it('registers two people; a taken address is a readable error', async () => {
    await register(ada, 'Ada Lovelace', `ada-${RUN}@example.com`);
    await alan.page.goto(`${BASE}/`);
    await alan.page.fill('input[name=email]', `ADA-${RUN}@example.com`);
    await alan.page.fill('input[name=password]', PASSWORD);
    await alan.page.fill('input[name=fullname]', 'Not Ada');
    await alan.page.click('button[value=register]');
    await alan.page.locator('[data-field=email]', { hasText: /./ }).waitFor();
    assert.match(await alan.page.textContent('#login-error'), /./);
    await register(alan, 'Alan Turing', `alan-${RUN}@example.com`);
  });

  it('chats: unread counts, presence dots, typing, seen ticks', async () => {
    await ada.page.fill('#new-chat input', alan.id);
    await ada.page.press('#new-chat input', 'Enter');
    await send(ada.page, 'Hello, Alan!');
    await message(ada.page, 'Hello, Alan!').locator('.ticks', { hasText: '✓' }).waitFor();

    // Alan has no conversation open: Ada appears in his list, unread, online.
    await thread(alan.page, ada.id).locator('.unread', { hasText: '1' }).waitFor();
    await thread(alan.page, ada.id).locator('.dot.online').waitFor();
    await screenshot(alan.page, 'threads');

    // He opens it: he has read it (his count goes), and Ada's message shows seen.
    await thread(alan.page, ada.id).locator('button').click();
    await message(alan.page, 'Hello, Alan!').waitFor();
    await message(ada.page, 'Hello, Alan!').and(ada.page.locator('.seen')).waitFor();
    await thread(alan.page, ada.id).locator('.unread').waitFor({ state: 'detached' });
    await ada.page.locator('#partner-presence', { hasText: 'online' }).waitFor();

    // He types: Ada sees it; his message ends it.
    await alan.page.locator('#text').pressSequentially('Hi Ada', { delay: 20 });
    await ada.page.locator('#typing', { hasText: 'Alan Turing is typing' }).waitFor();
    await alan.page.press('#text', 'Enter');
    await message(ada.page, 'Hi Ada').waitFor();
    await ada.page.waitForFunction(() => document.querySelector('#typing').textContent === '');
  });

  it('pages back through history with before=', async () => {
    // 30 more from Ada (quicker on a websocket of the test's own than typed), so the first no longer fits a page.
    await ada.page.evaluate(async ({ to, count }) => {
      const { access } = JSON.parse(sessionStorage.getItem('parley.session'));
      const ws = new WebSocket(`ws://${location.host}/ws/chat/room/?token=${encodeURIComponent(access)}`);
      await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = reject; });
      let confirmed = 0;
      const done = new Promise((resolve) => {
        ws.onmessage = (event) => JSON.parse(event.data).action === 'conf_message' && ++confirmed === count && resolve();
      });
      for (let i = 1; i <= count; i++) {
        ws.send(JSON.stringify({ action: 'text_message', receiver_id: to, message_body: `Filler ${String(i).padStart(2, '0')}` }));
      }
      await done;
      ws.close();
    }, { to: alan.id, count: 30 });
    await message(alan.page, 'Filler 30').waitFor();
    await alan.page.reload();
    await message(alan.page, 'Filler 30').waitFor();
    assert.equal(await message(alan.page, 'Hello, Alan!').count(), 0, 'the first page holds the newest 30');
    await alan.page.click('#messages .older button');
    await message(alan.page, 'Hello, Alan!').waitFor();
  });

  it('catches up after a reload and after a dropped connection, and resends what was not confirmed', async () => {
    // A reload: what came meanwhile is in history.
    const reloaded = alan.page.reload();
    await send(ada.page, 'Sent while you reloaded');
    await reloaded;
    await message(alan.page, 'Sent while you reloaded').waitFor();

    // A dropped connection: Ada's message is not pushed, Alan's waits unconfirmed; both arrive once it is back.
    alan.cutNetwork();
    await send(ada.page, 'Sent while your network was down');
    await send(alan.page, 'Written while offline');
    await message(alan.page, 'Written while offline').and(alan.page.locator('.pending')).waitFor();
    alan.restoreNetwork();
    await message(alan.page, 'Sent while your network was down').waitFor();
    await message(alan.page, 'Written while offline').locator('.ticks', { hasText: '✓' }).waitFor();
    await message(ada.page, 'Written while offline').waitFor();
    assert.equal(await message(ada.page, 'Written while offline').count(), 1, 'sent once, whatever the resends');
  });

  it('sends a file with upload progress; the other side downloads it', async () => {
    const bytes = Buffer.from('Notes on the Analytical Engine\n'.repeat(20_000));   // ~600 KB
    await ada.page.evaluate(() => {
      // Record what the progress bar showed (a local upload is quick).
      window.progressSeen = [];
      new MutationObserver(() => {
        for (const bar of document.querySelectorAll('#uploads progress')) window.progressSeen.push(bar.value);
      }).observe(document.querySelector('#uploads'), { subtree: true, childList: true, attributes: true });
    });
    await ada.page.setInputFiles('#file', { name: 'notes.txt', mimeType: 'text/plain', buffer: bytes });
    await message(ada.page, 'notes.txt').waitFor();
    const progress = await ada.page.evaluate(() => window.progressSeen);
    assert.equal(Math.max(...progress), 1, `the progress bar went up to 100 % (${progress})`);

    const link = message(alan.page, 'notes.txt').locator('a.download');
    const [download] = await Promise.all([alan.page.waitForEvent('download'), link.click()]);
    assert.equal(download.suggestedFilename(), 'notes.txt');
    assert.deepEqual(await readFile(await download.path()), bytes);
  });

  it('edits and deletes one\'s own messages; the other side sees the edit and the tombstone', async () => {
    const mine = message(ada.page, 'Sent while you reloaded');
    await mine.hover();
    await mine.locator('button', { hasText: 'Edit' }).click();
    assert.equal(await ada.page.inputValue('#text'), 'Sent while you reloaded');
    await ada.page.fill('#text', 'Sent while you reloaded (edited)');
    await ada.page.press('#text', 'Enter');
    await message(alan.page, 'Sent while you reloaded (edited)').locator('.edited').waitFor();

    await send(ada.page, 'A secret to take back');
    await message(alan.page, 'A secret to take back').waitFor();
    // Alan's re_message and Ada's conf_message leave on two connections, in no fixed order: the id is
    // Ada's to read only once her copy is confirmed (a pending text has no id yet).
    const secret = ada.page.locator('#messages .msg.mine:not(.pending)', { hasText: 'A secret to take back' });
    await secret.waitFor();
    const id = await secret.getAttribute('data-id');
    await secret.hover();
    await secret.locator('button', { hasText: 'Delete' }).click();
    await alan.page.locator(`#messages .msg.deleted[data-id="${id}"] .tombstone`).waitFor();
    assert.equal(await message(alan.page, 'A secret to take back').count(), 0);
    await ada.page.locator(`#messages .msg.deleted[data-id="${id}"]`).waitFor();
  });

  it('shares a profile card', async () => {
    await ada.page.selectOption('#share', ada.id);
    const card = alan.page.locator('#messages .contact', { hasText: 'Ada Lovelace' });
    await card.waitFor();
    await card.click();
    await alan.page.locator('#profile[open]', { hasText: `ada-${RUN}@example.com` }).waitFor();
    await screenshot(alan.page, 'profile-card');
    await alan.page.click('#profile-close');
    await screenshot(ada.page, 'conversation');
  });

  it('shows refusals as readable errors', async () => {
    await send(ada.page, 'x'.repeat(10_001));
    await ada.page.locator('.toast', { hasText: 'Message not sent' }).waitFor();
    await ada.page.locator('#messages .msg.failed').waitFor();
  });

  it('refreshes an expired access token', async () => {
    await ada.page.evaluate(() => {
      const session = JSON.parse(sessionStorage.getItem('parley.session'));
      session.access = `${session.access.split('.').slice(0, 2).join('.')}.not-the-signature`;
      sessionStorage.setItem('parley.session', JSON.stringify(session));
    });
    await ada.page.reload();
    await ada.page.locator('#connection', { hasText: 'online' }).waitFor();
    await message(ada.page, 'Written while offline').waitFor();
    await send(ada.page, 'After a token refresh');
    await message(alan.page, 'After a token refresh').waitFor();
  });

  it('shows a hostile 255-character name as text, and the page stays usable around it', async () => {
    // Names are other people's input: markup in them is text, and one long word must not push the composer, the
    // send button or "Log out" off the page (it did: the share list and the partner's name widened the page).
    const mallory = await person('Mallory');
    const name = `Mallory<img src=x onerror="window.pwned=1">${'W'.repeat(255)}`.slice(0, 255);
    await register(mallory, name, `mallory-${RUN}@example.com`);
    await mallory.page.fill('#new-chat input', ada.id);
    await mallory.page.press('#new-chat input', 'Enter');
    await mallory.page.locator('#open').waitFor();
    await mallory.page.waitForFunction(() => document.querySelector('#empty').hidden);
    // A new conversation: its list holds messages only (it showed a stray "null" above them).
    assert.equal(await mallory.page.locator('#messages').innerText(), '');
    await send(mallory.page, `<script>window.pwned=2</script>${'X'.repeat(2000)}`);
    await mallory.page.selectOption('#share', mallory.id);
    await thread(ada.page, mallory.id).locator('button').click();
    await ada.page.locator('#messages .contact').waitFor();
    await message(ada.page, '<script>window.pwned=2</script>').waitFor();
    assert.ok((await ada.page.locator('#partner-name').textContent()).includes(name), 'the name, markup and all, as text');
    assert.equal(await ada.page.locator('#partner-name img, #threads img, #messages img').count(), 0);
    for (const page of [ada.page, mallory.page]) {
      const layout = await page.evaluate(() => {
        const inside = (selector) => {
          const box = document.querySelector(selector).getBoundingClientRect();
          return box.width > 0 && box.left >= 0 && box.right <= innerWidth && box.top >= 0 && box.bottom <= innerHeight;
        };
        return {
          pwned: window.pwned ?? null, scrolls: document.documentElement.scrollWidth > innerWidth,
          send: inside('#composer button[type=submit]'), text: inside('#text'), logout: inside('#logout'),
          share: inside('#share'),
        };
      });
      assert.deepEqual(layout, { pwned: null, scrolls: false, send: true, text: true, logout: true, share: true });
    }
    await mallory.context.close();
  });

  it('saw no script error and no content security policy violation', () => {
    assert.deepEqual(problems, []);
  });
});
