#!/usr/bin/env python3
"""Independent check of the Sealbook envelope v1 known-answer vectors.

Written from docs/ENVELOPE.md, not from the Rust code. It uses only the Python
standard library and the `cryptography` package, and does by hand everything the
spec defines (framing, header JSON, padding, the deterministic test RNG, OAEP
encoding with a given seed, raw RSA).

For every vector in v1.json it opens the envelope with every one of its keys,
checks the key ids, the commitment and the padding, compares the plaintext,
re-seals the booking with the test RNG and compares the bytes, and checks that
single-byte changes, truncations, header edits and wrong keys are all refused with
the one "cannot open" error. v1-visitor.json gets the same treatment with the
manage secret, and v1-contact-card.json with the courier key and the cancel token.

Usage: python3 tests/vectors/check_vectors.py [tests/vectors]
Exit status 0 and a one-line summary on success; 1 and a message on any mismatch.
"""

import base64
import hashlib
import hmac
import json
import os
import re
import struct
import sys

try:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF
except ImportError:  # pragma: no cover - environment problem, not a vector problem
    sys.exit(
        "check_vectors: the `cryptography` package is missing "
        "(python3 -m venv .tools/venv && .tools/venv/bin/pip install cryptography)"
    )

# --- constants of the format (docs/ENVELOPE.md) ------------------------------------

MAGIC = b"SBK\x01"
SUITE = "RSA-OAEP-256+HKDF-SHA256+A256GCM"
MAX_HEADER_LEN = 16 * 1024
MAX_PLAINTEXT_LEN = 256 * 1024
MIN_RSA_BITS = 3072
OAEP_LABEL = b"sealbook/v1"
FILE_KEY_LEN = 32
NONCE_LEN = 12
COMMIT_LEN = 32
TAG_LEN = 16
MIN_PADDED_LEN = 1024
HEADER_KEYS = ["v", "suite", "business", "kind", "iat", "recipients", "nonce", "commit"]
STANZA_KEYS = ["kid", "wk"]
KINDS = ("booking", "visitor-copy", "contact-card")
# Kinds whose file key is wrapped to RSA recipients (at least one stanza).
WRAPPED_KINDS = ("booking", "contact-card")

INFO_PAYLOAD = b"sealbook/v1 payload"
INFO_COMMIT = b"sealbook/v1 commit"
INFO_VISITOR = b"sealbook/v1 visitor"
INFO_CANCEL = b"sealbook/v1 cancel token"
INFO_TOKEN = b"sealbook/v1 manage token"
TEST_RNG_PREFIX = b"sealbook/v1 test rng\x00"

BOOKING_FIELDS = {
    "name", "private_key_pem", "public_key_pem", "kid", "iat", "business",
    "kind", "plaintext", "envelope", "extra_recipients",
}
BOOKING_REQUIRED = BOOKING_FIELDS - {"extra_recipients"}
EXTRA_FIELDS = {"private_key_pem", "public_key_pem", "kid"}
VISITOR_FIELDS = {
    "name", "manage_secret", "manage_token", "manage_token_hash", "iat",
    "business", "kind", "plaintext", "envelope",
}
CONTACT_CARD_FIELDS = {
    "name", "private_key_pem", "public_key_pem", "kid", "manage_secret", "cancel_token",
    "cancel_token_hash", "iat", "business", "kind", "plaintext", "envelope",
}


class CannotOpen(Exception):
    """The one uniform error of opening (docs/ENVELOPE.md: no oracle)."""


class Mismatch(Exception):
    """A vector does not agree with this implementation."""


def expect(condition, message):
    if not condition:
        raise Mismatch(message)


# --- encodings ------------------------------------------------------------------

_B64URL = re.compile(r"[A-Za-z0-9_-]*")


def b64url_encode(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text):
    """Canonical base64url without padding; None for anything else."""
    if not isinstance(text, str) or not _B64URL.fullmatch(text) or len(text) % 4 == 1:
        return None
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if b64url_encode(data) != text:  # non-zero trailing bits
        return None
    return data


