// Unwraps bookings' file keys for the inbox (crates/inbox/src/unwrap_workers.rs).
// A browser runs a page's WebCrypto calls one after the other on one thread;
// each worker's calls run on a thread of their own, so a few workers open a
// day of bookings in a fraction of the time. A key arrives once, as a
// non-extractable CryptoKey, ahead of the first request for its kid or with
// it, and is kept for the next ones: a key cloned into every request made the
// browser import it again for each unwrap. The page ends its workers when it
// leaves the inbox.
// Protocol (the page asks for this file with a hash of it in the URL, so a
// page and a cached older script never meet):
//   in:  { id, kid, key?, wrapped, label }   key: when this worker was not
//        handed the page's current key for that kid
//   in:  { kid, key }   a key handed ahead of its first request (a listing is
//        on its way): kept, not answered
//   out: { id, fileKey }, or { id, failed: true } when the key does not open it
//        (that booking is damaged), or { unreadable: true } for anything else
//        (this worker cannot do the work: the page stops using its workers).
'use strict';
const keys = new Map();
onmessage = async ({ data }) => {
  const id = data && data.id;
  try {
    const { kid, key, wrapped, label } = data;
    // Kept before the first await: the next request for this kid may come without it.
    if (key) keys.set(kid, key);
    if (id === undefined && key) return;
    const held = keys.get(kid);
    if (!held) throw new Error('no key for ' + kid);
    const fileKey = await crypto.subtle.decrypt({ name: 'RSA-OAEP', label }, held, wrapped);
    postMessage({ id, fileKey }, [fileKey]);
  } catch (error) {
    if (error && error.name === 'OperationError') postMessage({ id, failed: true });
    else postMessage({ unreadable: true });
  }
};
onmessageerror = () => postMessage({ unreadable: true });
