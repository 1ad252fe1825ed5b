// Postmortem Lab's service worker: after the first visit the whole site works with no network.
//
// scripts/service-worker.sh (a trunk post-build hook) writes this file into the build with
// VERSION, a hash of every file of the build, and FILES, the list of them. A new build therefore
// has a new worker: the browser installs it on the next visit, it caches the new build, takes over
// and drops the old cache. Nothing here talks to any other origin.
const VERSION = '__VERSION__';
const FILES = __FILES__;
const PREFIX = 'postmortem-lab-';
const CACHE = PREFIX + VERSION;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll(['./', ...FILES]))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith(PREFIX) && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  if (request.mode === 'navigate') {
    // The page itself: the network first, so that a new build shows at once; this build's copy
    // when the network is gone.
    event.respondWith(fetch(request).catch(() => caches.match('./', { cacheName: CACHE })));
    return;
  }
  // Every other file belongs to one build (most carry a content hash in their name): the cache
  // first, the network for anything this build does not hold.
  event.respondWith(
    caches.match(request, { cacheName: CACHE, ignoreSearch: true }).then((hit) => hit || fetch(request)),
  );
});
