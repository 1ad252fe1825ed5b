// Postmortem Lab's service worker: after the first visit the whole site works with no network.
//
// scripts/service-worker.sh (a trunk post-build hook) writes this file into the build with
// VERSION, a hash of every file of the build, and FILES, the list of them. A new build therefore
// has a new worker: the browser installs it on the next visit, it caches the new build, takes over
// and drops the old cache. Nothing here talks to any other origin.
const VERSION = '__VERSION__';
const FILES = __FILES__;
// Cache Storage is shared by the whole origin: the scope keeps two copies of the site on one host
// (say a course's and a preview) apart.
const PREFIX = `postmortem-lab:${new URL(self.registration.scope).pathname}:`;
const CACHE = PREFIX + VERSION;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(CACHE)
      // From the server, not the browser's HTTP cache, which may still hold the last build's page.
      .then((cache) => cache.addAll(['./', ...FILES].map((f) => new Request(f, { cache: 'reload' }))))
      .then(() => self.skipWaiting()),
  );
});

// The previous build's cache stays one version longer: a tab still showing that build loads its
// files (the simulation worker's script, on the first run) from it. Older ones go.
self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => {
        const ours = keys.filter((k) => k.startsWith(PREFIX) && k !== CACHE); // oldest first
        return Promise.all(ours.slice(0, -1).map((k) => caches.delete(k)));
      })
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
  // Every other file belongs to one build (most carry a content hash in their name): this build's
  // cache first, then the previous build's, then the network.
  event.respondWith(
    caches.match(request, { cacheName: CACHE, ignoreSearch: true })
      .then((hit) => hit || caches.keys().then((keys) => {
        const previous = keys.filter((k) => k.startsWith(PREFIX) && k !== CACHE).pop();
        return previous && caches.match(request, { cacheName: previous, ignoreSearch: true });
      }))
      .then((hit) => hit || fetch(request)),
  );
});
