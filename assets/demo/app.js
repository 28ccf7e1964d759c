// Loa's demo page: a small chat client for the ward the demo seeded. It reads what it shows from
// the demo's HTTP API and reads again whenever the event stream says something changed.
'use strict';

const TEXTS = {
  vi: {
    subtitle: 'bản chạy thử — không cần Telegram',
    chats: 'Các cuộc trò chuyện',
    offline: 'Mọi thứ chạy trên máy này: Loa thật, với một máy chủ Bot API dựng sẵn thay cho Telegram.',
    who: 'Bạn là',
    send: 'Gửi',
    attach: 'Đính kèm ảnh hoặc PDF (chữ trong ô nhập thành chú thích)',
    placeholder: 'Nhập tin nhắn hoặc lệnh, ví dụ /upcoming',
    report: 'Báo cáo gửi tin gần nhất',
    clock: 'Đồng hồ của bản demo',
    skip: '⏭ Tới ngay trước lời nhắc tiếp theo',
    noReport: 'Chưa có thông báo nào được gửi. Hãy đăng một thông báo từ «Cán bộ phường – Hiền».',
    delivered: 'Đã gửi',
    pending: 'Đang chờ',
    failed: 'Lỗi',
    finished: 'Đã gửi xong.',
    sending: 'Đang gửi, theo giới hạn của Telegram…',
    recalled: 'Đã thu hồi.',
    announcement: 'Thông báo',
    nextReminder: 'Lời nhắc tiếp theo',
    noReminder: 'Không còn lời nhắc nào sắp tới.',
    group: 'nhóm',
    privateChat: 'trò chuyện riêng với Loa',
    pinned: '📌 Đã ghim',
    bot: 'Loa',
    hintPrivateOfficial: 'Gõ hoặc dán nội dung một thông báo rồi bấm Gửi: Loa hỏi chủ đề, tổ dân phố, tuỳ chọn, cho xem trước rồi mới gửi.',
    hintPrivate: 'Đây là trò chuyện riêng của người dân với Loa: thử /upcoming, /topics, /phananh.',
    hintGroup: 'Nhóm tổ dân phố: đổi «Bạn là» để thử quyền của quản trị nhóm và của thành viên thường.',
    document: 'Tệp',
    photo: 'Ảnh',
    location: 'Vị trí',
    sendFailed: 'Không gửi được',
  },
  en: {
    subtitle: 'playground — no Telegram needed',
    chats: 'Chats',
    offline: 'Everything runs on this machine: the real Loa, with a built-in Bot API server instead of Telegram.',
    who: 'You are',
    send: 'Send',
    attach: 'Attach an image or a PDF (the text typed becomes its caption)',
    placeholder: 'Type a message or a command, e.g. /upcoming',
    report: 'Latest delivery report',
    clock: 'The demo\'s clock',
    skip: '⏭ Skip to just before the next reminder',
    noReport: 'Nothing announced yet. Post an announcement as «Cán bộ phường – Hiền».',
    delivered: 'Delivered',
    pending: 'Pending',
    failed: 'Failed',
    finished: 'All sent.',
    sending: 'Sending, within Telegram\'s limits…',
    recalled: 'Recalled.',
    announcement: 'Announcement',
    nextReminder: 'Next reminder',
    noReminder: 'No reminder coming.',
    group: 'group',
    privateChat: 'private chat with Loa',
    pinned: '📌 Pinned',
    bot: 'Loa',
    hintPrivateOfficial: 'Type or paste an announcement and send it: Loa asks for the topic, the groups and the options, shows a preview, then sends.',
    hintPrivate: 'A resident\'s private chat with Loa: try /upcoming, /topics, /phananh.',
    hintGroup: 'A residential group: change «You are» to try what a group admin and a plain member may do.',
    document: 'File',
    photo: 'Photo',
    location: 'Location',
    sendFailed: 'Could not send',
  },
};

