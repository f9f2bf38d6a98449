// Velai's own script, small on purpose. Pages work without it; htmx swaps the
// cards. This adds what a dropped signal needs: answers kept on the phone and
// sent when the signal returns (the server records each once), offline batches,
// seconds spent per task, and the service worker. Answers the server acknowledged stay
// too, with its receipt, until it says they have reached the backup copy (the replica):
// if the server's machine is lost, they are sent again and stored (core/receipts.py).
(function () {
  // Answers wait under her own id: on a shared phone the next person's session must
  // neither send them (the server would refuse them as not hers) nor drop them. Each is
  // kept encrypted (AES-GCM) under a key that only her own pages carry (#queue data-key):
  // after logout no page on the phone has it, so nobody else can read what she typed.
  var d = document, ls = localStorage, me = d.getElementById('queue');
  var Q = 'velai.queue.' + (me ? me.dataset.user : ''), DONE = 'velai.done';
  var shown = Date.now(), lastBtn = null, timer = null, busy = false;
  var S = window.crypto && crypto.subtle, key, q = [], seq = 0, G = {name: 'AES-GCM'};
  // B: when the server started, as it last said; sent: her last answer sent with htmx.
  var B = +ls.getItem('velai.boot') || 0, sent = null;

  function load(k) { try { return JSON.parse(ls.getItem(k)) || []; } catch (e) { return []; } }
  function save(k, v) { ls.setItem(k, JSON.stringify(v.slice(-500))); }
  function hex(s) {
    return new Uint8Array(s.match(/../g).map(function (h) { return parseInt(h, 16); }));
  }
  function unhex(b) {
    return [].map.call(new Uint8Array(b), function (x) {
      return (x | 256).toString(16).slice(1);
    }).join('');
  }
  function seal(x) {  // {id, iv, c}: only the assignment id stays readable
    if (!key || x.c) return Promise.resolve(x);
    G.iv = crypto.getRandomValues(new Uint8Array(12));
    var iv = unhex(G.iv);
    return S.encrypt(G, key, new TextEncoder().encode(JSON.stringify(x)))
      .then(function (c) { return {id: x.id, iv: iv, c: unhex(c)}; });
  }
  function unseal(x) {  // one it cannot open stays as it is, unsent, never dropped
    if (!key || !x.c) return x;
    G.iv = hex(x.iv);
    return S.decrypt(G, key, hex(x.c)).then(function (b) {
      return JSON.parse(new TextDecoder().decode(b));
    }, function () { return x; });
  }
  function persist() {
    var n = ++seq;
    return Promise.all(q.map(seal)).then(function (list) { if (n == seq) save(Q, list); });
  }
  var ready = (me && S && me.dataset.key ? S.importKey('raw', hex(me.dataset.key), G, false,
    ['encrypt', 'decrypt']) : Promise.resolve()).then(function (k) {
    key = k;
    return Promise.all(load(Q).map(unseal));
  }).then(function (list) { q = list; }, function () { q = load(Q); });
  function token() { return JSON.parse(d.body.getAttribute('hx-headers'))['X-CSRFToken']; }
  function queueNote(extra) {
    if (!me) return;
    var ids = unsent(), n = ids.length, un = d.querySelector('.unsent'), nums = [];
    var text = n ? (n == 1 ? me.dataset.one : me.dataset.many).replace('#', n) : '';
    me.textContent = [extra, text].filter(Boolean).join(' ');
    me.hidden = !me.textContent;
    if (!un) return;  // a batch page: which of its tasks have answers still on the phone
    d.querySelectorAll('.batch [data-id]').forEach(function (card, i) {
      if (ids.indexOf(+card.dataset.id) >= 0) nums.push(i + 1);
    });
    un.textContent = un.dataset.text.replace('#', nums.join(', '));
    un.hidden = !nums.length;
  }
  function unsent() {
    return q.filter(function (x) { return !x.k; }).map(function (x) { return x.id; });
  }
  function item(form, button) {
    var data = new FormData(form), it = {
      id: +form.action.match(/\/(\d+)(\/skip)?$/)[1],
      seconds: Math.round((Date.now() - shown) / 1000)
    };
    if (button && button.form == form && button.name) data.set(button.name, button.value);
    if (data.has('reason')) it.reason = data.get('reason'); else it.answer = data.get('answer');
    return it;
  }
  function keep(it) {
    save(DONE, load(DONE).concat([it.id]));
    function add() {  // after what came before, even if that failed
      q = q.filter(function (x) { return x.id != it.id || x.k; }).concat([it]);
      queueNote();
      return persist();
    }
    ready = ready.then(add, add).then(sync);
  }
  // A receipt's answer is forgotten once the server, since its start (b), saw it at or
  // before s: in the replica by then. One seen before its start is sent again.
  function mark(b, s) {
    B = b;
    ls.setItem('velai.boot', b);
    q = q.filter(function (x) { return !(x.k && x.seen >= b && x.seen <= s); });
    return persist().then(function () {
      if (q.some(function (x) { return x.k && x.seen < b; })) sync();
    });
  }
  function sync() {
    var items = q.filter(function (x) { return !x.c && (!x.k || x.seen < B); }).slice(0, 200);
    clearTimeout(timer);
    if (!items.length || busy) return;
    busy = true;
    fetch('/answers/sync', {
      method: 'POST', credentials: 'same-origin', body: JSON.stringify({items: items}),
      headers: {'Content-Type': 'application/json', 'X-CSRFToken': token()}
    }).then(function (r) {
      if (!r.ok) throw r;
      return r.json();
    }).then(function (body) {
      q = q.filter(function (x) { return items.indexOf(x) < 0; }).concat(
        // Answers stored: kept with their receipts.
        body.results.map(function (x, i) {
          return x.k && {id: x.k.a, answer: items[i].answer, seconds: items[i].seconds,
                         k: x.k, seen: x.seen};
        }).filter(Boolean));
      queueNote(body.results.filter(function (x) { return x.message; })
        .map(function (x) { return x.message; }).join(' '));
      var retry = body.results.filter(function (x) { return x.retry; })
        .map(function (x) { return x.id; }), today = d.querySelector('.today');
      if (retry.length && batch) {  // a refused answer: its card comes back to mend
        save(DONE, load(DONE).filter(function (id) { return retry.indexOf(id) < 0; }));
        nextCard(batch);
      }
      if (today) today.outerHTML = body.today;
      return mark(body.b, body.s).then(function () {
        if (d.querySelector('#task.offline')) location.reload();
      });
    }).catch(function () {}).then(function () {
      busy = false;
      if (q.some(function (x) { return !x.k || x.seen < B; })) timer = setTimeout(sync, 15000);
    });
  }
  function nextCard(batch) {
    var done = load(DONE), found = null, at = 0, note = d.querySelector('.progress');
    batch.querySelectorAll('[data-id]').forEach(function (card, i) {
      var open = !found && done.indexOf(+card.dataset.id) < 0;
      card.hidden = !open;
      if (open) { found = card; at = i + 1; }
    });
    batch.querySelector('.batch-done').hidden = !!found;
    note.textContent = found ? note.dataset.text.replace('#', at) : '';
    shown = Date.now();  // her time on the task starts when it shows
    return found;
  }
  function failed(e) {
    var form = e.detail.elt, card = d.getElementById('task');
    if (!form.action || !card) return;
    keep(item(form, lastBtn));
    card.className += ' offline';
    var note = d.createElement('p');  // her answer is safe: a note, not an error
    note.className = 'note';
    note.textContent = me.dataset.offline;
    [].slice.call(card.children).forEach(function (el) {  // keep the title and today's count
      if (el.tagName != 'H1' && el.className != 'today') card.removeChild(el);
    });
    card.firstElementChild.after(note);
  }

  d.addEventListener('click', function (e) { lastBtn = e.target.closest('button'); }, true);
  d.addEventListener('submit', function (e) {
    var batch = e.target.closest('.batch'), ids = unsent();
    if (me && e.target.keep) {  // logout, give back: unsent answers keep their tasks
      if (ids.length && !confirm(me.textContent + ' ' + me.dataset.leave)) e.preventDefault();
      e.target.keep.value = ids;
    }
    if (!batch) return;
    e.preventDefault();
    keep(item(e.target, e.submitter || lastBtn));
    (nextCard(batch) || batch).scrollIntoView();  // the next task's answers in view
  });
  d.addEventListener('htmx:configRequest', function (e) {
    var p = e.detail.parameters, m = e.detail.path.match(/^\/answers\/(\d+)$/);
    p.seconds = Math.round((Date.now() - shown) / 1000);
    sent = m && {id: +m[1], answer: p.answer, seconds: +p.seconds};
  });
  // The server stored her answer: keep it with its receipt (views/work.py, HX-Trigger).
  d.addEventListener('velai:kept', function (e) {
    var k = e.detail, it = sent;
    if (!it || it.id != k.a) return;
    function add() {
      q = q.filter(function (x) { return x.k ? x.k.t != k.t : x.id != it.id; }).concat([{
        id: k.a, answer: it.answer, seconds: it.seconds, seen: k.at,
        k: {a: k.a, t: k.t, at: k.at, r: k.r}}]);
      return mark(k.b, k.s);
    }
    ready = ready.then(add, add);
  });
  d.addEventListener('htmx:afterSettle', function () { shown = Date.now(); queueNote(); });
  d.addEventListener('htmx:responseError', function () {  // the card stays; she taps again
    queueNote(me.dataset.failed);
  });
  d.addEventListener('htmx:sendError', failed);
  d.addEventListener('htmx:timeout', failed);
  addEventListener('online', sync);

  var batch = d.querySelector('.batch');
  if (batch) {
    nextCard(batch);
    // A saved batch's clips: fetched now, so the service worker keeps them for no
    // signal (the player itself asks only when she taps play).
    batch.querySelectorAll('audio').forEach(function (a) { fetch(a.src); });
  }
  ready.then(function () { queueNote(); sync(); });
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/sw.js');
    if (!me && window.caches) {  // nobody's pages: on a shared phone, hers go at logout
      caches.open('velai').then(function (c) {
        return c.keys().then(function (keys) {
          return Promise.all(keys.filter(function (r) {
            return !/^\/(static\/|offline$)/.test(new URL(r.url).pathname);
          }).map(function (r) { return c.delete(r); }));
        });
      });
    }
    // Keep the offline page in her language: only her own pages (those with the queue
    // note) save it, so a copy fetched by the login page in the phone's language never
    // lands over hers.
    var lang = d.documentElement.lang;
    if (me && ls.getItem('velai.lang') != lang && window.caches) {
      caches.open('velai').then(function (c) { return c.add('/offline'); })
        .then(function () { ls.setItem('velai.lang', lang); }, function () {});
    }
  }
})();
