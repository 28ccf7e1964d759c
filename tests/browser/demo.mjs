// Drives `loa demo` in headless Chromium as a newcomer would: the official posts to area 5 by
// tapping through the compose flow and sees it reach «Tổ dân phố 5» only; a plain member tries
// /subscribe in a group and is refused. A screenshot of each step goes to target/browser/.
//
//   node tests/browser/demo.mjs <path to the loa binary>
//
// Waits are on what appears, each with a deadline; nothing sleeps for a fixed time.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

const LOA = process.argv[2];
const SHOTS = 'target/browser';
/// For the demo to start, and for anything to appear on the page.
const DEADLINE_MS = 20_000;

const OFFICIAL = 'Cán bộ phường – Hiền';
const MEMBER = '103'; // Chị Lan's id, as the «Bạn là» list names her
const AREA5 = 'Tổ dân phố 5';
const OTHER_GROUPS = ['Tổ dân phố 7', 'Chung cư Sài Đồng A'];
const ANNOUNCEMENT = 'Tối nay 19:30 họp tổ dân phố 5 tại nhà văn hoá, mời mỗi hộ một người dự.';

/// Starts `loa demo` on a free port (with its own temporary database) and returns it with the
/// page's address, read from what it prints.
function startDemo() {
  const demo = spawn(LOA, ['demo', '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const address = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('loa demo printed no address in time')), DEADLINE_MS);
    let printed = '';
    demo.stdout.on('data', (chunk) => {
      printed += chunk;
      const found = printed.match(/http:\/\/127\.0\.0\.1:\d+/);
      if (found) { clearTimeout(timer); resolve(found[0]); }
    });
    demo.on('exit', (code) => reject(new Error(`loa demo exited early with ${code}`)));
  });
  return { demo, address };
}

function stopDemo(demo) {
  return new Promise((resolve) => {
    if (demo.exitCode !== null) { resolve(demo.exitCode); return; }
    demo.on('exit', (code) => resolve(code));
    demo.kill('SIGTERM');
  });
}

async function shot(page, name) {
  await page.screenshot({ path: `${SHOTS}/${name}.png` });
  console.log(`  screenshot ${SHOTS}/${name}.png`);
}

function chat(page, title) {
  return page.locator('.chat-item', { has: page.locator('.chat-name', { hasText: title }) });
}

async function openChat(page, title) {
  await chat(page, title).click();
  await page.locator('#chat-title', { hasText: title }).waitFor();
}

/// The last message of the bot whose text contains `text`.
function botMessage(page, text) {
  return page.locator('.message', { has: page.locator('.sender.bot') }).filter({ hasText: text }).last();
}

async function tapButton(page, label) {
  const button = page.locator('.keyboard button', { hasText: label }).last();
  await button.click();
}

async function postToArea5(page) {
  console.log('as the official: post to area 5 with the buttons');
  await openChat(page, OFFICIAL);
  await botMessage(page, 'Xin chào').waitFor();
  await shot(page, '01-official-chat');

  await page.locator('#text').fill(ANNOUNCEMENT);
  await page.locator('#text').press('Enter');
  await botMessage(page, 'Bước 1/3').waitFor();
  await shot(page, '02-compose-topic');
  await tapButton(page, 'Họp, hội nghị');
  await botMessage(page, 'Bước 2/3').waitFor();
  await tapButton(page, 'Tổ 5');
  await page.locator('.keyboard button', { hasText: '✅ Tổ 5' }).waitFor();
  await shot(page, '03-compose-area');
  await tapButton(page, 'Tiếp');
  await botMessage(page, 'Bước 3/3').waitFor();
  await tapButton(page, 'Xem trước');
  await botMessage(page, 'Bản xem trước').waitFor();
  await page.locator('.keyboard button', { hasText: 'Gửi' }).waitFor();
  await shot(page, '04-preview');
  await tapButton(page, 'Gửi');
  await botMessage(page, 'Đã xác nhận thông báo').waitFor();
  // The side panel follows the delivery until every chat has it.
  await page.locator('#report .report-state', { hasText: 'Đã gửi xong' }).waitFor();
  await shot(page, '05-confirmed-report');
}

async function seeItInArea5Only(page) {
  console.log('the announcement reaches «Tổ dân phố 5», and neither other group');
  await openChat(page, AREA5);
  await botMessage(page, ANNOUNCEMENT).waitFor();
  await shot(page, '06-area-5-received');
  for (const title of OTHER_GROUPS) {
    await openChat(page, title);
    // The group's own history is shown: its set-up by its admin.
    await botMessage(page, 'Đã gắn chat này').waitFor();
    const copies = await page.locator('.message', { hasText: ANNOUNCEMENT }).count();
    if (copies !== 0) throw new Error(`«${title}» received the announcement for area 5`);
  }
}

async function memberIsRefused(page) {
  console.log('as a plain member: /subscribe in a group is refused');
  await openChat(page, 'Tổ dân phố 7');
  await page.locator('#who').selectOption(MEMBER);
  await page.locator('#text').fill('/subscribe');
  await page.locator('#text').press('Enter');
  await page.locator('.message.mine', { hasText: '/subscribe' }).waitFor();
  await botMessage(page, 'chỉ quản trị viên').waitFor();
  await shot(page, '07-member-refused');
}

async function main() {
  if (!LOA) throw new Error('usage: node tests/browser/demo.mjs <path to the loa binary>');
  mkdirSync(SHOTS, { recursive: true });
  const { demo, address } = startDemo();
  let browser;
  try {
    const url = await address;
    console.log(`loa demo at ${url}`);
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
    const page = await browser.newPage({ viewport: { width: 1360, height: 820 }, locale: 'vi-VN' });
    page.setDefaultTimeout(DEADLINE_MS);
    const pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(error));
    await page.goto(url);
    await chat(page, AREA5).waitFor();
    try {
      await postToArea5(page);
      await seeItInArea5Only(page);
      await memberIsRefused(page);
      if (pageErrors.length) throw new Error(`the page's script failed: ${pageErrors.join('; ')}`);
    } catch (error) {
      await shot(page, 'failure');
      throw error;
    }
  } finally {
    if (browser) await browser.close();
    const code = await stopDemo(demo);
    if (code !== 0) throw new Error(`loa demo stopped with ${code}`);
  }
  console.log('browser test passed');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
