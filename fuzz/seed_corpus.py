#!/usr/bin/env python3
"""Writes the seed corpus of every fuzz target from the spec vectors in test-vectors/vectors.

Usage: seed_corpus.py [OUT_DIR]   (default: fuzz/corpus beside this script)

Each vector file is walked as plain JSON, and every value is routed by its shape, not by the
file it came from, so that new vectors seed the targets without a change here: strings that
start with `did:` seed the DID parsers, three-segment base64url strings the JWS decoder, and
so on. The output is one file per input, named by its SHA-1 as libFuzzer names its own, so
running this again over a corpus the fuzzer has grown adds nothing twice.

The seeds are generated, not committed; fuzz/regressions/ holds the inputs worth keeping.
"""

import base64
import hashlib
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
VECTORS = HERE.parent / "test-vectors" / "vectors"

B64URL = r"[A-Za-z0-9_-]"
JWS = re.compile(rf"^{B64URL}+\.{B64URL}*\.{B64URL}*$")
MULTIKEY = re.compile(r"^z[1-9A-HJ-NP-Za-km-z]{40,60}$")
DISCLOSURE = re.compile(rf"^{B64URL}{{16,}}$")

# The first byte of a status_list input picks the format (see fuzz_targets/status_list.rs).
TOKEN_LIST_MODE = {1: 0, 2: 1, 4: 2, 8: 3}
BITSTRING_MODE_BASE = 3  # + statusSize
STATUS_LIST_JSON_MODE = 12


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def walk(value):
    """Every value inside `value`, itself included."""
    yield value
    if isinstance(value, dict):
        for item in value.values():
            yield from walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)


def compact(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


class Corpus:
    def __init__(self, out):
        self.out = out
        self.count = {}

    def add(self, target, data):
        if isinstance(data, str):
            data = data.encode()
        directory = self.out / target
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / hashlib.sha1(data).hexdigest()
        if not path.exists():
            path.write_bytes(data)
            self.count[target] = self.count.get(target, 0) + 1


def sd_jwt_verify_seed(payload, encoded_disclosures):
    """The sd_jwt_verify input for a payload and its disclosures: the payload on the first
    line, then one disclosure's JSON per line, every digest written as `#N` (the N-th line
    after the payload), children before the disclosures that refer to them."""
    contents = {}
    for encoded in encoded_disclosures:
        digest = base64.urlsafe_b64encode(hashlib.sha256(encoded.encode()).digest())
        contents[digest.decode().rstrip("=")] = json.loads(b64url_decode(encoded))
    order = []

    def visit(digest, seen):
        if digest in order or digest in seen:
            return
        seen.add(digest)
        for item in walk(contents[digest]):
            if isinstance(item, str) and item in contents:
                visit(item, seen)
        order.append(digest)

    for digest in contents:
        visit(digest, set())
    index = {digest: n for n, digest in enumerate(order)}

    def link(value):
        if isinstance(value, str):
            return f"#{index[value]}" if value in index else value
        if isinstance(value, list):
            return [link(item) for item in value]
        if isinstance(value, dict):
            return {name: link(item) for name, item in value.items()}
        return value

    lines = [compact(link(payload))]
    lines += [compact(link(contents[digest])) for digest in order]
    return b"\n".join(lines)


def seed(corpus, value):
    if isinstance(value, list) and value and all(isinstance(item, str) for item in value):
        # Long tokens are kept as lists of lines in the vector files.
        joined = "".join(value)
        if JWS.match(joined):
            seed(corpus, joined)
    if isinstance(value, str):
        if value.startswith("did:"):
            corpus.add("did_url", value)
            if value.startswith("did:peer:"):
                corpus.add("did_peer", b"\x00" + value[len("did:peer:"):].encode())
                long_form = re.match(r"^did:peer:4[^:]+:(z.*)$", value)
                if long_form:
                    corpus.add("did_peer", b"\x02" + long_form.group(1).encode())
            key = re.match(r"^did:key:(z[^#]*)", value)
            if key:
                corpus.add("multikey", key.group(1))
        if JWS.match(value):
            corpus.add("jws", value)
            corpus.add("status_token", b"\x00" + value.encode())
            try:
                claims = b64url_decode(value.split(".")[1])
                json.loads(claims)
                corpus.add("status_token", b"\x01" + claims)
            except ValueError:
                pass
        if "~" in value:
            corpus.add("sd_jwt", value)
            for part in value.split("~"):
                if JWS.match(part):
                    corpus.add("jws", part)
        if MULTIKEY.match(value):
            corpus.add("multikey", value)
        if DISCLOSURE.match(value) and "." not in value:
            try:
                json.loads(b64url_decode(value))
                corpus.add("sd_jwt", value)
            except ValueError:
                pass
    if not isinstance(value, dict):
        return
    if "kty" in value:
        corpus.add("jwk", compact(value))
    if isinstance(value.get("id"), str) and value["id"].startswith("did:"):
        corpus.add("did_document", compact(value))
    if "verificationMethod" in value and "id" not in value:
        # A did:peer:4 input document.
        corpus.add("did_peer", b"\x01" + compact(value))
    lst = value.get("lst")
    bits = value.get("bits")
    if bits in TOKEN_LIST_MODE:
        parts = lst if isinstance(lst, list) else [lst]
        if all(isinstance(part, str) for part in parts):
            joined = "".join(parts)
            corpus.add("status_list", bytes([TOKEN_LIST_MODE[bits]]) + joined.encode())
            corpus.add(
                "status_list",
                bytes([STATUS_LIST_JSON_MODE]) + compact({"bits": bits, "lst": joined}),
            )
    encoded_list = value.get("encodedList")
    if isinstance(encoded_list, str):
        size = value.get("status_size", value.get("statusSize", 1))
        size = size if isinstance(size, int) and 1 <= size <= 8 else 1
        corpus.add("status_list", bytes([BITSTRING_MODE_BASE + size]) + encoded_list.encode())
    credential = value.get("credential")
    if isinstance(credential, dict) and "credentialSubject" in credential:
        corpus.add("status_token", b"\x02" + compact(credential))
        subject = credential["credentialSubject"]
        if isinstance(subject, dict) and isinstance(subject.get("encodedList"), str):
            size = value.get("status_size", 1)
            corpus.add(
                "status_list",
                bytes([BITSTRING_MODE_BASE + size]) + subject["encodedList"].encode(),
            )
    # An issuer-signed payload and its disclosures.
    payload = value.get("payload", value.get("sd_jwt_payload"))
    disclosures = value.get("disclosures", value.get("presented"))
    if isinstance(payload, dict) and isinstance(disclosures, list):
        encoded = [d["encoded"] if isinstance(d, dict) else d for d in disclosures]
        if all(isinstance(d, str) for d in encoded):
            corpus.add("sd_jwt_verify", sd_jwt_verify_seed(payload, encoded))
            # The payload alone: every disclosure withheld.
            corpus.add("sd_jwt_verify", sd_jwt_verify_seed(payload, []))


def main():
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "corpus"
    corpus = Corpus(out)
    for path in sorted(VECTORS.glob("*.json")):
        document = json.loads(path.read_text())
        for value in walk(document):
            seed(corpus, value)
        # The DID Core ABNF vectors list invalid inputs too, not all of them starting with did:.
        for item in walk(document):
            if isinstance(item, dict) and isinstance(item.get("input"), str):
                corpus.add("did_url", item["input"])
    for target, count in sorted(corpus.count.items()):
        print(f"{target}: {count} new seeds")


if __name__ == "__main__":
    main()
