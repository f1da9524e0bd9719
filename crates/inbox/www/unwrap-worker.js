// Unwraps bookings' file keys for the inbox (crates/inbox/src/unwrap_workers.rs).
// A browser runs a page's WebCrypto calls one after the other on one thread;
// each worker's calls run on a thread of their own, so a few workers open a
// day of bookings in a fraction of the time. The key arrives as a
// non-extractable CryptoKey with each request and is not kept here.
// Protocol (keep it stable: this file is revalidated, not renamed per build):
//   in:  { id, key, wrapped, label }
//   out: { id, fileKey }, or { id, failed: true } when the key does not open it
//        (that booking is damaged), or { unreadable: true } for anything else
//        (this worker cannot do the work: the page stops using its workers).
'use strict';
onmessage = async ({ data }) => {
  const id = data && data.id;
  try {
    const { key, wrapped, label } = data;
    const fileKey = await crypto.subtle.decrypt({ name: 'RSA-OAEP', label }, key, wrapped);
    postMessage({ id, fileKey }, [fileKey]);
  } catch (error) {
    if (error && error.name === 'OperationError') postMessage({ id, failed: true });
    else postMessage({ unreadable: true });
  }
};
onmessageerror = () => postMessage({ unreadable: true });
