/*
 * sign.h - the signature layer (docs/signing.md): SHA-256, Ed25519 keys
 * and detached signatures, and their text formats. The only file that
 * includes <sodium.h> is sign.c. Owns key ids and the text of .pub, .key
 * and .sig files; knows nothing of files, manifests or the engine. Keygen
 * and signing exist only in builds with EP_SIGNING (the host build): board
 * builds verify only, which keeps libsodium's signing tables out of them.
 */
#ifndef EP_SIGN_H
#define EP_SIGN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define EP_SHA256_BYTES 32
#define EP_KEYID_BYTES 8          /* first bytes of SHA-256(public key) */
#define EP_PUBKEY_BYTES 32
#define EP_SECKEY_BYTES 64        /* libsodium's: seed, then public key */
#define EP_SIG_BYTES 64

typedef struct ep_pubkey {
	uint8_t id[EP_KEYID_BYTES];
	uint8_t key[EP_PUBKEY_BYTES];
	char name[64];                /* the comment of the .pub line, may be "" */
} ep_pubkey;

typedef struct ep_seckey {
	uint8_t id[EP_KEYID_BYTES];
	uint8_t key[EP_SECKEY_BYTES];
} ep_seckey;

typedef struct ep_signature {
	uint8_t keyid[EP_KEYID_BYTES];
	uint8_t sig[EP_SIG_BYTES];
} ep_signature;

/* 0 on success; -1 when libsodium cannot start (no entropy source). Call
 * once before the rest. */
int ep_sign_init(void);

void ep_sha256(const void *data, size_t len, uint8_t out[EP_SHA256_BYTES]);
/* Incremental hashing, for files read in pieces. */
typedef struct ep_sha256_state { uint64_t opaque[14]; } ep_sha256_state;
void ep_sha256_init(ep_sha256_state *s);
void ep_sha256_update(ep_sha256_state *s, const void *data, size_t len);
void ep_sha256_final(ep_sha256_state *s, uint8_t out[EP_SHA256_BYTES]);

/* Text forms, one line each ending in '\n' (docs/signing.md). Parsers take
 * the file's bytes and return 0, or -1 with one line in why (e.g. "line 1:
 * not an edgeplug public key", "key id does not match the key"). */
int ep_pubkey_parse(const char *text, size_t len, ep_pubkey *out, char *why, size_t whylen);
int ep_seckey_parse(const char *text, size_t len, ep_seckey *out, char *why, size_t whylen);
int ep_signature_parse(const char *text, size_t len, ep_signature *out, char *why, size_t whylen);
/* Write the text form into buf (size bytes, NUL-terminated); return its
 * length without the NUL, or 0 when buf is too small. */
size_t ep_pubkey_format(const ep_pubkey *k, char *buf, size_t size);
size_t ep_seckey_format(const ep_seckey *k, char *buf, size_t size);
size_t ep_signature_format(const ep_signature *s, char *buf, size_t size);
/* A key's id: the first EP_KEYID_BYTES of SHA-256 of its 32 public bytes.
 * Inline: sign.c's callers get it inlined as when it was static there. */
static inline void ep_key_id(const uint8_t key[EP_PUBKEY_BYTES], uint8_t id[EP_KEYID_BYTES])
{
	uint8_t h[EP_SHA256_BYTES];

	ep_sha256(key, EP_PUBKEY_BYTES, h);
	memcpy(id, h, EP_KEYID_BYTES);
}
/* 16 lowercase hex digits of a key id into buf[17]. */
void ep_keyid_hex(const uint8_t id[EP_KEYID_BYTES], char buf[17]);

/* 1 when sig is a valid signature of msg by k (and sig names k's id). */
int ep_verify(const ep_pubkey *k, const void *msg, size_t len, const ep_signature *sig);

/* 1 when name can be a public key's comment: 0-63 letters, digits and
 * . _ - @ + (nothing a terminal or shell acts on). */
int ep_key_name_ok(const char *name);

#ifdef EP_SIGNING
/* A new key pair from the system's randomness (getrandom(2)); name goes
 * in the public key's comment and must pass ep_key_name_ok. 0 on success,
 * -1 for a bad name or no randomness (errno says which: EINVAL or
 * getrandom's). */
int ep_keygen(const char *name, ep_pubkey *pub, ep_seckey *sec);
void ep_sign(const ep_seckey *k, const void *msg, size_t len, ep_signature *out);
#endif

/* Overwrites secret bytes so they do not linger in memory. */
void ep_wipe(void *p, size_t n);

#endif
