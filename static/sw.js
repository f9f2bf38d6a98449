// Velai's service worker: keeps the app shell, task pictures and saved batches
// so a phone that loses its signal can go on working. Answers are not handled
// here: app.js keeps them and sends them when the signal returns.
var SHELL_FILES = __SHELL__, CACHE = 'velai';

function keep(request, response) {
  var copy = response.clone();
  caches.open(CACHE).then(function (c) { c.put(request, copy); });
  return response;
}

self.addEventListener('install', function (e) {
  e.waitUntil(caches.open(CACHE).then(function (c) { return c.addAll(SHELL_FILES); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (e) {  // drop assets of older releases
  e.waitUntil(caches.open(CACHE).then(function (c) {
    return c.keys().then(function (keys) {
      return Promise.all(keys.filter(function (r) {
        var path = new URL(r.url).pathname;
        return path.indexOf('/static/') == 0 && SHELL_FILES.indexOf(path) < 0;
      }).map(function (r) { return c.delete(r); }));
    });
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener('fetch', function (e) {
  var r = e.request, path = new URL(r.url).pathname;
  if (r.method != 'GET') return;
  if (/^\/(static|media)\//.test(path)) {  // never change under one name: cache first
    e.respondWith(caches.match(r).then(function (hit) {
      return hit || fetch(r).then(function (res) { return res.ok ? keep(r, res) : res; });
    }));
  } else if (r.mode == 'navigate') {  // network first; without signal a saved copy
    e.respondWith(fetch(r).then(function (res) {
      return res.ok && /^\/(home|tasks\/[^/]+\/batch)$/.test(path) ? keep(r, res) : res;
    }).catch(function () {
      return caches.match(r).then(function (hit) { return hit || caches.match('/offline'); });
    }));
  }
});
