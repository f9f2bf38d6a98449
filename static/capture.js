// The recorder, the photo scaler and the listener, loaded only on pages of tasks that
// record, take photos or play speech. Messages go to the form's [data-state]; its
// data-sending and data-waiting (or its .recorder's) say what to show meanwhile. A recording is kept on the phone (IndexedDB), encrypted under her own key as
// app.js keeps unsent answers, until the server says it is stored; it goes in 16 KB
// pieces, and after a dropped link it goes on from where the server is (core/uploads.py).
(function () {
  var d = document, PIECE = 16384, me = d.getElementById('queue');
  var S = window.crypto && crypto.subtle, key = null, db = null, rec = null, clip = null;
  var user = me ? me.dataset.user : '', busy = false;

  function $(el, sel) { return el.querySelector(sel); }
  function show(el, on) { if (el) el.hidden = !on; }
  function token() { return JSON.parse(d.body.getAttribute('hx-headers'))['X-CSRFToken']; }
  function hex(s) {
    return new Uint8Array(s.match(/../g).map(function (h) { return parseInt(h, 16); }));
  }
  var keyReady = me && S && me.dataset.key ? S.importKey('raw', hex(me.dataset.key),
    'AES-GCM', false, ['encrypt', 'decrypt']).then(function (k) { key = k; }, function () {})
    : Promise.resolve();
  function store(mode, fn) {
    return new Promise(function (ok, no) {
      function go() {
        var t = db.transaction('rec', mode), r = fn(t.objectStore('rec'));
        t.oncomplete = function () { ok(r && r.result); };
        t.onerror = no;
      }
      if (db) return go();
      var open = indexedDB.open('velai', 1);
      open.onupgradeneeded = function () { open.result.createObjectStore('rec', {keyPath: 'id'}); };
      open.onsuccess = function () { db = open.result; go(); };
      open.onerror = no;
    });
  }
  function seal(buf) {  // {iv, c}: nobody else on a shared phone can play it
    if (!key) return Promise.resolve({c: buf});
    var iv = crypto.getRandomValues(new Uint8Array(12));
    return S.encrypt({name: 'AES-GCM', iv: iv}, key, buf).then(function (c) {
      return {iv: iv, c: c};
    });
  }
  function unseal(x) {
    return x.iv ? S.decrypt({name: 'AES-GCM', iv: x.iv}, key, x.c) : Promise.resolve(x.c);
  }
  function say(form, text) { var p = form && $(form, '[data-state]'); if (p) p.textContent = text; }
  function ask(method, url, body) {
    return fetch(url, {method: method, body: body, credentials: 'same-origin',
                       headers: {'X-CSRFToken': token()}}).then(function (r) {
      return r.json().then(function (j) { j.status = r.status; return j; });
    });
  }
  // Send one kept recording; resolves true when stored (or refused for good).
  function send(x, buf) {
    var form = d.querySelector('form[action="/answers/' + x.id + '"]'), box = form && ($(form, '.recorder') || form);
    var f = new FormData();
    f.append('size', buf.byteLength);
    f.append('type', x.t);
    if (box && box.dataset.sending) say(form, box.dataset.sending);
    function step(s) {
      if (s.status != 200) {  // refused: what she sent cannot be taken, she records again
        if (form) { say(form, s.message); show($(form, '[data-act=again]'), true); }
        return true;
      }
      if (s.done) {
        if (s.next && form && window.htmx) htmx.ajax('GET', s.next, {target: '#task', swap: 'outerHTML'});
        return true;
      }
      return ask('POST', '/uploads/' + s.key + '?offset=' + s.offset,
                 buf.slice(s.offset, s.offset + PIECE)).then(step);
    }
    return ask('POST', '/answers/' + x.id + '/upload', f).then(step);
  }
  function flush() {  // every recording of hers still on the phone
    if (busy || !window.indexedDB) return;
    busy = true;
    keyReady.then(function () {
      return store('readonly', function (s) { return s.getAll(); });
    }).then(function (all) {
      return all.filter(function (x) { return x.u == user; }).reduce(function (p, x) {
        return p.then(function () { return unseal(x); }).then(function (buf) {
          return send(x, buf);
        }).then(function (gone) {
          if (gone) return store('readwrite', function (s) { s.delete(x.id); });
        });
      }, Promise.resolve());
    }).catch(function () {  // no signal: the recordings wait; try again soon
      var form = d.querySelector('form[data-capture]'), box = form && ($(form, '.recorder') || form);
      if (box && box.dataset.waiting) say(form, box.dataset.waiting);
      setTimeout(flush, 10000);
    }).then(function () { busy = false; });
  }
  // A photo: scaled on a canvas to the form's data-max-px, then JPEG at falling quality
  // until it fits data-max-bytes; it goes the same way as a recording.
  function photo(form, file) {
    var img = new Image(), max = +form.dataset.maxPx || 1280, limit = +form.dataset.maxBytes || 204800;
    img.onload = function () {
      var k = Math.min(1, max / Math.max(img.width, img.height)), c = d.createElement('canvas'), q = 0.8;
      c.width = Math.round(img.width * k);
      c.height = Math.round(img.height * k);
      c.getContext('2d').drawImage(img, 0, 0, c.width, c.height);
      (function fit() {
        c.toBlob(function (b) {
          if (b.size > limit && q > 0.3) { q -= 0.15; return fit(); }
          clip = b;
          keep(form);
        }, 'image/jpeg', q);
      })();
    };
    img.src = URL.createObjectURL(file);
  }
  function keep(form) {
    var id = +form.action.match(/(\d+)$/)[1];
    show($(form, '[data-act=send]'), false);
    show($(form, '[data-act=again]'), false);
    clip.arrayBuffer().then(function (buf) {
      return keyReady.then(function () { return seal(buf); });
    }).then(function (x) {
      x.id = id; x.u = user; x.t = clip.type;
      return store('readwrite', function (s) { s.put(x); });
    }).then(flush);
  }
  function record(form) {
    var box = $(form, '.recorder'), audio = $(box, 'audio');
    navigator.mediaDevices.getUserMedia({audio: {channelCount: 1}}).then(function (stream) {
      var type = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus'].filter(function (t) {
        return MediaRecorder.isTypeSupported(t);
      })[0], parts = [];
      rec = new MediaRecorder(stream, type ? {mimeType: type, audioBitsPerSecond: 24000} : {});
      rec.ondataavailable = function (e) { parts.push(e.data); };
      rec.onstop = function () {
        stream.getTracks().forEach(function (t) { t.stop(); });
        clip = new Blob(parts, {type: (rec.mimeType || type || 'audio/webm').split(';')[0]});
        audio.src = URL.createObjectURL(clip);
        [audio, $(box, '[data-act=again]'), $(box, '[data-act=send]')].forEach(function (el) { show(el, true); });
        show($(box, '[data-act=stop]'), false);
        say(form, '');
      };
      rec.start();
      setTimeout(function () { if (rec.state == 'recording') rec.stop(); }, box.dataset.max * 1000);
      show($(box, '[data-act=rec]'), false);
      show($(box, '[data-act=again]'), false);
      show($(box, '[data-act=send]'), false);
      show(audio, false);
      show($(box, '[data-act=stop]'), true);
      say(form, box.dataset.recording);
    }, function () { noMic(form); });
  }
  function noMic(form) {
    var box = $(form, '.recorder');
    show(box, false);
    show($(form, '.no-recorder'), true);
    $(form, '[data-why]').textContent = box.dataset.nomic;
  }
  function init() {
    d.querySelectorAll('form[data-capture=audio]').forEach(function (form) {
      if (!navigator.mediaDevices || !window.MediaRecorder) return noMic(form);
      show($(form, '.recorder'), true);
      show($(form, '.no-recorder'), false);
    });
    d.querySelectorAll('.listen-buttons').forEach(function (p) { show(p, true); });
    flush();
  }
  d.addEventListener('click', function (e) {
    var b = e.target.closest('[data-act]'), form = b && b.closest('form');
    if (!b) return;
    var act = b.dataset.act, audio = d.querySelector('audio.listen');
    if (act == 'replay' && audio) { audio.currentTime = 0; audio.play(); }
    if (act == 'slow' && audio) {
      var slow = b.getAttribute('aria-pressed') != 'true';
      b.setAttribute('aria-pressed', slow);
      audio.playbackRate = slow ? 0.75 : 1;
    }
    if (act == 'rec' || act == 'again') record(form);
    if (act == 'stop' && rec) rec.stop();
    if (act == 'send' && clip) keep(form);
  });
  d.addEventListener('submit', function (e) {
    var form = e.target, input = form.querySelector('input[type=file]');
    if (form.dataset.capture != 'photo' || !input || !input.files[0] || !window.indexedDB) return;
    e.preventDefault();
    e.stopPropagation();  // htmx must not send the full-size file
    photo(form, input.files[0]);
  }, true);
  d.addEventListener('htmx:load', init);
  window.addEventListener('online', flush);
  if (d.readyState == 'loading') d.addEventListener('DOMContentLoaded', init); else init();
})();