def b64url_decode_len(text, length):
    data = b64url_decode(text)
    return data if data is not None and len(data) == length else None


def header_json(header):
    """The canonical header bytes: compact, spec key order, raw UTF-8."""
    ordered = {key: header[key] for key in HEADER_KEYS}
    ordered["recipients"] = [
        {key: stanza[key] for key in STANZA_KEYS} for stanza in header["recipients"]
    ]
    return json.dumps(ordered, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# --- primitives -------------------------------------------------------------------


def hkdf_sha256(ikm, salt, info, length=32):
    """HKDF-SHA256[salt, info](ikm, length), RFC 5869."""
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(ikm)


def kid_of(public_key):
    spki = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return "sha256:" + b64url_encode(hashlib.sha256(spki).digest())


def padded_len(length):
    needed = 4 + length
    size = 1
    while size < needed:
        size <<= 1
    return max(MIN_PADDED_LEN, size)


def is_padded_len(length):
    return length >= MIN_PADDED_LEN and length & (length - 1) == 0


def pad(plaintext):
    out = struct.pack(">I", len(plaintext)) + plaintext
    return out + bytes(padded_len(len(plaintext)) - len(out))


def unpad(padded):
    if len(padded) < 4:
        raise CannotOpen
    (length,) = struct.unpack(">I", padded[:4])
    end = 4 + length
    if end > len(padded) or len(padded) != padded_len(length):
        raise CannotOpen
    if any(padded[end:]):
        raise CannotOpen
    return padded[4:end]


def oaep():
    return padding.OAEP(
        mgf=padding.MGF1(algorithm=hashes.SHA256()),
        algorithm=hashes.SHA256(),
        label=OAEP_LABEL,
    )


def modulus_len(public_key):
    return (public_key.public_numbers().n.bit_length() + 7) // 8


def mgf1_sha256(seed, length):
    """MGF1 with SHA-256, RFC 8017 appendix B.2.1."""
    out = b""
    counter = 0
    while len(out) < length:
        out += hashlib.sha256(seed + struct.pack(">I", counter)).digest()
        counter += 1
    return out[:length]


def xor(a, b):
    return bytes(x ^ y for x, y in zip(a, b))


def oaep_encrypt_with_seed(public_key, message, seed, label=OAEP_LABEL):
    """RSAES-OAEP-ENCRYPT (RFC 8017 section 7.1.1), SHA-256 and MGF1-SHA-256,
    with the seed given instead of drawn, then RSAEP as pow(m, e, n)."""
    numbers = public_key.public_numbers()
    k = modulus_len(public_key)
    h_len = 32
    expect(len(seed) == h_len, "an OAEP seed is 32 bytes")
    expect(len(message) <= k - 2 * h_len - 2, "message too long for OAEP")
    l_hash = hashlib.sha256(label).digest()
    ps = bytes(k - len(message) - 2 * h_len - 2)
    db = l_hash + ps + b"\x01" + message
    masked_db = xor(db, mgf1_sha256(seed, k - h_len - 1))
    masked_seed = xor(seed, mgf1_sha256(masked_db, h_len))
    em = b"\x00" + masked_seed + masked_db
    m = int.from_bytes(em, "big")
    c = pow(m, numbers.e, numbers.n)
    return c.to_bytes(k, "big")


class TestRng:
    """block i = SHA-256("sealbook/v1 test rng" || 0x00 || label || u32-BE(i))."""

    def __init__(self, label):
        self.label = label.encode("utf-8")
        self.counter = 0
        self.buffer = b""

    def take(self, n):
        while len(self.buffer) < n:
            self.buffer += hashlib.sha256(
                TEST_RNG_PREFIX + self.label + struct.pack(">I", self.counter)
            ).digest()
            self.counter += 1
        out, self.buffer = self.buffer[:n], self.buffer[n:]
        return out


# --- parsing and opening ------------------------------------------------------------


def _reject_constant(_name):
    raise ValueError("NaN and infinities are not JSON")


def _no_duplicates(pairs):
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError("duplicate key")
    return dict(pairs)


def _is_uint(value, bits):
    return type(value) is int and 0 <= value < (1 << bits)


def _is_str(value):
    # a lone surrogate escape (\ud800) is not a Unicode scalar value
    return isinstance(value, str) and not any(0xD800 <= ord(c) <= 0xDFFF for c in value)


def parse(envelope):
    """Structural checks that need no key (the order of docs/ENVELOPE.md)."""
    if len(envelope) < 8 or envelope[:4] != MAGIC:
        raise CannotOpen
    (header_len,) = struct.unpack(">I", envelope[4:8])
    if header_len > MAX_HEADER_LEN or len(envelope) < 8 + header_len:
        raise CannotOpen
    header_bytes = envelope[8 : 8 + header_len]
    sealed = envelope[8 + header_len :]
    try:
        header = json.loads(
            header_bytes.decode("utf-8"),
            object_pairs_hook=_no_duplicates,
            parse_constant=_reject_constant,
        )
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise CannotOpen from None
    if not isinstance(header, dict) or set(header) != set(HEADER_KEYS):
        raise CannotOpen
    if not _is_uint(header["v"], 32) or not _is_uint(header["iat"], 64):
        raise CannotOpen
    for key in ("suite", "business", "kind", "nonce", "commit"):
        if not _is_str(header[key]):
            raise CannotOpen
    if header["v"] != 1 or header["suite"] != SUITE or header["kind"] not in KINDS:
        raise CannotOpen
    nonce = b64url_decode_len(header["nonce"], NONCE_LEN)
    commit = b64url_decode_len(header["commit"], COMMIT_LEN)
    if nonce is None or commit is None or not isinstance(header["recipients"], list):
        raise CannotOpen
    stanzas = []
    for stanza in header["recipients"]:
        if not isinstance(stanza, dict) or set(stanza) != set(STANZA_KEYS):
            raise CannotOpen
        kid, wk = stanza["kid"], stanza["wk"]
        if not _is_str(kid) or not kid.startswith("sha256:"):
            raise CannotOpen
        if b64url_decode_len(kid[len("sha256:") :], 32) is None:
            raise CannotOpen
        wk_bytes = b64url_decode(wk)
        if wk_bytes is None:
            raise CannotOpen
        stanzas.append((kid, wk_bytes))
    if (header["kind"] in WRAPPED_KINDS) != (len(stanzas) > 0):
        raise CannotOpen
    if len(sealed) < TAG_LEN or not is_padded_len(len(sealed) - TAG_LEN):
        raise CannotOpen
    return header_bytes, header, nonce, commit, stanzas, sealed


def decrypt(file_key, header_bytes, nonce, commit, sealed):
    expected = hkdf_sha256(file_key, nonce, INFO_COMMIT)
    if not hmac.compare_digest(expected, commit):
        raise CannotOpen
    payload_key = hkdf_sha256(file_key, nonce, INFO_PAYLOAD)
    try:
        padded = AESGCM(payload_key).decrypt(nonce, sealed, header_bytes)
    except InvalidTag:
        raise CannotOpen from None
    return unpad(padded)


def unwrap(private_key, wk):
    if len(wk) != modulus_len(private_key.public_key()):
        raise CannotOpen
    try:
        file_key = private_key.decrypt(wk, oaep())
    except ValueError:
        raise CannotOpen from None
    if len(file_key) != FILE_KEY_LEN:
        raise CannotOpen
    return file_key


def open_booking(identities, envelope, kind="booking"):
    """identities: list of (kid, private key). Returns (header, plaintext). A contact
    card opens the same way with kind="contact-card"; each kind refuses the other."""
    header_bytes, header, nonce, commit, stanzas, sealed = parse(envelope)
    if header["kind"] != kind:
        raise CannotOpen
    for kid, wk in stanzas:
        for own_kid, private_key in identities:
            if own_kid != kid:
                continue
            try:
                file_key = unwrap(private_key, wk)
            except CannotOpen:
                continue
            return header, decrypt(file_key, header_bytes, nonce, commit, sealed)
    raise CannotOpen


def open_visitor_copy(secret, envelope):
    header_bytes, header, nonce, commit, _, sealed = parse(envelope)
    if header["kind"] != "visitor-copy":
        raise CannotOpen
    file_key = hkdf_sha256(secret, b"", INFO_VISITOR)
    return header, decrypt(file_key, header_bytes, nonce, commit, sealed)


# --- sealing (for the byte-for-byte comparison) ------------------------------------


def assemble(file_key, nonce, kind, stanzas, business, iat, plaintext):
    expect(len(plaintext) <= MAX_PLAINTEXT_LEN, "plaintext over the limit")
    header = {
        "v": 1,
        "suite": SUITE,
        "business": business,
        "kind": kind,
        "iat": iat,
        "recipients": stanzas,
        "nonce": b64url_encode(nonce),
        "commit": b64url_encode(hkdf_sha256(file_key, nonce, INFO_COMMIT)),
    }
    header_bytes = header_json(header)
    expect(len(header_bytes) <= MAX_HEADER_LEN, "header over the limit")
    payload_key = hkdf_sha256(file_key, nonce, INFO_PAYLOAD)
    sealed = AESGCM(payload_key).encrypt(nonce, pad(plaintext), header_bytes)
    return MAGIC + struct.pack(">I", len(header_bytes)) + header_bytes + sealed


def seal_booking(recipients, business, iat, plaintext, rng, kind="booking"):
    """recipients: list of (kid, public key), in recipient order."""
    file_key = rng.take(FILE_KEY_LEN)
    nonce = rng.take(NONCE_LEN)
    stanzas = [
        {"kid": kid, "wk": b64url_encode(oaep_encrypt_with_seed(key, file_key, rng.take(32)))}
        for kid, key in recipients
    ]
    return assemble(file_key, nonce, kind, stanzas, business, iat, plaintext)


def seal_visitor_copy(secret, business, iat, plaintext, rng):
    nonce = rng.take(NONCE_LEN)
    file_key = hkdf_sha256(secret, b"", INFO_VISITOR)
    return assemble(file_key, nonce, "visitor-copy", [], business, iat, plaintext)


# --- the checks ---------------------------------------------------------------------


def must_fail(what, action):
    try:
        action()
    except CannotOpen:
        return
    raise Mismatch(f"{what} was opened; it must give the uniform 'cannot open' error")


def rebuild_with_header(envelope, edit):
    (header_len,) = struct.unpack(">I", envelope[4:8])
    header = edit(envelope[8 : 8 + header_len])
    return envelope[:4] + struct.pack(">I", len(header)) + header + envelope[8 + header_len :]


def load_keys(name, private_pem, public_pem, kid):
    private_key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    public_key = serialization.load_pem_public_key(public_pem.encode())
    expect(isinstance(private_key, rsa.RSAPrivateKey), f"{name}: private key is not RSA")
    expect(isinstance(public_key, rsa.RSAPublicKey), f"{name}: public key is not RSA")
    expect(
        private_key.public_key().public_numbers() == public_key.public_numbers(),
        f"{name}: public_key_pem is not the public half of private_key_pem",
    )
    expect(public_key.key_size >= MIN_RSA_BITS, f"{name}: RSA key under {MIN_RSA_BITS} bits")
    computed = kid_of(public_key)
    expect(computed == kid, f"{name}: kid {kid} but SHA-256 of the SPKI DER gives {computed}")
    return kid, private_key, public_key


def check_envelope_layout(name, envelope, vector, kind, n_recipients, plaintext):
    header_bytes, header, _, _, stanzas, sealed = parse(envelope)
    expect(header_bytes == header_json(header), f"{name}: header is not in canonical form")
    expect(header["kind"] == kind == vector["kind"], f"{name}: kind mismatch")
    expect(header["business"] == vector["business"], f"{name}: business mismatch")
    expect(header["iat"] == vector["iat"], f"{name}: iat mismatch")
    expect(len(stanzas) == n_recipients, f"{name}: {len(stanzas)} recipients in the header")
    expect(
        len(sealed) == padded_len(len(plaintext)) + TAG_LEN,
        f"{name}: sealed part is {len(sealed)} bytes, "
        f"expected {padded_len(len(plaintext))} + {TAG_LEN}",
    )
    return header


def check_tampering(name, envelope, opener):
    """A flipped bit in every byte position, every truncation, one appended byte and a
    few header edits must all give the uniform error."""
    count = 0
    for position in range(len(envelope)):
        tampered = bytearray(envelope)
        tampered[position] ^= 0x01
        must_fail(f"{name} with byte {position} changed", lambda: opener(bytes(tampered)))
        count += 1
    for length in range(len(envelope)):
        must_fail(f"{name} truncated to {length} bytes", lambda: opener(envelope[:length]))
        count += 1
    must_fail(f"{name} with a byte appended", lambda: opener(envelope + b"\x00"))
    count += 1
    edits = {
        "an unknown suite": lambda h: h.replace(b"+A256GCM", b"+A128GCM"),
        "version 2": lambda h: h.replace(b'{"v":1', b'{"v":2', 1),
        "an extra header field": lambda h: h[:-1] + b',"x":1}',
        "a re-formatted header": lambda h: h.replace(b",", b", ", 1),
        "an oversized header": lambda h: h + b" " * (MAX_HEADER_LEN + 1 - len(h)),
    }
    for what, edit in edits.items():
        must_fail(f"{name} with {what}", lambda: opener(rebuild_with_header(envelope, edit)))
        count += 1
    huge = envelope[:4] + b"\xff\xff\xff\xff" + envelope[8:]
    must_fail(f"{name} with header_len 2^32-1", lambda: opener(huge))
    return count + 1


def check_crafted(name, envelope, file_key, opener):
    """Envelopes re-encrypted with the vector's own file key, so that the AEAD tag is
    valid and only the later checks (commitment, padding, kind) can refuse them."""
    header_bytes, header, nonce, _, _, _ = parse(envelope)
    payload_key = hkdf_sha256(file_key, nonce, INFO_PAYLOAD)

    def build(padded, **changes):
        edited = dict(header, **changes)
        new_header = header_json(edited)
        sealed = AESGCM(payload_key).encrypt(nonce, padded, new_header)
        return MAGIC + struct.pack(">I", len(new_header)) + new_header + sealed

    _, plaintext = opener(envelope)
    expect(build(pad(plaintext)) == envelope, f"{name}: rebuilding from the file key differs")
    for length in (1020, 1021, 2044, 2045):
        body = bytes([0x61]) * length
        _, opened = opener(build(pad(body)))
        expect(opened == body, f"{name}: a {length}-byte plaintext does not round-trip")
    bad_commit = b64url_encode(xor(b64url_decode(header["commit"]), b"\x01" + bytes(31)))
    cases = {
        "a wrong commitment (under a valid tag)": build(pad(plaintext), commit=bad_commit),
        "non-minimal padding": build(pad(plaintext) + bytes(1024)),
        "a non-zero padding byte": build(pad(plaintext)[:-1] + b"\x01"),
        "a length prefix that does not fit": build(
            struct.pack(">I", 1021) + pad(plaintext)[4:]),
        "a length prefix beyond the buffer": build(
            struct.pack(">I", 0xFFFFFFFF) + pad(plaintext)[4:]),
        "a padded buffer under 1024 bytes": build(pad(plaintext)[:512]),
        "a padded buffer that is not a power of two": build(pad(plaintext) + bytes(16)),
        "another kind": build(
            pad(plaintext), kind="visitor-copy" if header["kind"] != "visitor-copy" else "booking"),
    }
    for what, crafted in cases.items():
        must_fail(f"{name} with {what}", lambda: opener(crafted))
    return len(cases)


def check_booking_vectors(path):
    with open(path, encoding="utf-8") as file:
        vectors = json.load(file)
    expect(isinstance(vectors, list) and vectors, f"{path}: expected a non-empty list")
    loaded = []
    for vector in vectors:
        name = vector.get("name", "?")
        expect(
            BOOKING_REQUIRED <= set(vector) <= BOOKING_FIELDS,
            f"{name}: fields {sorted(set(vector))} are not the v1.json fields",
        )
        keys = [load_keys(name, vector["private_key_pem"], vector["public_key_pem"], vector["kid"])]
        for index, extra in enumerate(vector.get("extra_recipients", [])):
            expect(set(extra) == EXTRA_FIELDS, f"{name}: extra_recipients[{index}] fields")
            keys.append(
                load_keys(f"{name} extra {index}", extra["private_key_pem"],
                          extra["public_key_pem"], extra["kid"])
            )
        loaded.append((vector, keys))

    stats = {"vectors": 0, "keys": 0, "tampered": 0, "wrong_keys": 0}
    for vector, keys in loaded:
        try:
            check_booking_vector(vector, keys, loaded, stats)
        except CannotOpen:
            raise Mismatch(
                f"{vector['name']}: the vector does not open with its own key(s)"
            ) from None
    return stats


def check_booking_vector(vector, keys, loaded, stats):
    name = vector["name"]
    envelope = b64url_decode(vector["envelope"])
    expect(envelope is not None, f"{name}: envelope is not canonical base64url")
    plaintext = vector["plaintext"].encode("utf-8")
    header = check_envelope_layout(name, envelope, vector, "booking", len(keys), plaintext)
    expect(
        [s["kid"] for s in header["recipients"]] == [kid for kid, _, _ in keys],
        f"{name}: header kids are not the vector's kids in order",
    )

    # opens with each of its keys alone
    for kid, private_key, _ in keys:
        opened_header, opened = open_booking([(kid, private_key)], envelope)
        expect(opened == plaintext, f"{name}: key {kid} opens to a different plaintext")
        expect(opened_header == header, f"{name}: header differs")
        stats["keys"] += 1

    # every recipient's wk unwraps to the same file key
    file_keys = {
        unwrap(private_key, b64url_decode(stanza["wk"]))
        for stanza, (_, private_key, _) in zip(header["recipients"], keys)
    }
    expect(len(file_keys) == 1, f"{name}: recipients unwrap to different file keys")

    # re-seal from the spec with the deterministic test RNG
    resealed = seal_booking(
        [(kid, public_key) for kid, _, public_key in keys],
        vector["business"], vector["iat"], plaintext, TestRng(name),
    )
    if resealed != envelope:
        first = next(
            (i for i, (a, b) in enumerate(zip(resealed, envelope)) if a != b),
            min(len(resealed), len(envelope)),
        )
        raise Mismatch(
            f"{name}: re-sealing with the test RNG gives different bytes "
            f"(first difference at byte {first}; {len(resealed)} vs {len(envelope)} bytes)"
        )

    identities = [(kid, private_key) for kid, private_key, _ in keys]
    stats["tampered"] += check_tampering(
        name, envelope, lambda data: open_booking(identities, data)
    )
    stats["tampered"] += check_crafted(
        name, envelope, next(iter(file_keys)), lambda data: open_booking(identities, data)
    )
    must_fail(f"{name} opened as a visitor copy",
              lambda: open_visitor_copy(bytes(32), envelope))

    # wrong keys: every key of every other vector, both through the opener and
    # forced onto each wk regardless of kid
    own = {kid for kid, _, _ in keys}
    for other, other_keys in loaded:
        if other is vector:
            continue
        for kid, private_key, _ in other_keys:
            if kid in own:
                continue
            must_fail(f"{name} with the key of {other['name']}",
                      lambda: open_booking([(kid, private_key)], envelope))
            for stanza in header["recipients"]:
                impostor = [(stanza["kid"], private_key)]
                must_fail(f"{name} with the key of {other['name']} under a matching kid",
                          lambda: open_booking(impostor, envelope))
            stats["wrong_keys"] += 1
    stats["vectors"] += 1


def check_visitor_vectors(path):
    with open(path, encoding="utf-8") as file:
        vectors = json.load(file)
    expect(isinstance(vectors, list) and vectors, f"{path}: expected a non-empty list")
    stats = {"vectors": 0, "tampered": 0}
    for vector in vectors:
        try:
            check_visitor_vector(vector, stats)
        except CannotOpen:
            raise Mismatch(f"{vector.get('name', '?')}: the visitor copy does not open "
                           "with its manage secret") from None
    return stats


def check_visitor_vector(vector, stats):
    name = vector.get("name", "?")
    expect(set(vector) == VISITOR_FIELDS,
           f"{name}: fields {sorted(set(vector))} are not the v1-visitor.json fields")
    secret = b64url_decode_len(vector["manage_secret"], 32)
    expect(secret is not None, f"{name}: manage_secret is not 32 bytes of base64url")
    token = hkdf_sha256(secret, b"", INFO_TOKEN)
    expect(b64url_encode(token) == vector["manage_token"],
           f"{name}: manage_token differs from HKDF(manage_secret)")
    token_hash = hashlib.sha256(token).digest()
    expect(b64url_encode(token_hash) == vector["manage_token_hash"],
           f"{name}: manage_token_hash differs from SHA-256(token)")

    envelope = b64url_decode(vector["envelope"])
    expect(envelope is not None, f"{name}: envelope is not canonical base64url")
    plaintext = vector["plaintext"].encode("utf-8")
    header = check_envelope_layout(name, envelope, vector, "visitor-copy", 0, plaintext)
    opened_header, opened = open_visitor_copy(secret, envelope)
    expect(opened == plaintext, f"{name}: opens to a different plaintext")
    expect(opened_header == header, f"{name}: header differs")

    resealed = seal_visitor_copy(secret, vector["business"], vector["iat"], plaintext,
                                 TestRng(name))
    expect(resealed == envelope,
           f"{name}: re-sealing with the test RNG gives different bytes")

    stats["tampered"] += check_tampering(
        name, envelope, lambda data: open_visitor_copy(secret, data)
    )
    stats["tampered"] += check_crafted(
        name, envelope, hkdf_sha256(secret, b"", INFO_VISITOR),
        lambda data: open_visitor_copy(secret, data),
    )
    for what, wrong in (("the manage token", token), ("a flipped secret",
                                                      bytes([secret[0] ^ 1]) + secret[1:])):
        must_fail(f"{name} with {what} as the secret",
                  lambda: open_visitor_copy(wrong, envelope))
    must_fail(f"{name} opened as a booking", lambda: open_booking([], envelope))
    stats["vectors"] += 1


def check_contact_card_vectors(path):
    with open(path, encoding="utf-8") as file:
        vectors = json.load(file)
    expect(isinstance(vectors, list) and vectors, f"{path}: expected a non-empty list")
    stats = {"vectors": 0, "tampered": 0}
    for vector in vectors:
        try:
            check_contact_card_vector(vector, stats)
        except CannotOpen:
            raise Mismatch(f"{vector.get('name', '?')}: the contact card does not open "
                           "with its courier key") from None
    return stats


def check_contact_card_vector(vector, stats):
    name = vector.get("name", "?")
    expect(set(vector) == CONTACT_CARD_FIELDS,
           f"{name}: fields {sorted(set(vector))} are not the v1-contact-card.json fields")
    kid, private_key, public_key = load_keys(
        name, vector["private_key_pem"], vector["public_key_pem"], vector["kid"])
    secret = b64url_decode_len(vector["manage_secret"], 32)
    expect(secret is not None, f"{name}: manage_secret is not 32 bytes of base64url")
    cancel = hkdf_sha256(secret, b"", INFO_CANCEL)
    expect(b64url_encode(cancel) == vector["cancel_token"],
           f"{name}: cancel_token differs from HKDF(manage_secret)")
    expect(b64url_encode(hashlib.sha256(cancel).digest()) == vector["cancel_token_hash"],
           f"{name}: cancel_token_hash differs from SHA-256(cancel token)")
    expect(cancel != hkdf_sha256(secret, b"", INFO_TOKEN),
           f"{name}: the cancel token equals the manage token")

    envelope = b64url_decode(vector["envelope"])
    expect(envelope is not None, f"{name}: envelope is not canonical base64url")
    plaintext = vector["plaintext"].encode("utf-8")
    header = check_envelope_layout(name, envelope, vector, "contact-card", 1, plaintext)
    identities = [(kid, private_key)]
    opener = lambda data: open_booking(identities, data, kind="contact-card")  # noqa: E731
    opened_header, opened = opener(envelope)
    expect(opened == plaintext, f"{name}: opens to a different plaintext")
    expect(opened_header == header, f"{name}: header differs")
    card = json.loads(opened)
    expect(card.get("cancel") == vector["cancel_token"],
           f"{name}: the card does not carry its cancel token")
    expect(vector["manage_secret"] not in vector["plaintext"],
           f"{name}: the card carries the manage secret")

    resealed = seal_booking([(kid, public_key)], vector["business"], vector["iat"],
                            plaintext, TestRng(name), kind="contact-card")
    expect(resealed == envelope, f"{name}: re-sealing with the test RNG gives different bytes")

    file_key = unwrap(private_key, b64url_decode(header["recipients"][0]["wk"]))
    stats["tampered"] += check_tampering(name, envelope, opener)
    stats["tampered"] += check_crafted(name, envelope, file_key, opener)
    must_fail(f"{name} opened as a booking", lambda: open_booking(identities, envelope))
    must_fail(f"{name} opened as a visitor copy",
              lambda: open_visitor_copy(secret, envelope))
    stats["vectors"] += 1


def main(argv):
    if len(argv) > 2 or (len(argv) == 2 and argv[1] in ("-h", "--help")):
        print(__doc__.strip().splitlines()[0])
        print("usage: python3 tests/vectors/check_vectors.py [tests/vectors]")
        return 0 if len(argv) == 2 else 2
    directory = argv[1] if len(argv) == 2 else os.path.dirname(os.path.abspath(__file__))
    try:
        booking = check_booking_vectors(os.path.join(directory, "v1.json"))
        visitor = check_visitor_vectors(os.path.join(directory, "v1-visitor.json"))
        cards = check_contact_card_vectors(os.path.join(directory, "v1-contact-card.json"))
    except Mismatch as mismatch:
        print(f"check_vectors: MISMATCH: {mismatch}", file=sys.stderr)
        return 1
    except (OSError, ValueError, KeyError, TypeError) as error:
        print(f"check_vectors: ERROR: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    print(
        f"check_vectors: OK: {booking['vectors']} booking vectors opened with "
        f"{booking['keys']} keys and re-sealed byte for byte, {visitor['vectors']} visitor "
        f"copy opened, re-sealed and its token derived, {cards['vectors']} contact cards "
        f"opened, re-sealed and their cancel tokens derived; "
        f"{booking['tampered'] + visitor['tampered'] + cards['tampered']} altered envelopes and "
        f"{booking['wrong_keys'] + 2 * visitor['vectors']} wrong keys refused"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