const SHORTCUTS = {
  official: ['/post', '/broadcasts', '/reminders', '/stats', '/help'],
  private: ['/upcoming', '/latest', '/topics', '/phananh', '/help'],
  group: ['/upcoming', '/topics', '/area', '/subscribe', '/latest'],
};
const OFFICIAL_ID = 101;
const TIMEZONE = 'Asia/Ho_Chi_Minh';
const AVATAR_COLOURS = ['#e17076', '#7bc862', '#65aadd', '#a695e7', '#ee7aae', '#6ec9cb', '#faa774'];

const state = {
  lang: localStorage.getItem('loa-demo-lang') || 'vi',
  people: [],
  chats: [],
  chatId: OFFICIAL_ID,
  groupMe: 102,
  seen: {},
  notices: new Set(),
  clockOffset: 0,
  nextReminder: null,
  rendered: null,
  renderedChat: null,
};

const $ = (id) => document.getElementById(id);
const t = (key) => TEXTS[state.lang][key];

async function api(path, options) {
  const response = await fetch(path, options);
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? null : response.json();
}

function postJson(path, body) {
  return api(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

// Who speaks: in a private chat its owner, in a group whoever was chosen.
function currentChat() { return state.chats.find((chat) => chat.id === state.chatId); }
function me() {
  const chat = currentChat();
  return chat && chat.owner ? chat.owner : state.groupMe;
}
function person(id) { return state.people.find((someone) => someone.id === id); }

// ---- Formatting: Telegram's entities (offsets in UTF-16 units, as JavaScript strings count) or
// the HTML subset of parse_mode=HTML, always built as DOM nodes, never as markup.

const ENTITY_TAGS = { bold: 'b', italic: 'i', underline: 'u', strikethrough: 's', code: 'code', pre: 'pre', blockquote: 'blockquote', expandable_blockquote: 'blockquote' };

function safeHref(href) {
  return /^(https?:|tg:)/i.test(href || '') ? href : null;
}

function entityNode(entity, text) {
  if (entity.type === 'text_link' || entity.type === 'url') {
    const link = document.createElement('a');
    const href = safeHref(entity.type === 'url' ? text : entity.url);
    if (href) link.href = href;
    link.target = '_blank';
    link.rel = 'noopener';
    return link;
  }
  return document.createElement(ENTITY_TAGS[entity.type] || 'span');
}

function withEntities(text, entities) {
  const fragment = document.createDocumentFragment();
  const sorted = [...entities].sort((a, b) => a.offset - b.offset || b.length - a.length);
  const build = (parent, start, end, list) => {
    let position = start;
    let index = 0;
    while (index < list.length) {
      const entity = list[index++];
      const entityEnd = Math.min(entity.offset + entity.length, end);
      const inner = [];
      while (index < list.length && list[index].offset < entityEnd) inner.push(list[index++]);
      if (entity.offset > position) parent.append(text.slice(position, entity.offset));
      const node = entityNode(entity, text.slice(entity.offset, entityEnd));
      build(node, Math.max(entity.offset, position), entityEnd, inner);
      parent.append(node);
      position = Math.max(position, entityEnd);
    }
    if (position < end) parent.append(text.slice(position, end));
  };
  build(fragment, 0, text.length, sorted);
  return fragment;
}

const HTML_TAGS = new Set(['B', 'STRONG', 'I', 'EM', 'U', 'INS', 'S', 'STRIKE', 'DEL', 'CODE', 'PRE', 'A', 'BLOCKQUOTE', 'SPAN', 'TG-SPOILER']);

function withHtml(html) {
  const parsed = new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html').body;
  const copy = (from, to) => {
    for (const child of from.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) {
        to.append(child.textContent);
      } else if (child.nodeType === Node.ELEMENT_NODE) {
        if (!HTML_TAGS.has(child.tagName)) { copy(child, to); continue; }
        const node = document.createElement(child.tagName === 'TG-SPOILER' ? 'span' : child.tagName.toLowerCase());
        const href = child.tagName === 'A' ? safeHref(child.getAttribute('href')) : null;
        if (href) { node.href = href; node.target = '_blank'; node.rel = 'noopener'; }
        copy(child, node);
        to.append(node);
      }
    }
  };
  const fragment = document.createDocumentFragment();
  copy(parsed, fragment);
  return fragment;
}

function formatted(message) {
  const text = message.text || '';
  if (message.parse_mode === 'HTML') return withHtml(text);
  if (Array.isArray(message.entities) && message.entities.length) return withEntities(text, message.entities);
  return document.createTextNode(text);
}

function plainText(message) {
  const holder = document.createElement('div');
  holder.append(formatted(message));
  const line = holder.textContent.split('\n').find((text) => text.trim()) || '';
  if (line) return line;
  return { photo: `🖼 ${t('photo')}`, document: `📄 ${t('document')}`, location: `📍 ${t('location')}` }[message.kind] || '';
}

// ---- The chat list.

function initials(title) {
  const words = title.replace(/[–-]/g, ' ').split(/\s+/).filter(Boolean);
  return words.slice(-2).map((word) => word[0]).join('').toUpperCase();
}

function avatar(title, id) {
  const node = document.createElement('div');
  node.className = 'avatar';
  node.style.background = AVATAR_COLOURS[Math.abs(id) % AVATAR_COLOURS.length];
  node.textContent = initials(title);
  return node;
}

function renderChats() {
  const list = $('chats');
  list.replaceChildren(...state.chats.map((chat) => {
    const item = document.createElement('li');
    item.className = `chat-item${chat.id === state.chatId ? ' active' : ''}`;
    item.dataset.chatId = chat.id;
    const text = document.createElement('div');
    text.className = 'chat-text';
    const name = document.createElement('div');
    name.className = 'chat-name';
    name.textContent = chat.title;
    const last = document.createElement('div');
    last.className = 'chat-last';
    last.textContent = chat.last ? plainText(chat.last) : '';
    text.append(name, last);
    item.append(avatar(chat.title, chat.id), text);
    const unread = chat.count - (state.seen[chat.id] || 0);
    if (chat.id !== state.chatId && unread > 0) {
      const badge = document.createElement('span');
      badge.className = 'badge';
      badge.textContent = unread;
      item.append(badge);
    }
    item.addEventListener('click', () => openChat(chat.id));
    return item;
  }));
}

// ---- The conversation.

function fileNode(message) {
  if (message.kind === 'photo') {
    const image = document.createElement('img');
    image.src = message.file.url;
    image.alt = t('photo');
    return image;
  }
  const link = document.createElement('a');
  link.className = 'file';
  link.href = message.file.url;
  link.target = '_blank';
  link.textContent = `📄 ${message.file.name || t('document')}`;
  return link;
}

function keyboard(message) {
  const rows = document.createElement('div');
  rows.className = 'keyboard';
  for (const buttons of message.buttons) {
    const row = document.createElement('div');
    row.className = 'row';
    for (const button of buttons) {
      let node;
      if (button.callback_data !== undefined) {
        node = document.createElement('button');
        node.type = 'button';
        node.addEventListener('click', () => tap(message.message_id, button.callback_data));
      } else {
        node = document.createElement('a');
        const href = safeHref(button.url);
        if (href) node.href = href;
        node.target = '_blank';
      }
      node.textContent = button.text;
      row.append(node);
    }
    rows.append(row);
  }
  return rows;
}

function messageNode(message) {
  const item = document.createElement('li');
  if (message.kind === 'service') {
    item.className = 'service';
    item.textContent = message.text;
    return item;
  }
  const mine = message.from && message.from.id === me();
  item.className = `message${mine ? ' mine' : ''}`;
  item.dataset.key = message.key;
  const bubble = document.createElement('div');
  bubble.className = 'bubble';
  if (!mine) {
    const sender = document.createElement('div');
    sender.className = `sender${message.from ? '' : ' bot'}`;
    sender.textContent = message.from ? message.from.name : `📢 ${t('bot')}`;
    bubble.append(sender);
  }
  if (message.pinned) {
    const pin = document.createElement('div');
    pin.className = 'pin';
    pin.textContent = t('pinned');
    bubble.append(pin);
  }
  if (message.file) bubble.append(fileNode(message));
  if (message.location) bubble.append(`📍 ${message.location[0]}, ${message.location[1]}`);
  const text = document.createElement('div');
  text.className = 'text';
  text.append(formatted(message));
  bubble.append(text);
  item.append(bubble);
  if (Array.isArray(message.buttons) && message.buttons.length) item.append(keyboard(message));
  return item;
}

function renderConversation(view) {
  // Rebuilt only when something changed: a button being pressed must stay where it is.
  const rendered = JSON.stringify([state.chatId, me(), state.lang, view.messages]);
  if (rendered !== state.rendered) {
    const list = $('messages');
    const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
    const hint = document.createElement('li');
    hint.className = 'hint';
    hint.textContent = t(hintFor(currentChat()));
    list.replaceChildren(hint, ...view.messages.map(messageNode));
    if (nearBottom || state.renderedChat !== state.chatId) list.scrollTop = list.scrollHeight;
    state.rendered = rendered;
    state.renderedChat = state.chatId;
  }
  for (const notice of view.notices) {
    if (!state.notices.has(notice.id)) {
      state.notices.add(notice.id);
      showToast(notice.text);
    }
  }
}

function hintFor(chat) {
  if (chat.kind === 'group') return 'hintGroup';
  return chat.owner === OFFICIAL_ID ? 'hintPrivateOfficial' : 'hintPrivate';
}

function renderHead() {
  const chat = currentChat();
  if (!chat) return;
  $('chat-title').textContent = chat.title;
  $('chat-subtitle').textContent = chat.kind === 'group' ? t('group') : t('privateChat');
  const who = $('who');
  who.replaceChildren(...state.people.map((someone) => {
    const option = document.createElement('option');
    option.value = someone.id;
    option.textContent = `${someone.name} · ${someone.role}`;
    return option;
  }));
  who.value = me();
  who.disabled = Boolean(chat.owner);
  const shortcuts = chat.kind === 'group' ? SHORTCUTS.group : chat.owner === OFFICIAL_ID ? SHORTCUTS.official : SHORTCUTS.private;
  $('shortcuts').replaceChildren(...shortcuts.map((command) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = command;
    button.addEventListener('click', () => say(command));
    return button;
  }));
}

