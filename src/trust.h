/*
 * trust.h - the trust store: the public keys whose signatures a host
 * accepts, read from a .pub file or a directory of them, with the
 * permission checks an operator expects (docs/signing.md); and reading a
 * secret key file, which must be private to its owner, as ssh requires.
 * Owns files and modes; the keys' text and the cryptography are sign.h's.
 */
#ifndef EP_TRUST_H
#define EP_TRUST_H

#include <stddef.h>

#include "sign.h"

/* The system trust store, used when no --trust is given and it exists. */
#define EP_TRUST_DIR "/etc/edgeplug/trusted.d"

typedef struct ep_trust {
	ep_pubkey *keys;
	size_t nkeys;
} ep_trust;

/* Adds the keys of path: a .pub file, or every *.pub file of a directory
 * (other names are ignored; a directory without one is an error). Refused,
 * with one line in why that names the file: a file or directory writable
 * by others, a file that is not a regular file, a key that does not parse,
 * two keys with one id. Returns 0 or -1 (nothing is added on failure). */
int ep_trust_add(ep_trust *t, const char *path, char *why, size_t whylen);
/* Adds one key already in memory (firmware's keys), refused like a file's
 * when its id is already trusted: 0, or -1 with why set. */
int ep_trust_add_key(ep_trust *t, const ep_pubkey *k, const char *src, char *why, size_t whylen);
/* The key with this id, or NULL. */
const ep_pubkey *ep_trust_find(const ep_trust *t, const uint8_t id[EP_KEYID_BYTES]);
void ep_trust_free(ep_trust *t);

/* Reads a secret key file: 0, or one of these with one line in why. A key
 * file readable or writable by group or others is refused, like ssh; so
 * is a symbolic link, one owned by another user, or not a regular file. */
enum { EP_KEY_UNREADABLE = -1, EP_KEY_INVALID = -2, EP_KEY_REFUSED = -3 };
int ep_seckey_load(const char *path, ep_seckey *out, char *why, size_t whylen);

#endif