let toastTimer = null;
function showToast(text) {
  const toast = $('toast');
  toast.textContent = text;
  toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { toast.hidden = true; }, 3500);
}

// ---- The panel.

function count(kind, value) {
  const box = document.createElement('div');
  box.className = `count ${kind}`;
  const number = document.createElement('strong');
  number.textContent = value;
  const label = document.createElement('span');
  label.textContent = t(kind);
  box.append(number, label);
  return box;
}

function renderReport(report) {
  const panel = $('report');
  if (!report) {
    const empty = document.createElement('p');
    empty.className = 'empty';
    empty.textContent = t('noReport');
    panel.replaceChildren(empty);
    return;
  }
  const title = document.createElement('div');
  title.className = 'report-title';
  title.textContent = `${t('announcement')} #${report.id} · ${report.topic}`;
  const counts = document.createElement('div');
  counts.className = 'counts';
  counts.append(count('delivered', report.delivered), count('pending', report.pending), count('failed', report.failed.length));
  const progress = document.createElement('div');
  progress.className = 'progress';
  const bar = document.createElement('div');
  bar.style.width = `${report.total ? (100 * report.delivered) / report.total : 0}%`;
  progress.append(bar);
  const status = document.createElement('div');
  status.className = 'report-state';
  status.textContent = `${report.delivered}/${report.total} · ${report.recalled ? t('recalled') : report.finished ? t('finished') : t('sending')}`;
  const failures = document.createElement('ul');
  failures.className = 'failures';
  failures.replaceChildren(...report.failed.map((failure) => {
    const line = document.createElement('li');
    line.textContent = `${failure.title}: ${failure.reason}`;
    return line;
  }));
  panel.replaceChildren(title, counts, progress, status, failures);
}

function demoNow() { return new Date(Date.now() + state.clockOffset); }

function formatTime(date, withSeconds) {
  const options = { timeZone: TIMEZONE, weekday: 'short', day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit' };
  if (withSeconds) options.second = '2-digit';
  return new Intl.DateTimeFormat(state.lang === 'vi' ? 'vi-VN' : 'en-GB', options).format(date);
}

function renderClock() {
  $('clock-now').textContent = formatTime(demoNow(), true);
  const next = state.nextReminder;
  const gist = next && next.text.length > 90 ? `${next.text.slice(0, 90)}…` : next && next.text;
  $('clock-next').textContent = next ? `${t('nextReminder')}: ${formatTime(new Date(next.at), false)} — ${gist}` : t('noReminder');
  $('skip').disabled = !next;
}

function applyClock(clock) {
  state.clockOffset = clock.offset_ms;
  state.nextReminder = clock.next;
  renderClock();
}

// ---- Reading and acting.

async function refresh() {
  const [ward, view, report, clock] = await Promise.all([
    api('/api/ward'), api(`/api/chats/${state.chatId}`), api('/api/report'), api('/api/clock'),
  ]);
  state.people = ward.people;
  state.chats = ward.chats;
  const chat = currentChat();
  if (chat) state.seen[chat.id] = chat.count;
  renderChats();
  renderHead();
  renderConversation(view);
  renderReport(report);
  applyClock(clock);
  return !report || report.finished;
}

// Many changes arrive together (a broadcast to many chats): read once for all of them, and once
// more if something changed while reading.
const refreshing = { timer: null, running: false, again: false };
function scheduleRefresh(delay = 80) {
  if (refreshing.running) { refreshing.again = true; return; }
  if (refreshing.timer) return;
  refreshing.timer = setTimeout(async () => {
    refreshing.timer = null;
    refreshing.running = true;
    let settled = true;
    try { settled = await refresh(); } catch (error) { console.error(error); }
    refreshing.running = false;
    // The outbox records each delivery just after the Bot API answered it: look again until done.
    if (refreshing.again || !settled) {
      refreshing.again = false;
      scheduleRefresh(settled ? 80 : 700);
    }
  }, delay);
}

async function act(action) {
  try { await action(); } catch (error) { showToast(`${t('sendFailed')}: ${error.message}`); }
  scheduleRefresh(0);
}

function say(text) {
  return act(() => postJson(`/api/chats/${state.chatId}/messages`, { from: me(), text }));
}

function tap(messageId, data) {
  return act(() => postJson(`/api/chats/${state.chatId}/taps`, { from: me(), message_id: messageId, data }));
}

function sendFile(file, caption) {
  const form = new FormData();
  form.append('from', me());
  form.append('caption', caption);
  form.append('file', file);
  return act(() => api(`/api/chats/${state.chatId}/files`, { method: 'POST', body: form }));
}

function openChat(id) {
  state.chatId = id;
  scheduleRefresh(0);
}

function applyLanguage() {
  document.documentElement.lang = state.lang;
  for (const node of document.querySelectorAll('[data-text]')) node.textContent = t(node.dataset.text);
  for (const node of document.querySelectorAll('[data-title]')) node.title = t(node.dataset.title);
  $('text').placeholder = t('placeholder');
  $('lang').textContent = state.lang === 'vi' ? 'EN' : 'VI';
}

function start() {
  applyLanguage();
  $('composer').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = $('text');
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    say(text);
  });
  $('file').addEventListener('change', (event) => {
    const [file] = event.target.files;
    if (!file) return;
    const input = $('text');
    sendFile(file, input.value.trim());
    input.value = '';
    event.target.value = '';
  });
  $('who').addEventListener('change', (event) => {
    state.groupMe = Number(event.target.value);
    scheduleRefresh(0);
  });
  $('skip').addEventListener('click', () => act(async () => applyClock(await api('/api/clock/skip', { method: 'POST' }))));
  $('lang').addEventListener('click', () => {
    state.lang = state.lang === 'vi' ? 'en' : 'vi';
    localStorage.setItem('loa-demo-lang', state.lang);
    applyLanguage();
    scheduleRefresh(0);
  });
  new EventSource('/api/events').addEventListener('changed', () => scheduleRefresh());
  setInterval(renderClock, 1000);
  scheduleRefresh(0);
}

start();
